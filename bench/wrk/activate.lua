-- Seed 001's activation load test: POST /api/v1/customer/apps/{app_id}/activate from many customers.
-- BENCH_ACTIVATION_FILE has one "key app_id" line per customer (an organization's app and its key); each
-- request takes the next customer and cycles through BENCH_CATALOG_APPS catalog apps (bench-app-0 …), so
-- the run first creates activations (each with its embed key) and then reconfigures them.
local customers = {}
for line in io.lines(os.getenv("BENCH_ACTIVATION_FILE")) do
  local key, app = line:match("^(%S+) (%S+)$")
  if key then customers[#customers + 1] = {key = key, app = app} end
end
local apps = tonumber(os.getenv("BENCH_CATALOG_APPS") or "20")
local n = math.random(0, 1000000)
request = function()
  n = n + 1
  local who = customers[(n % #customers) + 1]
  local catalog = "bench-app-" .. (math.floor(n / #customers) % apps)
  local placement = (n % 2 == 0) and "product_page" or "cart_page"
  local body = '{"configuration":{"button_text":"Try ' .. n .. '","placement":"' .. placement .. '"}}'
  return wrk.format("POST", "/api/v1/customer/apps/" .. catalog .. "/activate",
    {["Authorization"] = "Bearer " .. who.key, ["X-App-Id"] = who.app, ["Content-Type"] = "application/json"}, body)
end
