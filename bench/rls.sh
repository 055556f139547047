#!/usr/bin/env bash
# What row-level security costs the metered call (issue 17, point 3): the same server and load twice,
# TOLLGATE_DATABASE_RLS=on (requests run as the runtime role with their organization set) and off
# (requests use the system role), each on a fresh embedded database, alternating on/off for --rounds
# rounds so drift of a shared machine hits both. Scenarios: (b) POST /api/v1/customer/tokens/consume and
# (c) POST /api/v1/content/{id}/view, both metered. Target: on costs at most 5 % more CPU per call (server JVM +
# PostgreSQL, from /proc: it does not depend on how much of a shared machine a run got); throughput, latency and
# PostgreSQL transactions per call (setting and clearing the tenant are one each) are reported beside it.
# Writes results.json and results.md under bench/results/rls-<time>/.
#
# Usage: bench/rls.sh [--duration SECONDS] [--connections N] [--rounds N] [--skip-build]
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=30
CONNECTIONS=64
ROUNDS=2
WARMUP=10
BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --skip-build) BUILD=0; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ "$DURATION" -lt 10 ] && WARMUP=3

if [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
command -v wrk >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk; }
command -v jq >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q jq; }

if [ "$BUILD" = 1 ]; then echo "== building"; ./mvnw -q -B -DskipTests package; fi
JAR=$(ls target/tollgate-*.jar | grep -v original | head -1)

OUT=bench/results/rls-$(date -u +%Y%m%dT%H%M%SZ)
WORK=bench/work-rls
mkdir -p "$OUT"
PORT=${BENCH_PORT:-18091}
PGPORT=${BENCH_PG_PORT:-15433}
TOKEN=bench-admin-token-0123456789abcdef
BASE=http://localhost:$PORT
SERVER_PID=""
JAVA_OPTS=${BENCH_JAVA_OPTS:--Xmx512m -Xms512m -XX:+UseG1GC -XX:MaxGCPauseMillis=10}

start_server() { # $1 = on|off
  rm -rf "$WORK"; mkdir -p "$WORK"
  env TOLLGATE_DATA_DIR="$WORK/data" SERVER_PORT=$PORT TOLLGATE_ADMIN_TOKEN=$TOKEN TOLLGATE_DEMO=false \
      TOLLGATE_EMBEDDED_DB_PORT=$PGPORT TOLLGATE_DATABASE_RLS="$1" TOLLGATE_RATE_LIMIT_TOKEN_CONSUMPTION_PER_HOUR=0 \
      TOLLGATE_KEY_PEPPER="bench-pepper-0123456789abcdef" \
      "$JAVA" $JAVA_OPTS -jar "$JAR" > "$OUT/server-$1-$2.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 "${BENCH_START_SECONDS:-300}"); do
    curl -sf -o /dev/null "$BASE/actuator/health" && return 0
    sleep 1
  done
  echo "server did not start; see $OUT/server-$1-$2.log" >&2
  exit 1
}
stop_server() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}
trap stop_server EXIT

admin() { curl -sf -X "$1" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' ${3:+-d "$3"} "$BASE$2"; }

seed() {
  local org wallet
  org=$(admin POST /api/admin/organizations '{"name":"Bench"}' | jq -r .data.id)
  APP=$(admin POST /api/external-apps "{\"organization_id\":\"$org\",\"name\":\"Bench\",\"app_type\":\"api\",\"status\":\"active\"}" | jq -r .data.id)
  KEY=$(admin POST /api/external-apps/$APP/api-keys '{"name":"bench","rate_limit":10000000}' | jq -r .data.key)
  CONTENT=$(admin POST /api/external-apps/$APP/content '{"title":"Bench item","type":"video","url":"https://cdn.example/b.mp4","pricing_type":"credits","credits_required":1,"status":"published"}' | jq -r .data.id)
  wallet=$(admin GET /api/admin/organizations/$org/wallet | jq -r .data.id)
  admin POST /api/admin/wallets/$wallet/grants '{"amount":1000000000,"reason":"bench"}' > /dev/null
  admin POST /api/admin/catalog-apps '{"id":"bench-001","name":"Bench","category":"bench","token_cost":1,"widget_url":"http://127.0.0.1:9/bench"}' > /dev/null
  curl -sf -X POST -H "Authorization: Bearer $KEY" -H "X-App-Id: $APP" -H 'Content-Type: application/json' -d '{}' \
    "$BASE/api/v1/customer/apps/bench-001/activate" > /dev/null
  export BENCH_KEY=$KEY BENCH_APP=$APP BENCH_CONTENT=$CONTENT
}

run_wrk() { # name script duration
  local script="$OUT/$1.lua"
  cat "bench/wrk/$2.lua" bench/wrk/report.lua > "$script"
  wrk -t2 -c"$CONNECTIONS" -d"$3"s --timeout 10s -s "$script" "$BASE/api/v1/app" 2>&1 | tee "$OUT/$1.wrk.txt" | grep '^WRK_JSON' | sed 's/^WRK_JSON //'
}

# CPU and database work per call do not depend on how much of a shared machine a run got (as bench/run.sh reports them).
. bench/cpu.sh # cpu_ticks
pg_pids() { # the embedded PostgreSQL and its backends
  local master
  master=$(pgrep -f -- "-D $WORK/data/postgres" | head -1 || true)
  if [ -n "$master" ]; then echo "$master"; pgrep -P "$master" || true; fi
}
xacts() { # transactions PostgreSQL counted so far (a statement in autocommit, such as setting the tenant, is one)
  psql -h localhost -p "$PGPORT" -U postgres -d postgres -Atc "SELECT pg_stat_force_next_flush(); SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = 'postgres'" 2>/dev/null | tail -1
}

# measure name scenario — the measured run, with CPU µs per call (server JVM + PostgreSQL) and transactions per call.
measure() {
  local pgs jvm0 pg0 x0 result
  sleep 1
  pgs=$(pg_pids | tr '\n' ' ')
  jvm0=$(cpu_ticks "$SERVER_PID"); pg0=$(cpu_ticks $pgs); x0=$(xacts)
  result=$(run_wrk "$1" "$2" "$DURATION")
  local jvm=$(( $(cpu_ticks "$SERVER_PID") - jvm0 )) pg=$(( $(cpu_ticks $pgs) - pg0 ))
  sleep 1 # the last batch commits and PostgreSQL's counters are flushed
  local x=$(( $(xacts) - x0 ))
  echo "$result" | jq -c --argjson jvm "$jvm" --argjson pg "$pg" --argjson x "$x" \
    '. + {jvm_cpu_s: ($jvm / 100), postgres_cpu_s: ($pg / 100), cpu_us_per_call: ((($jvm + $pg) * 10000 / .requests) | floor),
          xacts_per_call: (($x / .requests * 100 | round) / 100)}'
}

: > "$OUT/runs.jsonl"
for round in $(seq 1 "$ROUNDS"); do
  for mode in on off; do
    echo "== round $round, RLS $mode"
    start_server "$mode" "$round"
    seed
    for scenario in consume content; do
      run_wrk "$scenario-$mode-$round-warmup" "$scenario" "$WARMUP" > /dev/null
      result=$(measure "$scenario-$mode-$round" "$scenario")
      echo "$result" | jq -c --arg s "$scenario" --arg m "$mode" --argjson r "$round" '. + {scenario: $s, rls: $m, round: $r}' | tee -a "$OUT/runs.jsonl"
    done
    stop_server
  done
done

# Per scenario: mean throughput and p50/p99 of the rounds, with RLS on and off, and what on costs.
jq -s '
  group_by(.scenario) | map({
    scenario: .[0].scenario,
    on:  (map(select(.rls == "on"))  | {rps: (map(.rps) | add / length), p50_ms: (map(.p50_ms) | add / length), p99_ms: (map(.p99_ms) | add / length), non_2xx: (map(.non_2xx) | add),
                                         cpu_us_per_call: (map(.cpu_us_per_call) | add / length | floor), xacts_per_call: (map(.xacts_per_call) | add / length)}),
    off: (map(select(.rls == "off")) | {rps: (map(.rps) | add / length), p50_ms: (map(.p50_ms) | add / length), p99_ms: (map(.p99_ms) | add / length), non_2xx: (map(.non_2xx) | add),
                                         cpu_us_per_call: (map(.cpu_us_per_call) | add / length | floor), xacts_per_call: (map(.xacts_per_call) | add / length)})
  }) | map(. + {throughput_cost_percent: ((1 - .on.rps / .off.rps) * 1000 | round / 10),
                cpu_cost_percent: ((.on.cpu_us_per_call / .off.cpu_us_per_call - 1) * 1000 | round / 10),
                within_5_percent: ((.on.cpu_us_per_call / .off.cpu_us_per_call - 1) <= 0.05)})
' "$OUT/runs.jsonl" | tee "$OUT/results.json"
{
  echo "# Row-level security on vs off ($ROUNDS rounds of ${DURATION}s, $CONNECTIONS connections)"
  echo
  echo "| scenario | CPU µs/call on / off | CPU cost | transactions/call on / off | RLS on req/s | RLS off req/s | throughput cost | on p50 / p99 ms | off p50 / p99 ms | non-2xx on/off |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  jq -r '.[] | "| \(.scenario) | \(.on.cpu_us_per_call) / \(.off.cpu_us_per_call) | \(.cpu_cost_percent) % | \(.on.xacts_per_call) / \(.off.xacts_per_call) | \(.on.rps | floor) | \(.off.rps | floor) | \(.throughput_cost_percent) % | \(.on.p50_ms) / \(.on.p99_ms) | \(.off.p50_ms) / \(.off.p99_ms) | \(.on.non_2xx)/\(.off.non_2xx) |"' "$OUT/results.json"
} > "$OUT/results.md"
cat "$OUT/results.md"
