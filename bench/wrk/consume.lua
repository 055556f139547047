-- (b)/(d) seed 001 token consumption: metered, 1 token per call from the organization's wallet.
wrk.method = "POST"
wrk.path = "/api/v1/customer/tokens/consume"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_KEY")
wrk.headers["X-App-Id"] = os.getenv("BENCH_APP")
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"app_id":"bench-001","tokens_consumed":1,"session_id":"bench"}'
