-- (a) the authenticated no-op: the ceiling of an /api/v1 call.
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_KEY")
wrk.headers["X-App-Id"] = os.getenv("BENCH_APP")
