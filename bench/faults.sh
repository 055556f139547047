#!/usr/bin/env bash
# The database-fault run (issue 18): two Tollgate nodes on one PostgreSQL (node A's embedded one) under a
# steady mixed load — authenticated no-op, tokens/consume with and without Idempotency-Key, admin reads —
# while every Tollgate backend is ended three times (pg_terminate_backend) and PostgreSQL is restarted once.
# Then: every metered 200 is in the ledger exactly once, nothing answered "not made" was charged, the
# ledger check passes, and the only answers are 200 and 503 with Retry-After. Also measured and checked: each
# kill ended every Tollgate backend (every application_name the application uses), and each node serves an
# admin read again within 2 s of a kill and within 5 s of PostgreSQL accepting connections after the restart
# (issue 18's targets); readiness after the restart is reported. Load, kill, restart and check are io.tollgate.platform.FaultRun (the
# same code DatabaseFaultsTest runs).
#
# Usage: bench/faults.sh [--duration SECONDS] [--clients N] [--down SECONDS] [--out DIR] [--no-build]
# bench/run.sh runs it after its other scenarios (skip with --skip-faults).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=60
CLIENTS=32
DOWN=3
OUT=""
BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --clients) CLIENTS=$2; shift 2 ;;
    --down) DOWN=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
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
TOOL="$JAVA -cp target/test-classes:target/classes:$(cat target/bench-classpath.txt) io.tollgate.platform.FaultRun"

OUT=${OUT:-bench/results/$(date -u +%Y%m%dT%H%M%SZ)-faults}
WORK=bench/work-faults
mkdir -p "$OUT"
rm -rf "$WORK"
mkdir -p "$WORK"
PORT_A=18091
PORT_B=18092
PGPORT=15442
TOKEN=bench-admin-token-0123456789abcdef
PEPPER=${BENCH_PEPPER:-bench-pepper-0123456789abcdef}
JDBC=jdbc:postgresql://localhost:$PGPORT/postgres
JAVA_OPTS=${BENCH_JAVA_OPTS:--Xmx512m -Xms512m -XX:+UseG1GC -XX:MaxGCPauseMillis=10}
PIDS=()

start_node() { # name port [extra env…]
  local name=$1 port=$2; shift 2
  env TOLLGATE_DATA_DIR="$WORK/$name" SERVER_PORT="$port" TOLLGATE_ADMIN_TOKEN=$TOKEN TOLLGATE_DEMO=false \
      TOLLGATE_KEY_PEPPER="$PEPPER" TOLLGATE_RATE_LIMIT_TOKEN_CONSUMPTION_PER_HOUR=0 "$@" \
      "$JAVA" $JAVA_OPTS -jar "$JAR" > "$OUT/server-$name.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 180); do
    curl -sf -o /dev/null "http://localhost:$port/actuator/health/readiness" && return 0
    sleep 1
  done
  echo "node $name did not start; see $OUT/server-$name.log" >&2
  exit 1
}

stop_nodes() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  PIDS=()
}
trap stop_nodes EXIT

admin() { # port method path [json]
  curl -sf -X "$2" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' ${4:+-d "$4"} "http://localhost:$1$3"
}

echo "== starting node A (embedded PostgreSQL on port $PGPORT) and node B (same database)"
start_node a $PORT_A TOLLGATE_EMBEDDED_DB_PORT=$PGPORT
start_node b $PORT_B TOLLGATE_DATABASE_URL="$JDBC" TOLLGATE_DATABASE_USER=postgres \
    TOLLGATE_MASTER_KEYS="$(cat "$WORK/a/secrets/master-keys")"

ORG=$(admin $PORT_A POST /api/admin/organizations '{"name":"Faults"}' | jq -r .data.id)
APP=$(admin $PORT_A POST /api/external-apps "{\"organization_id\":\"$ORG\",\"name\":\"Faults\",\"app_type\":\"api\",\"status\":\"active\"}" | jq -r .data.id)
KEY=$(admin $PORT_A POST /api/external-apps/$APP/api-keys '{"name":"faults","rate_limit":10000000}' | jq -r .data.key)
WALLET=$(admin $PORT_A GET /api/admin/organizations/$ORG/wallet | jq -r .data.id)
admin $PORT_A POST /api/admin/wallets/$WALLET/grants '{"amount":1000000000,"reason":"fault run"}' > /dev/null
# Seed 001: tokens are consumed only for a catalog app the organization activated.
admin $PORT_A POST /api/admin/catalog-apps '{"id":"vto-001","name":"Faults","category":"bench","token_cost":1,"widget_url":"http://127.0.0.1:9/faults"}' > /dev/null || true
curl -sf -X POST -H "Authorization: Bearer $KEY" -H "X-App-Id: $APP" -H 'Content-Type: application/json' -d '{}' \
  "http://localhost:$PORT_A/api/v1/customer/apps/vto-001/activate" > /dev/null

# One client per node first: every kind of call is made once on each node before calls come concurrently
# (the first concurrent requests of a fresh node load classes on virtual threads; see docs/PERFORMANCE.md).
echo "== warming up: one client per node, 10 s"
$TOOL load 10 2 "$KEY" "$APP" "$TOKEN" "$WALLET" "$WORK/warmup.tsv" "http://localhost:$PORT_A" "http://localhost:$PORT_B" > /dev/null

echo "== load: $CLIENTS clients for ${DURATION}s on both nodes; faults at 20%, 35%, 50% (kills) and 65% (restart, ${DOWN}s down)"
$TOOL run "$DURATION" "$CLIENTS" "$DOWN" "$KEY" "$APP" "$TOKEN" "$WALLET" "$JDBC" "http://localhost:$PORT_A" "http://localhost:$PORT_B" "$OUT" \
    | tee "$OUT/load.txt"

VERDICT=$($TOOL verify "$JDBC" "$APP" "$WALLET" "$OUT/calls.tsv" "$WORK/warmup.tsv")
LEDGER_A=$(admin $PORT_A GET /api/admin/ledger/check | jq -c .data.ok)
LEDGER_B=$(admin $PORT_B GET /api/admin/ledger/check | jq -c .data.ok)
jq -n --argjson v "$VERDICT" --slurpfile f "$OUT/faults.json" --argjson la "$LEDGER_A" --argjson lb "$LEDGER_B" \
   --arg duration "$DURATION" --arg clients "$CLIENTS" \
   '{duration_s: ($duration|tonumber), clients: ($clients|tonumber), faults: $f[0], verdict: $v, ledger_check: ($la and $lb)}
    | .recovery_within_targets = ([.faults[] | .servesAgainMillis[] as $ms | $ms >= 0 and $ms <= .targetMillis] | all)
    | .no_survivors = ([.faults[] | .survivors == 0] | all)' > "$OUT/result.json"
{
  echo "Fault run (bench/faults.sh, ${DURATION}s, ${CLIENTS} clients, two nodes):"
  jq -r '.faults[] | .targetMillis as $t | (if (.servesAgainMillis | all(. >= 0 and . <= $t)) then "met" else "MISSED" end) as $met
         | if .kind == "kill" then "- backends ended at \(.atMillis) ms: \(.backendsEnded) of them, \(.survivors) from before left; an admin read answered 200 again after \(.servesAgainMillis[0]) ms (A) / \(.servesAgainMillis[1]) ms (B) (target \(.targetMillis) ms: \($met))"
         else "- PostgreSQL stopped at \(.atMillis) ms for \(.downMillis) ms: readiness UP \(.readyAgainMillis[0]) ms (A) / \(.readyAgainMillis[1]) ms (B) and an admin read 200 after \(.servesAgainMillis[0]) ms (A) / \(.servesAgainMillis[1]) ms (B) from PostgreSQL accepting connections (target \(.targetMillis) ms: \($met))" end' "$OUT/result.json"
  jq -r '.verdict.answers | to_entries[] | "- \(.key): \(.value)"' "$OUT/result.json"
  jq -r '"- consume 200: \(.verdict.consume_200), 503 not made: \(.verdict.consume_503_not_made), 503 outcome unknown: \(.verdict.consume_503_outcome_unknown) (landed: \(.verdict.unknown_that_landed))"' "$OUT/result.json"
  jq -r '"- acknowledged missing: \(.verdict.acknowledged_missing), doubled: \(.verdict.doubled), not made but recorded: \(.verdict.not_made_but_recorded), answers other than 200/503: \(.verdict.answers_other_than_2xx_or_503), 503 without Retry-After: \(.verdict["503_without_retry_after"])"' "$OUT/result.json"
  jq -r '"- seconds of the load with any 503: \(.verdict.seconds_with_503)"' "$OUT/result.json"
  jq -r '"- credits in usage \(.verdict.credits_in_usage) = debited \(.verdict.credits_debited); ledger check: \(.ledger_check); exact: \(.verdict.exact and .ledger_check)"' "$OUT/result.json"
  jq -r '"- every Tollgate backend ended by each kill: \(.no_survivors); every recovery within its target: \(.recovery_within_targets)"' "$OUT/result.json"
} | tee "$OUT/faults.md"
echo "results in $OUT"
# Passes only if nothing was lost or doubled, every kill ended every Tollgate backend, and every node served
# again within issue 18's targets (2 s after a kill, 5 s after PostgreSQL accepts connections again).
jq -e '.verdict.exact and .ledger_check and .no_survivors and .recovery_within_targets' "$OUT/result.json" > /dev/null
