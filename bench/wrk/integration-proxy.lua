-- The same call as (f) through a connection: /api/v1/integrations/{id}/proxy/… with the organization's secret key
-- (bearer credentials injected, the call rate-limit-checked, logged and streamed back).
wrk.method = "POST"
wrk.path = "/api/v1/integrations/" .. os.getenv("BENCH_CONNECTION") .. "/proxy/v1/run"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_KEY")
wrk.headers["X-App-Id"] = os.getenv("BENCH_APP")
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"input":"bench"}'
