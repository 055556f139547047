-- (g) the same call through the gateway, priced per request (1 credit), held then captured.
wrk.method = "POST"
wrk.path = "/api/v1/gateway/bench-echo/v1/run"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_KEY")
wrk.headers["X-App-Id"] = os.getenv("BENCH_APP")
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"input":"bench"}'
