#!/usr/bin/env bash
# Profiles one scenario of bench/run.sh with Java Flight Recorder: where the server's CPU goes, how
# much the embedded PostgreSQL takes, and how big the metering batches are. No downloads: JFR is in
# the JDK. Usage: bench/profile.sh [app|consume|content] [--naive] [--connections N] [--duration S]
set -euo pipefail
cd "$(dirname "$0")/.."
SCENARIO=${1:-consume}
shift || true
BATCHING=true
JFR=1
CONNECTIONS=64
DURATION=30
while [ $# -gt 0 ]; do
  case "$1" in
    --naive) BATCHING=false; shift ;;
    --no-jfr) JFR=0; shift ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
if [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
BIN=${JAVA_HOME:+$JAVA_HOME/bin/}
command -v wrk >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk; }

./mvnw -q -B -DskipTests package
JAR=$(ls target/tollgate-*.jar | grep -v original | head -1)
OUT=bench/results/profile-$SCENARIO-$(date -u +%Y%m%dT%H%M%SZ)
WORK=bench/work-profile
mkdir -p "$OUT"
rm -rf "$WORK"
PORT=18091
TOKEN=bench-admin-token-0123456789abcdef
BASE=http://localhost:$PORT

env TOLLGATE_DATA_DIR="$WORK/data" SERVER_PORT=$PORT TOLLGATE_ADMIN_TOKEN=$TOKEN TOLLGATE_DEMO=false \
    TOLLGATE_METERING_BATCHING=$BATCHING TOLLGATE_RATE_LIMIT_TOKEN_CONSUMPTION_PER_HOUR=0 \
    "${BIN}java" -Xmx512m -Xms512m -jar "$JAR" > "$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -sf -o /dev/null "$BASE/actuator/health" && break; sleep 1; done

admin() { curl -sf -X "$1" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' ${3:+-d "$3"} "$BASE$2"; }
ORG=$(admin POST /api/admin/organizations '{"name":"Profile"}' | jq -r .data.id)
APP=$(admin POST /api/external-apps "{\"organization_id\":\"$ORG\",\"name\":\"Profile\",\"app_type\":\"api\",\"status\":\"active\"}" | jq -r .data.id)
KEY=$(admin POST /api/external-apps/$APP/api-keys '{"rate_limit":10000000}' | jq -r .data.key)
CONTENT=$(admin POST /api/external-apps/$APP/content '{"title":"P","type":"video","url":"https://cdn.example/p.mp4","pricing_type":"credit","credits_required":1,"status":"published"}' | jq -r .data.id)
WALLET=$(admin GET /api/admin/organizations/$ORG/wallet | jq -r .data.id)
admin POST /api/admin/wallets/$WALLET/grants '{"amount":1000000000,"reason":"profile"}' > /dev/null
export BENCH_KEY=$KEY BENCH_APP=$APP BENCH_CONTENT=$CONTENT
cat "bench/wrk/$SCENARIO.lua" bench/wrk/report.lua > "$OUT/scenario.lua"

wrk -t2 -c"$CONNECTIONS" -d"${WARMUP:-30}"s -s "$OUT/scenario.lua" "$BASE/api/v1/app" > /dev/null # warm-up: the JIT compiles for the first tens of seconds, and its CPU would count
ticks() { local t=0; for p in "$@"; do [ -r /proc/$p/stat ] && t=$((t + $(awk '{print $14 + $15}' /proc/$p/stat))); done; echo $t; }
PG=$(pgrep -f -- "-D $WORK/data/postgres" | head -1)
PGS="$PG $(pgrep -P "$PG" | tr '\n' ' ')"
PG_BEFORE=$(ticks $PGS)
JVM_BEFORE=$(ticks $SERVER)
[ "$JFR" = 1 ] && "${BIN}jcmd" $SERVER JFR.start name=profile settings=profile filename="$(pwd)/$OUT/recording.jfr" > /dev/null
wrk -t2 -c"$CONNECTIONS" -d"$DURATION"s --timeout 10s -s "$OUT/scenario.lua" "$BASE/api/v1/app" | tee "$OUT/wrk.txt" | grep WRK_JSON
[ "$JFR" = 1 ] && "${BIN}jcmd" $SERVER JFR.stop name=profile > /dev/null
REQUESTS=$(grep WRK_JSON "$OUT/wrk.txt" | sed 's/WRK_JSON //' | jq .requests)
JVM_T=$(( $(ticks $SERVER) - JVM_BEFORE )); PG_T=$(( $(ticks $PGS) - PG_BEFORE ))
echo "CPU: Tollgate JVM $((JVM_T * 10000 / REQUESTS)) µs/call, PostgreSQL $((PG_T * 10000 / REQUESTS)) µs/call ($((JVM_T / 100)) + $((PG_T / 100)) s of $((DURATION * $(nproc))))" | tee "$OUT/cpu.txt"
curl -sf -H "Authorization: Bearer $TOKEN" "$BASE/actuator/prometheus" | grep -E '^tollgate_metering_batch_(size|duration_seconds)(\{quantile|_count|_sum)' | tee "$OUT/batches.txt" || true
if [ "$JFR" = 1 ]; then
  "${BIN}jfr" view --width 180 hot-methods "$OUT/recording.jfr" | tee "$OUT/hot-methods.txt" | head -40
  "${BIN}jfr" view --width 180 allocation-by-class "$OUT/recording.jfr" > "$OUT/allocation.txt" 2>/dev/null || true
fi
echo "profile in $OUT"
