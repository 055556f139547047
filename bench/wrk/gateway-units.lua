-- (h) through the gateway priced by units: 10 reserved, the answer's /usage/total_tokens (3) captured.
wrk.method = "POST"
wrk.path = "/api/v1/gateway/bench-units/v1/run"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_KEY")
wrk.headers["X-App-Id"] = os.getenv("BENCH_APP")
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"input":"bench"}'
