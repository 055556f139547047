-- Seed 001's load test is open-loop: 1000 concurrent clients sending 100 requests/s in all, not 1000
-- connections sending as fast as they can. Each connection waits a random pause averaging
-- BENCH_CONNECTIONS / BENCH_TARGET_RPS seconds between its requests (random, so they never march in step).
local interval_ms = tonumber(os.getenv("BENCH_CONNECTIONS") or "1000") * 1000 / tonumber(os.getenv("BENCH_TARGET_RPS") or "100")
math.randomseed(os.time())
function delay()
  return math.random(0, math.floor(2 * interval_ms))
end
