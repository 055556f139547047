#!/usr/bin/env bash
# Integrations hub benchmark, two parts:
# 1. Proxy overhead per call, the gateway benchmark's method (bench/run.sh (f)/(g)): wrk drives the same small POST
#    at the tiny upstream (bench/Upstream.java) directly, then through one connection at
#    /api/v1/integrations/{id}/proxy/… (credentials injected, limits checked, call logged), at the same concurrency;
#    reports p50/p99/throughput of both and the difference. Health checks are not running yet.
# 2. The cost of scheduled health checks: a local stub provider (python3, answers {"ok":true} at once), N connections
#    with a 10-second check interval, the scheduler running for DURATION seconds: checks made, checks per second, CPU
#    per check of the JVM and of PostgreSQL, and the checks' average response time.
#
# Usage: bench/integrations.sh [--duration SECONDS] [--connections N] [--proxy-duration SECONDS] [--proxy-concurrency N] [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=60
CONNECTIONS=200
PROXY_DURATION=30
PROXY_CONCURRENCY=64
BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --proxy-duration) PROXY_DURATION=$2; shift 2 ;;
    --proxy-concurrency) PROXY_CONCURRENCY=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
if [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
command -v jq >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q jq; }
command -v wrk >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk; }
[ "$BUILD" = 1 ] && ./mvnw -q -B -DskipTests package
JAR=$(ls target/tollgate-*.jar | grep -v original | head -1)

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=bench/results/integrations-$STAMP
WORK=bench/work-integrations
rm -rf "$WORK"; mkdir -p "$OUT" "$WORK"
PORT=${BENCH_PORT:-18391}; STUB_PORT=${BENCH_STUB_PORT:-18491}; PGPORT=${BENCH_PG_PORT:-15633}; UPSTREAM_PORT=${BENCH_UPSTREAM_PORT:-18591}
for p in $PORT $STUB_PORT $PGPORT $UPSTREAM_PORT; do
  if (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then echo "port $p is taken (BENCH_PORT, BENCH_STUB_PORT, BENCH_PG_PORT, BENCH_UPSTREAM_PORT choose others)" >&2; exit 1; fi
done
TOKEN=bench-admin-token-0123456789abcdef
BASE=http://localhost:$PORT
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

python3 - "$STUB_PORT" > "$OUT/stub.log" 2>&1 <<'PY' &
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def answer(self):
        body = b'{"ok":true}'
        self.send_response(200); self.send_header("Content-Type", "application/json"); self.send_header("Content-Length", str(len(body)))
        self.end_headers(); self.wfile.write(body)
    do_GET = do_POST = do_HEAD = answer
    def log_message(self, *a): pass
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
PIDS+=($!)

"$JAVA" bench/Upstream.java "$UPSTREAM_PORT" > "$OUT/upstream.log" 2>&1 &
PIDS+=($!)

# The stub and the upstream are on this machine: exempt 127.0.0.1 from the egress address check (as tests do).
env TOLLGATE_DATA_DIR="$WORK/data" SERVER_PORT=$PORT TOLLGATE_ADMIN_TOKEN=$TOKEN TOLLGATE_DEMO=false TOLLGATE_EMBEDDED_DB_PORT=$PGPORT \
    TOLLGATE_INTEGRATIONS_HEALTH_POLL_MILLIS=200 TOLLGATE_INTEGRATIONS_ALLOWED_HOSTS=127.0.0.1 TOLLGATE_INTEGRATIONS_PROXY_MAX_CONNECTIONS=512 \
    "$JAVA" -Xmx512m -jar "$JAR" > "$OUT/server.log" 2>&1 &
SERVER_PID=$!
PIDS+=($SERVER_PID)
for _ in $(seq 1 300); do curl -sf -o /dev/null "$BASE/actuator/health" && break; sleep 1; done
curl -sf -o /dev/null "$BASE/actuator/health" || { echo "server did not start; see $OUT/server.log" >&2; exit 1; }
admin() { curl -sf -X "$1" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' ${3:+-d "$3"} "$BASE$2"; }
for _ in $(seq 1 60); do (exec 3<>/dev/tcp/127.0.0.1/$UPSTREAM_PORT) 2>/dev/null && break; sleep 1; done

# Part 1: proxy overhead. One organization, a secret key with integrations:manage (no hourly limit in the way), one
# connection to the upstream whose health is checked once a day (so checks do not run during the measurement).
run_wrk() { # name script connections duration url
  local script="$OUT/$1.lua"
  cat "bench/wrk/$2.lua" bench/wrk/report.lua > "$script"
  wrk -t2 -c"$3" -d"$4"s --timeout 10s -s "$script" "$5" 2>&1 | tee "$OUT/$1.wrk.txt" | grep '^WRK_JSON' | sed 's/^WRK_JSON //'
}
P_ORG=$(admin POST /api/admin/organizations '{"name":"Bench integrations proxy"}' | jq -r .data.id)
P_APP=$(admin POST /api/external-apps "{\"organization_id\":\"$P_ORG\",\"name\":\"Bench proxy\",\"app_type\":\"api\",\"app_identifier\":\"bench.proxy\",\"status\":\"active\"}" | jq -r .data.id)
P_KEY=$(admin POST "/api/external-apps/$P_APP/api-keys" '{"name":"bench","scopes":["integrations:manage"],"rate_limit":10000000}' | jq -r .data.key)
admin POST /api/admin/integrations/providers "{\"provider_name\":\"bench_upstream\",\"display_name\":\"Bench upstream\",\"provider_type\":\"ai\",
  \"base_url\":\"http://127.0.0.1:$UPSTREAM_PORT\",\"auth_style\":\"bearer\",\"auth_config\":{\"token\":\"credential:api_key\"},
  \"health_check_path\":\"/v1/me\"}" > /dev/null
P_CON=$(admin POST "/api/admin/organizations/$P_ORG/integrations" '{"provider":"bench_upstream","connection_name":"proxy",
  "health_check_interval_seconds":86400,"credentials":{"api_key":{"value":"bench-upstream-key-0123456789"}}}' | jq -r .data.id)
admin POST "/api/admin/organizations/$P_ORG/integrations/$P_CON/activate" > /dev/null
export BENCH_KEY=$P_KEY BENCH_APP=$P_APP BENCH_CONNECTION=$P_CON
WARMUP=$(( PROXY_DURATION < 10 ? PROXY_DURATION : 10 ))
run_wrk direct-warmup direct "$PROXY_CONCURRENCY" "$WARMUP" "http://127.0.0.1:$UPSTREAM_PORT" > /dev/null
DIRECT=$(run_wrk direct direct "$PROXY_CONCURRENCY" "$PROXY_DURATION" "http://127.0.0.1:$UPSTREAM_PORT")
run_wrk proxy-warmup integration-proxy "$PROXY_CONCURRENCY" "$WARMUP" "$BASE" > /dev/null
PROXIED=$(run_wrk proxied integration-proxy "$PROXY_CONCURRENCY" "$PROXY_DURATION" "$BASE")
LOGGED=$(admin GET "/api/admin/organizations/$P_ORG/integrations/$P_CON/logs?source=proxy&per_page=1" | jq .meta.pagination.total)
PROXY_JSON=$(jq -n --argjson f "$DIRECT" --argjson p "$PROXIED" --argjson c "$PROXY_CONCURRENCY" --argjson logged "$LOGGED" \
  '{concurrency: $c, direct: $f, proxied: ($p + {calls_logged: $logged}),
    overhead_ms: {p50: ($p.p50_ms - $f.p50_ms), p99: ($p.p99_ms - $f.p99_ms)}, throughput_ratio: ($p.rps / $f.rps)}')
echo "$PROXY_JSON" | tee "$OUT/proxy.json"

# Part 2: health checks.

ORG=$(admin POST /api/admin/organizations '{"name":"Bench integrations"}' | jq -r .data.id)
admin POST /api/admin/integrations/providers "{\"provider_name\":\"bench_stub\",\"display_name\":\"Bench stub\",\"provider_type\":\"ai\",
  \"base_url\":\"http://127.0.0.1:$STUB_PORT\",\"auth_style\":\"bearer\",\"auth_config\":{\"token\":\"credential:api_key\"},
  \"health_check_path\":\"/v1/me\"}" > /dev/null
IDS=()
for i in $(seq 1 "$CONNECTIONS"); do
  ID=$(admin POST "/api/admin/organizations/$ORG/integrations" "{\"provider\":\"bench_stub\",\"connection_name\":\"c$i\",
    \"health_check_interval_seconds\":10,\"credentials\":{\"api_key\":{\"value\":\"bench-key-$i-0123456789\"}}}" | jq -r .data.id)
  admin POST "/api/admin/organizations/$ORG/integrations/$ID/activate" > /dev/null
  IDS+=("$ID")
done

cpu_ticks() { local t=0; for p in "$@"; do [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }
pg_pids() { local m; m=$(pgrep -f -- "-D $WORK/data/postgres" | head -1); [ -n "$m" ] && { echo "$m"; pgrep -P "$m" || true; }; }
# One call: every check writes one call log (source health_check), so the organization's count is the checks made.
checks() { admin GET "/api/admin/organizations/$ORG/integrations/logs?source=health_check&per_page=1" | jq .meta.pagination.total; }

sleep 12   # every connection's first scheduled check is due: the scheduler is at its steady rate
C0=$(checks); J0=$(cpu_ticks $SERVER_PID); P0=$(cpu_ticks $(pg_pids))   # counting calls made before the CPU read
sleep "$DURATION"
J1=$(cpu_ticks $SERVER_PID); P1=$(cpu_ticks $(pg_pids)); C1=$(checks)   # CPU read before the counting calls
N=$((C1 - C0))
AVG=$(admin GET "/api/admin/organizations/$ORG/integrations/${IDS[0]}/health?per_page=100" | jq '[.data[].response_time_ms] | add / length')
jq -n --argjson n "$N" --argjson d "$DURATION" --argjson jt "$((J1 - J0))" --argjson pt "$((P1 - P0))" --argjson c "$CONNECTIONS" --argjson avg "$AVG" \
  '{connections: $c, seconds: $d, checks: $n, checks_per_second: ($n / $d),
    jvm_cpu_ms_per_check: (if $n > 0 then $jt * 10 / $n else null end), postgres_cpu_ms_per_check: (if $n > 0 then $pt * 10 / $n else null end),
    avg_check_response_ms: $avg}' > "$OUT/health.json"
jq -n --slurpfile h "$OUT/health.json" --slurpfile p "$OUT/proxy.json" '{health_checks: $h[0], proxy: $p[0]}' | tee "$OUT/results.json"
