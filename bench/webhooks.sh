#!/usr/bin/env bash
# The webhook benchmark: builds, starts Tollgate (embedded PostgreSQL) with a receiver on this machine
# allowlisted, and runs bench/WebhookBench.java — deliveries per second to a receiver that answers 200 at
# once (steady, with commit → first byte latency; and a backlog drained at once), and with a receiver
# failing half the time, the accounting check: published = delivered + scheduled for retry, none missing.
# Targets: ≥ 1,000 deliveries/s and p99 commit → first byte ≤ 1 s. Writes bench/results/<time>/webhooks.{json,md}.
# The steady run also reports where the time goes per delivery (write → ack, → claim, → send, → arrival,
# → recorded) from the tables' timestamps, the p50 by third of the run, and CPU µs and transactions per event.
#
# Usage: bench/webhooks.sh [--duration SECONDS] [--producers N] [--backlog N] [--skip-build]
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=30
PRODUCERS=32
BACKLOG=20000
BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --producers) PRODUCERS=$2; shift 2 ;;
    --backlog) BACKLOG=$2; shift 2 ;;
    --skip-build) BUILD=0; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

if [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
command -v jq >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q jq; }

if [ "$BUILD" = 1 ]; then
  echo "== building"
  ./mvnw -q -B -DskipTests package
  ./mvnw -q -B test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
fi
JAR=$(ls target/tollgate-*.jar | grep -v original | head -1)
TOOL_CP="target/classes:$(cat target/bench-classpath.txt)"

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=bench/results/$STAMP
WORK=bench/work-webhooks
mkdir -p "$OUT"
rm -rf "$WORK"
mkdir -p "$WORK"
PORT=18091
PGPORT=15433
TOKEN=bench-admin-token-0123456789abcdef
BASE=http://localhost:$PORT
JAVA_OPTS=${BENCH_JAVA_OPTS:--Xmx512m -Xms512m -XX:+UseG1GC -XX:MaxGCPauseMillis=10}

echo "== starting Tollgate"
env TOLLGATE_DATA_DIR="$WORK/data" SERVER_PORT=$PORT TOLLGATE_ADMIN_TOKEN=$TOKEN TOLLGATE_DEMO=false \
    TOLLGATE_EMBEDDED_DB_PORT=$PGPORT TOLLGATE_WEBHOOK_ALLOWED_HOSTS=127.0.0.1 \
    "$JAVA" $JAVA_OPTS -jar "$JAR" > "$OUT/server-webhooks.log" 2>&1 &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null; wait $SERVER_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 180); do
  curl -sf -o /dev/null "$BASE/actuator/health" && break
  sleep 1
done
curl -sf -o /dev/null "$BASE/actuator/health" || { echo "server did not start; see $OUT/server-webhooks.log" >&2; exit 1; }

echo "== webhooks: steady ${DURATION}s with $PRODUCERS producers, a backlog of $BACKLOG, then a receiver failing half the time"
"$JAVA" -Dbench.postgresDataDir="$WORK/data" -cp "$TOOL_CP" bench/WebhookBench.java "$BASE" "$TOKEN" \
    "jdbc:postgresql://localhost:$PGPORT/postgres" "$DURATION" "$PRODUCERS" "$BACKLOG" "$OUT/webhooks.json" "$SERVER_PID" > "$OUT/webhooks.txt"

check() { # label jq-condition
  if jq -e "$2" "$OUT/webhooks.json" > /dev/null; then echo "- [x] $1"; else echo "- [ ] $1 — MISSED"; fi
}
{
  echo "# Webhook benchmark $STAMP"
  echo
  echo "| scenario | events | per second | p50 ms | p99 ms | max ms |"
  echo "|---|---|---|---|---|---|"
  jq -r '"| steady (published) | \(.steady.events_published) | \(.steady.published_per_second|floor) | | | |"' "$OUT/webhooks.json"
  jq -r '"| steady (delivered) | \(.steady.events_published) | \(.steady.delivered_per_second|floor) | \(.steady.p50_ms) | \(.steady.p99_ms) | \(.steady.max_ms) |"' "$OUT/webhooks.json"
  jq -r '"| backlog drained | \(.backlog.delivered) of \(.backlog.queued) | \(.backlog.delivered_per_second|floor) | | | |"' "$OUT/webhooks.json"
  jq -r '"| half failing | \(.failing.events_published) | \(.failing.deliveries_by_status) | | | |"' "$OUT/webhooks.json"
  echo
  echo "Steady, where the time goes (p50 / p99 ms per delivery): $(jq -r '.steady.stages_ms | to_entries | map("\(.key) \(.value.p50) / \(.value.p99)") | join(", ")' "$OUT/webhooks.json")"
  echo "Steady, p50 by third of the run (a growing queue shows as a rise): $(jq -c '.steady.p50_by_third_ms' "$OUT/webhooks.json") ms"
  echo "Steady, cost per event (publish + delivery): $(jq -c '.steady.cost_per_event' "$OUT/webhooks.json")"
  echo
  check "≥ 1,000 deliveries/s (backlog drain, receiver answering 200 at once)" '.backlog.delivered_per_second >= 1000'
  check "p99 commit → first byte ≤ 1 s (steady)" '.steady.p99_ms <= 1000'
  check "every steady event delivered" '.steady.all_delivered'
  check "half failing: published = delivered + scheduled for retry, none missing" '.failing.accounted'
  echo
  echo "JVM: $JAVA_OPTS"
} | tee "$OUT/webhooks.md"
