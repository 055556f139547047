#!/usr/bin/env bash
# The gateway's per-call cost, scenario by scenario, with the figures that do not depend on how busy the machine is:
#   (b) tokens/consume, group commit — the metered built-in call, for reference
#   (f) the bench upstream (bench/Upstream.java) directly
#   (g) the upstream through /api/v1/gateway/… priced per request (1 credit)
#   (h) the same priced by the units its JSON body reports (10 reserved, 3 charged)
#   (i) the upstream through an integrations connection, /api/v1/integrations/{id}/proxy/… (no limits set)
#   (j) (i) with a per-day limit on the connection (never reached)
# For each: req/s, p50/p99, server CPU µs per call (JVM + every PostgreSQL process, from /proc), and from PostgreSQL's
# own counters per call: SQL statements executed (pg_stat_statements), transactions committed (pg_stat_database) and
# rows written. The metered runs are checked for exactness as bench/run.sh does. bench/run.sh stays the full run.
#
# Usage: bench/gateway.sh [--duration S] [--warmup S] [--connections N] [--jar PATH] [--only "b f g h i j"]
# --jar runs a jar built elsewhere (e.g. main's, for a before/after comparison with the same method).
# Wrap in the shared lock on a shared machine: flock /work/wt/bench.lock bash bench/gateway.sh …
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=20
WARMUP=20
CONNECTIONS=64
JAR=""
ONLY="b f g h i j"
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --jar) JAR=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
if [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
for tool in wrk jq psql; do command -v $tool >/dev/null || { echo "$tool is needed (apt-get install wrk jq postgresql-client)" >&2; exit 1; }; done
if [ -z "$JAR" ]; then
  ./mvnw -q -B -DskipTests package
  JAR=$(ls target/tollgate-*.jar | grep -v original | head -1)
fi
[ -f target/bench-classpath.txt ] || ./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
TOOL_CP="target/classes:$(cat target/bench-classpath.txt)"

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=bench/results/gateway-$STAMP
WORK=bench/work-gateway
rm -rf "$WORK"; mkdir -p "$OUT" "$WORK"
PORT=${BENCH_PORT:-18190}; PGPORT=${BENCH_PG_PORT:-15532}; UPSTREAM_PORT=${BENCH_UPSTREAM_PORT:-18199}
for p in $PORT $PGPORT $UPSTREAM_PORT; do
  if (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then echo "port $p is taken (BENCH_PORT, BENCH_PG_PORT, BENCH_UPSTREAM_PORT choose others)" >&2; exit 1; fi
done
TOKEN=bench-admin-token-0123456789abcdef
BASE=http://localhost:$PORT
DIRECT=http://127.0.0.1:$UPSTREAM_PORT
JDBC=jdbc:postgresql://localhost:$PGPORT/postgres
SQL="psql -qAtX -h 127.0.0.1 -p $PGPORT -U postgres postgres"
SERVER_PID=""; UPSTREAM_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  [ -n "$UPSTREAM_PID" ] && kill "$UPSTREAM_PID" 2>/dev/null && wait "$UPSTREAM_PID" 2>/dev/null || true
}
trap cleanup EXIT

start_server() {
  env TOLLGATE_DATA_DIR="$WORK/data" SERVER_PORT=$PORT TOLLGATE_ADMIN_TOKEN=$TOKEN TOLLGATE_DEMO=false TOLLGATE_EMBEDDED_DB_PORT=$PGPORT \
      TOLLGATE_RATE_LIMIT_TOKEN_CONSUMPTION_PER_HOUR=0 TOLLGATE_INTEGRATIONS_ALLOWED_HOSTS=127.0.0.1 \
      TOLLGATE_INTEGRATIONS_PROXY_MAX_CONNECTIONS=512 TOLLGATE_KEY_PEPPER=bench-pepper-0123456789abcdef \
      "$JAVA" -Xmx512m -Xms512m -XX:+UseG1GC -XX:MaxGCPauseMillis=10 -jar "$JAR" >> "$OUT/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 300); do curl -sf -o /dev/null "$BASE/actuator/health" && return 0; sleep 1; done
  echo "server did not start; see $OUT/server.log" >&2; exit 1
}
stop_server() { kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""; }

"$JAVA" bench/Upstream.java "$UPSTREAM_PORT" > "$OUT/upstream.log" 2>&1 &
UPSTREAM_PID=$!
# pg_stat_statements must be preloaded: set it once in the data directory, then restart (the embedded server keeps its data).
start_server
$SQL -c "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'" -c "ALTER SYSTEM SET pg_stat_statements.track = 'all'"
stop_server
start_server
$SQL -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"
for _ in $(seq 1 60); do curl -sf -o /dev/null -X POST "$DIRECT/v1/run" && break; sleep 1; done

admin() { curl -sf -X "$1" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' ${3:+-d "$3"} "$BASE$2"; }
ORG=$(admin POST /api/admin/organizations '{"name":"Bench gateway"}' | jq -r .data.id)
APP=$(admin POST /api/external-apps "{\"organization_id\":\"$ORG\",\"name\":\"Bench\",\"app_type\":\"api\",\"status\":\"active\"}" | jq -r .data.id)
KEY=$(admin POST /api/external-apps/$APP/api-keys '{"name":"bench","rate_limit":10000000}' | jq -r .data.key)
IKEY=$(admin POST /api/external-apps/$APP/api-keys '{"name":"bench-int","scopes":["integrations:manage"],"rate_limit":10000000}' | jq -r .data.key)
WALLET=$(admin GET /api/admin/organizations/$ORG/wallet | jq -r .data.id)
admin POST /api/admin/wallets/$WALLET/grants '{"amount":1000000000,"reason":"bench"}' > /dev/null
ECHO=$(admin POST /api/external-apps/$APP/features "{\"feature_name\":\"bench-echo\",\"pricing_type\":\"credit\",\"credit_cost\":1,\"backend\":\"upstream\",\"upstream_url\":\"$DIRECT\"}" | jq -r .data.id)
admin PUT /api/external-apps/$APP/features/$ECHO/gateway '{"max_connections":512}' > /dev/null
UNITS=$(admin POST /api/external-apps/$APP/features "{\"feature_name\":\"bench-units\",\"pricing_type\":\"credit\",\"credit_cost\":1,\"backend\":\"upstream\",\"upstream_url\":\"$DIRECT\"}" | jq -r .data.id)
admin PUT /api/external-apps/$APP/features/$UNITS/gateway '{"pricing_mode":"units","units_json_pointer":"/usage/total_tokens","max_units":10,"max_connections":512}' > /dev/null
admin POST /api/admin/catalog-apps "{\"id\":\"bench-001\",\"name\":\"Bench\",\"category\":\"bench\",\"token_cost\":1,\"widget_url\":\"http://127.0.0.1:9/bench\"}" > /dev/null
curl -sf -X POST -H "Authorization: Bearer $KEY" -H "X-App-Id: $APP" -H 'Content-Type: application/json' -d '{}' "$BASE/api/v1/customer/apps/bench-001/activate" > /dev/null
admin POST /api/admin/integrations/providers "{\"provider_name\":\"bench_upstream\",\"display_name\":\"Bench upstream\",\"provider_type\":\"ai\",
  \"base_url\":\"$DIRECT\",\"auth_style\":\"bearer\",\"auth_config\":{\"token\":\"credential:api_key\"},\"health_check_path\":\"/v1/me\"}" > /dev/null
connection() { # name → an active connection to the bench upstream, health checked once a day (not during the run)
  local id
  id=$(admin POST "/api/admin/organizations/$ORG/integrations" "{\"provider\":\"bench_upstream\",\"connection_name\":\"$1\",
    \"health_check_interval_seconds\":86400,\"credentials\":{\"api_key\":{\"value\":\"bench-upstream-key-0123456789\"}}}" | jq -r .data.id)
  admin POST "/api/admin/organizations/$ORG/integrations/$id/activate" > /dev/null
  echo "$id"
}
CON_FREE=$(connection unlimited)
CON_LIMITED=$(connection limited)
admin PUT "/api/admin/organizations/$ORG/integrations/$CON_LIMITED/rate-limits" '{"limits":[{"limit_type":"per_day","max_requests":100000000}]}' > /dev/null \
  || echo "could not set the limit of (j)" >&2

cpu_ticks() { local t=0; for p in "$@"; do [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }
pg_pids() { local m; m=$(pgrep -f -- "-D $WORK/data/postgres" | head -1); [ -n "$m" ] && { echo "$m"; pgrep -P "$m" || true; }; }
# Statements the server sent (top level, less this script's own), commits, rows written, statements run inside them (foreign-key
# checks, triggers) — PostgreSQL's counters, cumulative.
db_counters() {
  $SQL -c "SELECT (SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE toplevel AND query NOT LIKE '%pg_stat%'),
                  xact_commit, tup_inserted + tup_updated + tup_deleted,
                  (SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE NOT toplevel)
           FROM pg_stat_database WHERE datname = 'postgres'" | tr '|' ' '
}
served() { # 2xx answers the server counted so far for this URI template
  curl -sf -H "Authorization: Bearer $TOKEN" "$BASE/actuator/prometheus" | { grep '^http_server_requests_seconds_count' || true; } \
    | { grep -F "uri=\"$1\"" || true; } | { grep -E 'status="2[0-9][0-9]"' || true; } | awk '{s += $NF} END {printf "%d", s}'
}
run_wrk() { # name script connections duration url
  local script="$OUT/$1.lua"
  cat "bench/wrk/$2.lua" bench/wrk/report.lua > "$script"
  wrk -t2 -c"$3" -d"$4"s --timeout 10s -s "$script" "$5" 2>&1 | tee "$OUT/$1.wrk.txt" | grep '^WRK_JSON' | sed 's/^WRK_JSON //'
}
# measure name script url cost feature [uri] — warm-up, then the measured run, its CPU and database counters per call, the
# 2xx answers the server itself counted (Micrometer, for uri; wrk misses calls in flight at its end), exactness.
# The warm-up runs under Java Flight Recorder (the measured run does not: its CPU figures stay clean); hot methods go to
# $OUT/<scenario>-hot-methods.txt.
measure() {
  local jfr=0
  [ "$3" = "$BASE" ] && "${JAVA%java}jcmd" "$SERVER_PID" JFR.start name="$1" settings=profile filename="$(pwd)/$OUT/$1.jfr" > /dev/null 2>&1 && jfr=1
  run_wrk "$1-warmup" "$2" "$CONNECTIONS" "$WARMUP" "$3" > /dev/null
  if [ "$jfr" = 1 ]; then
    "${JAVA%java}jcmd" "$SERVER_PID" JFR.stop name="$1" > /dev/null 2>&1 || true
    "${JAVA%java}jfr" view --width 200 hot-methods "$OUT/$1.jfr" > "$OUT/$1-hot-methods.txt" 2>&1 || true
    "${JAVA%java}jfr" print --events jdk.ExecutionSample --stack-depth 30 "$OUT/$1.jfr" > "$OUT/$1-stacks.txt" 2>&1 || true
  fi
  sleep 3 # calls in flight and batched log rows written before the marks
  local marks pgs jvm0 pg0 c0 result jvm pg c1
  marks=$("$JAVA" -cp "$TOOL_CP" bench/BenchTool.java marks "$JDBC")
  local served0=0
  [ -n "${6:-}" ] && served0=$(served "$6")
  pgs=$(pg_pids | tr '\n' ' ')
  read -r -a c0 <<< "$(db_counters)"
  jvm0=$(cpu_ticks "$SERVER_PID"); pg0=$(cpu_ticks $pgs)
  result=$(run_wrk "$1" "$2" "$CONNECTIONS" "$DURATION" "$3")
  jvm=$(( $(cpu_ticks "$SERVER_PID") - jvm0 )); pg=$(( $(cpu_ticks $pgs) - pg0 ))
  # Connections to the upstream at the end of the run: kept alive and reused (few established, no TIME-WAIT pile-up), or not.
  local est tw
  est=$(ss -Htn state established "( dport = :$UPSTREAM_PORT )" | wc -l); tw=$(ss -Htn state time-wait "( dport = :$UPSTREAM_PORT )" | wc -l)
  sleep 3 # batched rows of the run's last calls written
  read -r -a c1 <<< "$(db_counters)"
  [ -n "${6:-}" ] && result=$(echo "$result" | jq -c --argjson n "$(( $(served "$6") - served0 ))" '. + {requests_2xx_server: $n}')
  result=$(echo "$result" | jq -c --argjson jvm "$jvm" --argjson pg "$pg" --argjson st "$(( c1[0] - c0[0] ))" --argjson tx "$(( c1[1] - c0[1] ))" \
    --argjson rows "$(( c1[2] - c0[2] ))" --argjson nested "$(( c1[3] - c0[3] ))" --argjson est "$est" --argjson tw "$tw" '. + {jvm_cpu_us_per_call: ($jvm * 10000 / .requests | floor), postgres_cpu_us_per_call: ($pg * 10000 / .requests | floor),
      cpu_us_per_call: (($jvm + $pg) * 10000 / .requests | floor), upstream_connections_established: $est, upstream_connections_time_wait: $tw, statements_per_call: ($st / .requests * 100 | round / 100),
      nested_statements_per_call: ($nested / .requests * 100 | round / 100),
      commits_per_call: ($tx / .requests * 1000 | round / 1000), rows_written_per_call: ($rows / .requests * 100 | round / 100)}')
  if [ "$4" -gt 0 ]; then
    local x
    x=$("$JAVA" -cp "$TOOL_CP" bench/BenchTool.java exactness-gateway "$JDBC" "$WALLET" "$APP" "$5" $marks)
    result=$(echo "$result" | jq -c --argjson x "$x" --argjson cost "$4" '. + {exactness: ($x + {cost: $cost,
      exact: ($x.usage_rows_ok == .requests_2xx_server and $x.credits_in_usage == $x.usage_rows_ok * $cost and $x.credits_moved == $x.credits_in_usage
              and $x.transfers_not_matching_their_calls == 0 and $x.paid_calls_without_transfer == 0 and $x.holds_pending == 0)})}')
  fi
  echo "$result"
}
export BENCH_KEY=$KEY BENCH_APP=$APP
declare -A R
for s in $ONLY; do
  case $s in
    b) R[b]=$(measure b consume "$BASE" 0 "" /api/v1/customer/tokens/consume) ;;
    f) R[f]=$(measure f direct "$DIRECT" 0 "") ;;
    g) R[g]=$(measure g gateway "$BASE" 1 bench-echo "/api/v1/gateway/{featureName}/**") ;;
    h) R[h]=$(measure h gateway-units "$BASE" 3 bench-units "/api/v1/gateway/{featureName}/**") ;;
    i) export BENCH_KEY=$IKEY BENCH_CONNECTION=$CON_FREE; R[i]=$(measure i integration-proxy "$BASE" 0 ""); export BENCH_KEY=$KEY ;;
    j) export BENCH_KEY=$IKEY BENCH_CONNECTION=$CON_LIMITED; R[j]=$(measure j integration-proxy "$BASE" 0 ""); export BENCH_KEY=$KEY ;;
  esac
  [ -n "${R[$s]:-}" ] && echo "($s) ${R[$s]}" | tee -a "$OUT/results.txt"
done
LOGGED=$(admin GET "/api/admin/organizations/$ORG/integrations/logs?source=proxy&per_page=1" | jq .meta.pagination.total)
echo "integration call logs written: $LOGGED" | tee -a "$OUT/results.txt"
LEDGER=$(admin GET /api/admin/ledger/check | jq -c .data)
echo "ledger check: $LEDGER" | tee -a "$OUT/results.txt"
$SQL -c "SELECT calls, round(total_exec_time::numeric, 1) AS ms, left(regexp_replace(query, '\s+', ' ', 'g'), 140) FROM pg_stat_statements
         WHERE query NOT LIKE '%pg_stat%' ORDER BY calls DESC LIMIT 40" > "$OUT/statements.txt"
{
  echo "| scenario | req/s | p50 ms | p99 ms | non-2xx | CPU µs/call (JVM + PG) | SQL statements/call (+ nested: FK checks) | commits/call | rows written/call | exact |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for s in $ONLY; do
    [ -n "${R[$s]:-}" ] || continue
    echo "${R[$s]}" | jq -r --arg s "$s" '"| (\($s)) | \(.rps | floor) | \(.p50_ms) | \(.p99_ms) | \(.non_2xx) | \(.cpu_us_per_call) (\(.jvm_cpu_us_per_call) + \(.postgres_cpu_us_per_call)) | \(.statements_per_call) (+ \(.nested_statements_per_call)) | \(.commits_per_call) | \(.rows_written_per_call) | \(.exactness.exact // "n/a") |"'
  done
} | tee "$OUT/results.md"
echo "results in $OUT"
