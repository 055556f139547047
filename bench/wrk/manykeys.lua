-- (e) GET /api/v1/app, each request with a key drawn at random from BENCH_KEYS_FILE (plaintext keys the
-- benchmark stored), so most checks miss the key cache and go to PostgreSQL once per key.
local keys = {}
for line in io.lines(os.getenv("BENCH_KEYS_FILE")) do keys[#keys + 1] = line end
local app = os.getenv("BENCH_APP")
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/api/v1/app", {["Authorization"] = "Bearer " .. keys[math.random(#keys)], ["X-App-Id"] = app})
end
