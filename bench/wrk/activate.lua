-- Seed 001's activation load test: POST /api/v1/customer/apps/{app_id}/activate from many customers.
-- BENCH_ACTIVATION_FILE has one "key app_id" line per customer (an organization's app and its key);
-- BENCH_PHASE=warmup reads BENCH_ACTIVATION_WARMUP_FILE instead: customers of their own, so the warm-up
-- leaves the measured customers' (customer, catalog app) pairs untouched and the measured run makes
-- first-time activations (each with a new embed key), not only reconfigurations.
-- The requests walk the pairs in order, customer first (bench-app-0 for every customer, then bench-app-1 …),
-- each wrk thread taking every WRK_THREADS-th pair from its own offset, so no pair is asked twice before
-- all BENCH_CATALOG_APPS × customers pairs have been.
local file = os.getenv(os.getenv("BENCH_PHASE") == "warmup" and "BENCH_ACTIVATION_WARMUP_FILE" or "BENCH_ACTIVATION_FILE")
local customers = {}
for line in io.lines(file) do
  local key, app = line:match("^(%S+) (%S+)$")
  if key then customers[#customers + 1] = {key = key, app = app} end
end
local apps = tonumber(os.getenv("BENCH_CATALOG_APPS") or "20")
local threads = tonumber(os.getenv("WRK_THREADS") or "1")

local created = 0
function setup(thread)
  thread:set("thread_index", created)
  created = created + 1
end

local n = nil
request = function()
  -- thread_index is set by setup() before this thread's first request.
  if n == nil then n = (thread_index or 0) - threads end
  n = n + threads
  local who = customers[(n % #customers) + 1]
  local catalog = "bench-app-" .. (math.floor(n / #customers) % apps)
  local placement = (n % 2 == 0) and "product_page" or "cart_page"
  local body = '{"configuration":{"button_text":"Try ' .. n .. '","placement":"' .. placement .. '"}}'
  return wrk.format("POST", "/api/v1/customer/apps/" .. catalog .. "/activate",
    {["Authorization"] = "Bearer " .. who.key, ["X-App-Id"] = who.app, ["Content-Type"] = "application/json"}, body)
end
