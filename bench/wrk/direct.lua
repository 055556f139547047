-- (f) the upstream called directly, no Tollgate: the baseline (g) and (h) are compared with.
wrk.method = "POST"
wrk.path = "/v1/run"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"input":"bench"}'
