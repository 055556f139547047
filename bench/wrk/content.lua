-- (c) a metered feature call: viewing a content item priced at 1 credit.
wrk.method = "POST"
wrk.path = "/api/v1/content/" .. os.getenv("BENCH_CONTENT") .. "/view"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_KEY")
wrk.headers["X-App-Id"] = os.getenv("BENCH_APP")
