#!/usr/bin/env bash
# Tail latency of the hot paths (issue 11 point 14): starts the built jar with the JVM options given
# (default: the README's production command's), seeds an app, a key and a funded wallet, warms up
# each path, then measures (a) the authenticated no-op GET /api/v1/app and (b) the metered
# tokens/consume at each connection count, with wrk -t2. Records the load average before each run
# (the machine is shared: a busy machine makes a run worthless, the table says so).
# Usage: bench/tail.sh [--java-opts "…"] [--env "K=V …"] [--connections "64 16"] [--paths "app consume"] [--duration S] [--warmup S]
#                      [--jfr] [--gc-log] [--label NAME]
# Writes bench/results/<time>-tail-<label>/tail.md (a row per path and connection count) and the wrk outputs.
# Does not build: run ./mvnw -DskipTests package first.
set -euo pipefail
cd "$(dirname "$0")/.."

# The README's production command's options (README "Production"; HttpThreadsTest keeps them equal).
JAVA_OPTS="-Xms512m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=10 -XX:+ExitOnOutOfMemoryError"
EXTRA_ENV=""
CONNECTIONS="64 16"
PATHS="app consume"
DURATION=30
WARMUP=30
JFR=0
GCLOG=0
LABEL=readme
while [ $# -gt 0 ]; do
  case "$1" in
    --java-opts) JAVA_OPTS=$2; shift 2 ;;
    --env) EXTRA_ENV=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --paths) PATHS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --jfr) JFR=1; shift ;;
    --gc-log) GCLOG=1; shift ;;
    --label) LABEL=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
if [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
command -v wrk >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk; }
JAR=$(ls target/tollgate-*.jar | grep -v original | head -1)

OUT=bench/results/$(date -u +%Y%m%dT%H%M%SZ)-tail-$LABEL
WORK=bench/work-tail
mkdir -p "$OUT"
rm -rf "$WORK"
PORT=${BENCH_PORT:-18092}
TOKEN=bench-admin-token-0123456789abcdef
BASE=http://localhost:$PORT
OPTS=($JAVA_OPTS)
[ "$JFR" = 1 ] && OPTS+=("-XX:StartFlightRecording=filename=$OUT/recording.jfr,settings=profile,delay=${WARMUP}s")
[ "$GCLOG" = 1 ] && OPTS+=("-Xlog:gc*,safepoint:file=$OUT/gc.log:uptime")
env TOLLGATE_DATA_DIR="$WORK/data" SERVER_PORT=$PORT TOLLGATE_ADMIN_TOKEN=$TOKEN TOLLGATE_DEMO=false \
    TOLLGATE_RATE_LIMIT_TOKEN_CONSUMPTION_PER_HOUR=0 $EXTRA_ENV \
    "$JAVA" "${OPTS[@]}" -jar "$JAR" > "$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do curl -sf -o /dev/null "$BASE/actuator/health" && break; sleep 1; done

admin() { curl -sf -X "$1" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' ${3:+-d "$3"} "$BASE$2"; }
ORG=$(admin POST /api/admin/organizations '{"name":"Tail"}' | jq -r .data.id)
APP=$(admin POST /api/external-apps "{\"organization_id\":\"$ORG\",\"name\":\"Tail\",\"app_type\":\"api\",\"status\":\"active\"}" | jq -r .data.id)
KEY=$(admin POST /api/external-apps/$APP/api-keys '{"name":"tail","rate_limit":10000000}' | jq -r .data.key)
WALLET=$(admin GET /api/admin/organizations/$ORG/wallet | jq -r .data.id)
admin POST /api/admin/wallets/$WALLET/grants '{"amount":1000000000,"reason":"tail"}' > /dev/null
admin POST /api/admin/catalog-apps '{"id":"bench-001","name":"Bench","category":"bench","token_cost":1,"widget_url":"http://127.0.0.1:9/bench"}' > /dev/null
curl -sf -X POST -H "Authorization: Bearer $KEY" -H "X-App-Id: $APP" -H 'Content-Type: application/json' -d '{}' \
    "$BASE/api/v1/customer/apps/bench-001/activate" > /dev/null
export BENCH_KEY=$KEY BENCH_APP=$APP
for s in app consume; do cat "bench/wrk/$s.lua" bench/wrk/report.lua > "$OUT/$s.lua"; done

cpu_ticks() { # CPU ticks (1/100 s) used so far by these processes (as bench/run.sh)
  local total=0
  for pid in "$@"; do [ -r "/proc/$pid/stat" ] && total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done
  echo "$total"
}
switches() { # voluntary + involuntary context switches so far of every thread of the server JVM
  cat /proc/$SERVER/task/*/status 2>/dev/null | awk '/^(non)?voluntary_ctxt_switches/ {s += $2} END {printf "%d", s}'
}
pg_pids() { local m; m=$(pgrep -f -- "-D $WORK/data/postgres" | head -1); [ -n "$m" ] && { echo "$m"; pgrep -P "$m" || true; }; }

MAXC=$(echo $CONNECTIONS | tr ' ' '\n' | sort -n | tail -1)
for s in $PATHS; do wrk -t2 -c"$MAXC" -d"${WARMUP}"s --timeout 10s -s "$OUT/$s.lua" "$BASE/api/v1/app" > /dev/null; done

{
  echo "JVM: $JAVA_OPTS  env: ${EXTRA_ENV:-none}  warm-up ${WARMUP}s per path, measured ${DURATION}s"
  echo
  echo "| path | connections | req/s | p50 ms | p99 ms | max ms | non-2xx | socket errors | server CPU µs/call | JVM context switches/call | load (1 min) before |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
} > "$OUT/tail.md"
for c in $CONNECTIONS; do
  for s in $PATHS; do
    LOAD=$(cut -d' ' -f1 /proc/loadavg)
    PGS=$(pg_pids | tr '\n' ' '); CPU0=$(cpu_ticks $SERVER $PGS); CS0=$(switches)
    J=$(wrk -t2 -c"$c" -d"$DURATION"s --timeout 10s --latency -s "$OUT/$s.lua" "$BASE/api/v1/app" | tee "$OUT/$s-$c.wrk.txt" | grep '^WRK_JSON' | sed 's/^WRK_JSON //')
    CPU=$(( $(cpu_ticks $SERVER $PGS) - CPU0 )); CS=$(( $(switches) - CS0 ))
    echo "$J" | jq -r --arg s "$s" --arg c "$c" --arg l "$LOAD" --argjson cpu "$CPU" --argjson cs "$CS" \
      '"| \($s) | \($c) | \(.rps | floor) | \(.p50_ms) | \(.p99_ms) | \(.max_ms) | \(.non_2xx) | \(.socket_errors) | \($cpu * 10000 / .requests | floor) | \($cs / .requests * 10 | floor / 10) | \($l) |"' >> "$OUT/tail.md"
    sleep 2
  done
done
cat "$OUT/tail.md"
echo "results in $OUT"
