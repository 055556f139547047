#!/usr/bin/env bash
# Tollgate's benchmark, one command: builds, starts Tollgate (embedded PostgreSQL unless
# --database-url is given), seeds, and drives load with wrk against
#   (a) GET /api/v1/app                          — the authenticated no-op, the ceiling
#   (b) POST /api/v1/customer/tokens/consume     — metered, group commit
#   (c) POST /api/v1/content/{id}/view           — a metered feature call (1 credit)
#   (d) (b) with TOLLGATE_METERING_BATCHING=false — one transaction per call, the naive baseline
#   (f) a local upstream (bench/Upstream.java) called directly — the gateway's baseline
#   (g) that upstream through /api/v1/gateway/… priced per request (held, then captured)
#   (h) the same priced by the units the upstream reports in its JSON body (10 reserved, 3 captured)
#   seed 001's load test: (b) at 1000 connections
#   seed 001's activation load test: 100 concurrent clients activating catalog apps at 20 requests/s in all
# then checks exactness after each metered run, runs the JMH key-check benchmark, measures heap with
# the stored keys, and kills the server with SIGKILL under load to check that no acknowledged debit is
# lost or doubled. Writes results.json and results.md under bench/results/<time>/.
#
# Usage: bench/run.sh [--duration SECONDS] [--connections N] [--keys N] [--database-url JDBC_URL]
#                     [--seed001-duration SECONDS] [--warmup SECONDS] [--skip-crash] [--skip-jmh] [--skip-faults] [--faults-duration SECONDS]
#                     [--only-activation]
# --keys N stores N more keys first and adds a run over 250,000 of them (more than the key cache holds);
# seed 001's load test runs its specified 10 minutes unless --seed001-duration says otherwise.
# --only-activation runs seed 001's activation load test alone (for --duration, after --warmup) and stops there.
# Last, bench/faults.sh: two nodes under load while backends are ended and PostgreSQL restarts (issue 18).
# BENCH_JAVA_OPTS replaces the server's JVM options (default: 512 MiB heap, G1 with a 10 ms pause goal);
# BENCH_PORT and BENCH_PG_PORT move the server and its embedded PostgreSQL off 18090 and 15432, BENCH_UPSTREAM_PORT
# the gateway scenarios' upstream off 18099.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=30
CONNECTIONS=64
KEYS=0
SEED001_DURATION=600
WARMUP=10
WARMUP_ALL=40
DATABASE_URL=""
CRASH=1
JMH=1
FAULTS=1
FAULTS_DURATION=60
ONLY_ACTIVATION=0
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --keys) KEYS=$2; shift 2 ;;
    --seed001-duration) SEED001_DURATION=$2; shift 2 ;;
    --warmup) WARMUP_ALL=$2; WARMUP=$(( $2 < 10 ? $2 : 10 )); shift 2 ;;
    --database-url) DATABASE_URL=$2; shift 2 ;;
    --skip-crash) CRASH=0; shift ;;
    --skip-jmh) JMH=0; shift ;;
    --skip-faults) FAULTS=0; shift ;;
    --faults-duration) FAULTS_DURATION=$2; shift 2 ;;
    --only-activation) ONLY_ACTIVATION=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

if [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
JCMD=${JAVA_HOME:+$JAVA_HOME/bin/}jcmd
command -v wrk >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk; }
command -v jq >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q jq; }

echo "== building"
./mvnw -q -B -DskipTests package
./mvnw -q -B test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
JAR=$(ls target/tollgate-*.jar | grep -v original | head -1)
TOOL_CP="target/classes:$(cat target/bench-classpath.txt)"

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=bench/results/$STAMP
WORK=bench/work
mkdir -p "$OUT"
rm -rf "$WORK"
mkdir -p "$WORK"
# BENCH_PORT / BENCH_PG_PORT: other ports, when another benchmark is running on this machine.
PORT=${BENCH_PORT:-18090}
PGPORT=${BENCH_PG_PORT:-15432}
UPSTREAM_PORT=${BENCH_UPSTREAM_PORT:-18099}
UPSTREAM_PID=""
DIRECT=http://127.0.0.1:$UPSTREAM_PORT
TOKEN=bench-admin-token-0123456789abcdef
BASE=http://localhost:$PORT
JDBC=${DATABASE_URL:-jdbc:postgresql://localhost:$PGPORT/postgres}
SERVER_PID=""
JAVA_OPTS=${BENCH_JAVA_OPTS:--Xmx512m -Xms512m -XX:+UseG1GC -XX:MaxGCPauseMillis=10}

start_server() { # $1 = batching true|false, $2 = log name
  local extra=()
  [ -n "$DATABASE_URL" ] && extra+=(TOLLGATE_DATABASE_URL="$DATABASE_URL")
  env TOLLGATE_DATA_DIR="$WORK/data" SERVER_PORT=$PORT TOLLGATE_ADMIN_TOKEN=$TOKEN TOLLGATE_DEMO=false \
      TOLLGATE_EMBEDDED_DB_PORT=$PGPORT TOLLGATE_METERING_BATCHING="$1" TOLLGATE_RATE_LIMIT_TOKEN_CONSUMPTION_PER_HOUR=0 \
      TOLLGATE_RATE_LIMIT_ACTIVATION_PER_HOUR=0 \
      TOLLGATE_KEY_PEPPER="${BENCH_PEPPER:-bench-pepper-0123456789abcdef}" "${extra[@]}" \
      "$JAVA" $JAVA_OPTS -jar "$JAR" > "$OUT/server-$2.log" 2>&1 &
  SERVER_PID=$!
  # A loaded machine (a shared one) may take minutes to start the JVM and PostgreSQL.
  for _ in $(seq 1 "${BENCH_START_SECONDS:-300}"); do
    curl -sf -o /dev/null "$BASE/actuator/health" && return 0
    sleep 1
  done
  echo "server did not start; see $OUT/server-$2.log" >&2
  exit 1
}

stop_server() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}
stop_all() {
  stop_server
  [ -n "$UPSTREAM_PID" ] && kill "$UPSTREAM_PID" 2>/dev/null && wait "$UPSTREAM_PID" 2>/dev/null || true
  UPSTREAM_PID=""
}
trap stop_all EXIT

admin() { # method path [json]
  curl -sf -X "$1" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' ${3:+-d "$3"} "$BASE$2"
}

# wrk's threads; bench/wrk/activate.lua reads it to give each thread its own share of the (customer, app) pairs.
export WRK_THREADS=2
run_wrk() { # name script(s, '+'-joined) connections duration [url: Tollgate's by default]
  local script="$OUT/$1.lua"
  : > "$script"
  for part in ${2//+/ }; do cat "bench/wrk/$part.lua" >> "$script"; done
  cat bench/wrk/report.lua >> "$script"
  wrk -t"$WRK_THREADS" -c"$3" -d"$4"s --timeout 10s -s "$script" "${5:-$BASE/api/v1/app}" 2>&1 | tee "$OUT/$1.wrk.txt" | grep '^WRK_JSON' | sed 's/^WRK_JSON //'
}

. bench/cpu.sh # cpu_ticks

pg_pids() { # the embedded PostgreSQL and its backends (nothing for an external database)
  [ -n "$DATABASE_URL" ] && return
  local master
  master=$(pgrep -f -- "-D $WORK/data/postgres" | head -1)
  if [ -n "$master" ]; then echo "$master"; pgrep -P "$master" || true; fi
}

served() { # successful responses (any 2xx; status regex in $2 narrows it) the server itself counted for this URI template (Micrometer), so far
  curl -sf -H "Authorization: Bearer $TOKEN" "$BASE/actuator/prometheus" | grep '^http_server_requests_seconds_count' \
    | grep -F "uri=\"$1\"" | grep -E "status=\"${2:-2[0-9][0-9]}\"" | awk '{s += $NF} END {printf "%d", s}'
}

# measure name script connections uri duration cost [held-feature] — warm up, then the measured run. Echoes wrk's JSON plus the
# server's own count of 200s and CPU per call; for a metered run (cost > 0) also what the database holds
# for the run and whether it is exact: one usage row per 200 the server sent, credits debited = 200s × cost,
# every spend transfer equal to the calls that name it.
measure() {
  BENCH_PHASE=warmup run_wrk "$1-warmup" "$2" "$3" "$WARMUP" > /dev/null
  sleep 2 # calls in flight when the warm-up stopped finish before the marks are taken
  local marks pgs jvm0 pg0 served0 created0 result
  marks=$("$JAVA" -cp "$TOOL_CP" bench/BenchTool.java marks "$JDBC")
  served0=$(served "$4")
  created0=$(served "$4" 201)
  pgs=$(pg_pids | tr '\n' ' ')
  jvm0=$(cpu_ticks "$SERVER_PID")
  pg0=$(cpu_ticks $pgs)
  result=$(run_wrk "$1" "$2" "$3" "$5")
  local jvm=$(( $(cpu_ticks "$SERVER_PID") - jvm0 )) pg=$(( $(cpu_ticks $pgs) - pg0 ))
  sleep 2 # calls in flight when wrk stopped finish; the server counts them, wrk does not
  local ok=$(( $(served "$4") - served0 )) created=$(( $(served "$4" 201) - created0 ))
  # CPU per call does not depend on how much CPU the machine happened to give the run.
  # server_200 counts every 2xx; server_201 the part of it that created something (first activations).
  result=$(echo "$result" | jq -c --argjson jvm "$jvm" --argjson pg "$pg" --argjson ok "$ok" --argjson created "$created" \
    '. + {server_200: $ok, server_201: $created, jvm_cpu_s: ($jvm / 100), postgres_cpu_s: ($pg / 100), cpu_us_per_call: ((($jvm + $pg) * 10000 / .requests) | floor)}')
  if [ "$6" -gt 0 ] && [ -n "${7:-}" ]; then
    # A gateway run: each call held, then captured (what the upstream reported, for (h)).
    local held
    held=$("$JAVA" -cp "$TOOL_CP" bench/BenchTool.java exactness-held "$JDBC" "$WALLET" "$APP" "$7" $marks)
    result=$(echo "$result" | jq -c --argjson x "$held" --argjson cost "$6" '. + {exactness: ($x + {cost: $cost,
      exact: ($x.usage_rows_ok == .server_200 and $x.usage_rows_refused == 0 and $x.credits_in_usage == .server_200 * $cost
              and $x.credits_captured == $x.credits_in_usage and $x.captures_not_matching_their_calls == 0
              and $x.paid_calls_without_capture == 0 and $x.holds_pending == 0)})}')
  elif [ "$6" -gt 0 ]; then
    local held
    held=$("$JAVA" -cp "$TOOL_CP" bench/BenchTool.java exactness "$JDBC" "$WALLET" "$APP" $marks)
    result=$(echo "$result" | jq -c --argjson x "$held" --argjson cost "$6" '. + {exactness: ($x + {cost: $cost,
      exact: ($x.usage_rows_ok == .server_200 and $x.usage_rows_refused == 0 and $x.credits_in_usage == .server_200 * $cost
              and $x.credits_debited == $x.credits_in_usage and $x.transfers_not_matching_their_calls == 0 and $x.paid_calls_without_transfer == 0)})}')
  fi
  echo "$result"
}

# measure_direct name script connections duration — (f): the upstream alone; its CPU is the upstream's.
measure_direct() {
  run_wrk "$1-warmup" "$2" "$3" "$WARMUP" "$DIRECT" > /dev/null
  local cpu0 result
  cpu0=$(cpu_ticks "$UPSTREAM_PID")
  result=$(run_wrk "$1" "$2" "$3" "$4" "$DIRECT")
  local cpu=$(( $(cpu_ticks "$UPSTREAM_PID") - cpu0 ))
  echo "$result" | jq -c --argjson cpu "$cpu" '. + {server_200: .requests, upstream_cpu_s: ($cpu / 100),
    cpu_us_per_call: (($cpu * 10000 / .requests) | floor)}'
}

heap_after_gc_mb() { # heap in use right after a full GC, from the server's own metrics (any collector)
  "$JCMD" "$SERVER_PID" GC.run > /dev/null 2>&1 || true
  sleep 1
  curl -sf -H "Authorization: Bearer $TOKEN" "$BASE/actuator/prometheus" | grep '^jvm_memory_used_bytes{area="heap"' \
    | awk '{s += $NF} END {printf "%d", s / 1048576}'
}

echo "== starting the bench upstream on port $UPSTREAM_PORT"
"$JAVA" bench/Upstream.java "$UPSTREAM_PORT" > "$OUT/upstream.log" 2>&1 &
UPSTREAM_PID=$!
for _ in $(seq 1 60); do curl -sf -o /dev/null -X POST "$DIRECT/v1/run" && break; sleep 1; done

echo "== starting Tollgate (group commit) and seeding"
start_server true batched
ORG=$(admin POST /api/admin/organizations '{"name":"Bench"}' | jq -r .data.id)
APP=$(admin POST /api/external-apps "{\"organization_id\":\"$ORG\",\"name\":\"Bench\",\"app_type\":\"api\",\"status\":\"active\"}" | jq -r .data.id)
KEY=$(admin POST /api/external-apps/$APP/api-keys '{"name":"bench","rate_limit":10000000}' | jq -r .data.key)
CONTENT=$(admin POST /api/external-apps/$APP/content '{"title":"Bench item","type":"video","url":"https://cdn.example/b.mp4","pricing_type":"credit","credits_required":1,"status":"published"}' | jq -r .data.id)
WALLET=$(admin GET /api/admin/organizations/$ORG/wallet | jq -r .data.id)
admin POST /api/admin/wallets/$WALLET/grants '{"amount":1000000000,"reason":"bench"}' > /dev/null
# (g) and (h): the bench upstream behind the gateway, per request (1 credit) and by reported units (1 credit each).
ECHO_FEATURE=$(admin POST /api/external-apps/$APP/features "{\"feature_name\":\"bench-echo\",\"pricing_type\":\"credit\",\"credit_cost\":1,\"backend\":\"upstream\",\"upstream_url\":\"$DIRECT\"}" | jq -r .data.id)
admin PUT /api/external-apps/$APP/features/$ECHO_FEATURE/gateway '{"max_connections":512}' > /dev/null
UNITS_FEATURE=$(admin POST /api/external-apps/$APP/features "{\"feature_name\":\"bench-units\",\"pricing_type\":\"credit\",\"credit_cost\":1,\"backend\":\"upstream\",\"upstream_url\":\"$DIRECT\"}" | jq -r .data.id)
admin PUT /api/external-apps/$APP/features/$UNITS_FEATURE/gateway '{"pricing_mode":"units","units_json_pointer":"/usage/total_tokens","max_units":10,"max_connections":512}' > /dev/null
export BENCH_KEY=$KEY BENCH_APP=$APP BENCH_CONTENT=$CONTENT
customer() { # key app method path [json] — an /api/v1 call as an organization's app
  curl -sf -X "$3" -H "Authorization: Bearer $1" -H "X-App-Id: $2" -H 'Content-Type: application/json' ${5:+-d "$5"} "$BASE$4"
}
# Seed 001: tokens are consumed only for a catalog app the organization activated (bench-001 for (b)/(d), crash for the crash test).
for id in bench-001 crash; do
  admin POST /api/admin/catalog-apps "{\"id\":\"$id\",\"name\":\"Bench $id\",\"category\":\"bench\",\"token_cost\":1,\"widget_url\":\"http://127.0.0.1:9/bench\"}" > /dev/null
  customer "$KEY" "$APP" POST /api/v1/customer/apps/$id/activate '{}' > /dev/null
done
# Seed 001's activation load test: 100 customers (organizations, one app and key each) whose activations are measured,
# 20 others for the warm-ups (so the measured customers' pairs are still new when the measured run starts), and
# enough catalog apps that at 20 requests/s no (customer, app) pair comes twice within --duration: every measured
# call is a first-time activation, which makes an embed key (activate.lua walks the pairs in order).
ACTIVATION_CUSTOMERS=100
ACTIVATION_WARMUP_CUSTOMERS=20
ACTIVATION_APPS=$(( DURATION * 30 / ACTIVATION_CUSTOMERS + 1 )) # pairs ≥ 1.5 × 20/s × duration
[ "$ACTIVATION_APPS" -lt 20 ] && ACTIVATION_APPS=20
for i in $(seq 0 $((ACTIVATION_APPS - 1))); do
  admin POST /api/admin/catalog-apps "{\"id\":\"bench-app-$i\",\"name\":\"Bench app $i\",\"category\":\"bench\",\"token_cost\":5,\"widget_url\":\"http://127.0.0.1:9/w\",
    \"configuration_schema\":{\"button_text\":{\"type\":\"string\",\"max_length\":40,\"default\":\"Try On\"},
    \"placement\":{\"type\":\"select\",\"options\":[\"product_page\",\"cart_page\"],\"default\":\"product_page\"}}}" > /dev/null
done
activation_customers() { # count file name — a "key app" line per customer in file, its organization ids in file.orgs
  : > "$2"
  : > "$2.orgs"
  for i in $(seq 1 "$1"); do
    C_ORG=$(admin POST /api/admin/organizations "{\"name\":\"$3 $i\"}" | jq -r .data.id)
    C_APP=$(admin POST /api/external-apps "{\"organization_id\":\"$C_ORG\",\"name\":\"Shop $i\",\"app_type\":\"web\",\"status\":\"active\"}" | jq -r .data.id)
    C_KEY=$(admin POST /api/external-apps/$C_APP/api-keys '{"name":"bench","rate_limit":10000000}' | jq -r .data.key)
    echo "$C_KEY $C_APP" >> "$2"
    echo "$C_ORG" >> "$2.orgs"
  done
}
activation_customers $ACTIVATION_CUSTOMERS "$WORK/activation-customers.txt" Customer
activation_customers $ACTIVATION_WARMUP_CUSTOMERS "$WORK/activation-warmup-customers.txt" "Warm-up customer"
export BENCH_ACTIVATION_FILE="$WORK/activation-customers.txt" BENCH_ACTIVATION_WARMUP_FILE="$WORK/activation-warmup-customers.txt" \
  BENCH_CATALOG_APPS=$ACTIVATION_APPS

# Seed 001's activation load test (sets V). Its count is checked against the database: every 201 of the measured
# run is one active activation of the measured customers, and none of theirs was made by a warm-up.
activation_load_test() {
  echo "== seed 001 activation load test: 100 concurrent clients, 20 activations/s, ${DURATION} s"
  export BENCH_CONNECTIONS=100 BENCH_TARGET_RPS=20
  V=$(measure activation activate+paced 100 "/api/v1/customer/apps/{appId}/activate" "$DURATION" 0)
  local in_db=0 org
  while read -r org; do
    in_db=$(( in_db + $(admin GET "/api/admin/activations?organization_id=$org&status=active&per_page=1" | jq -r .meta.pagination.total) ))
  done < "$WORK/activation-customers.txt.orgs"
  V=$(echo "$V" | jq -c --argjson db "$in_db" '. + {first_activations: .server_201, reconfigurations: (.server_200 - .server_201),
    activations_in_database: $db, exactness: {exact: (.server_201 == $db and .server_201 > 0)}}')
  echo "$V" | tee "$OUT/activation.json"
}
ACTIVATION_CHECK='.seed001_activations_100_clients_20_rps | (.non_2xx + .socket_errors) * 100 < .requests and .p95_ms < 500'
activation_counts() {
  jq -r '.seed001_activations_100_clients_20_rps | "activations (measured run): \(.first_activations) first-time (201), \(.reconfigurations) reconfigured (200), \(.activations_in_database) active in the database for the measured customers; exact: \(.exactness.exact)"' "$OUT/results.json"
}

if [ "$ONLY_ACTIVATION" = 1 ]; then
  echo "== warming up (${WARMUP_ALL}s, activation only)"
  BENCH_PHASE=warmup run_wrk warmup-activate activate "$CONNECTIONS" "$WARMUP_ALL" > /dev/null
  activation_load_test
  stop_server
  jq -n --argjson v "$V" --arg opts "$JAVA_OPTS" --arg duration "$DURATION" \
    '{machine: {cores: '"$(nproc)"', java_opts: $opts}, duration_s: ($duration|tonumber), seed001_activations_100_clients_20_rps: $v}' > "$OUT/results.json"
  {
    echo "| scenario | req/s | p50 ms | p95 ms | p99 ms | max ms | non-2xx | socket errors | 2xx counted by the server | server CPU µs/call | exact |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"
    jq -r '.seed001_activations_100_clients_20_rps | "| seed 001 activations: 100 clients at 20 req/s | \(.rps|floor) | \(.p50_ms) | \(.p95_ms) | \(.p99_ms) | \(.max_ms) | \(.non_2xx) | \(.socket_errors) | \(.server_200) | \(.cpu_us_per_call) | \(.exactness.exact) |"' "$OUT/results.json"
    echo
    activation_counts
    if jq -e "$ACTIVATION_CHECK" "$OUT/results.json" > /dev/null; then echo "- [x] seed 001 activations: < 1 % errors, p95 < 500 ms"
    else echo "- [ ] seed 001 activations: < 1 % errors, p95 < 500 ms — MISSED"; fi
  } | tee "$OUT/results.md"
  echo "results in $OUT"
  exit 0
fi
if [ "$KEYS" -gt 0 ]; then
  echo "== storing $KEYS more keys"
  "$JAVA" -cp "$TOOL_CP" bench/BenchTool.java seed-keys "$JDBC" "${BENCH_PEPPER:-bench-pepper-0123456789abcdef}" "$APP" "$KEYS" \
      "$WORK/keys.txt" 250000 | tee "$OUT/seed-keys.txt"
fi
CONSUME=/api/v1/customer/tokens/consume

# The JIT compiles for a minute or more on two cores, and its CPU would be charged to whichever
# scenario ran first: every scenario's code is warmed up before anything is measured.
echo "== warming up (${WARMUP_ALL}s per scenario)"
for part in app consume content activate gateway gateway-units; do BENCH_PHASE=warmup run_wrk "warmup-$part" "$part" "$CONNECTIONS" "$WARMUP_ALL" > /dev/null; done
run_wrk warmup-direct direct "$CONNECTIONS" "$WARMUP_ALL" "$DIRECT" > /dev/null

echo "== (a) GET /api/v1/app"
A=$(measure a app "$CONNECTIONS" /api/v1/app "$DURATION" 0); echo "$A" | tee "$OUT/a.json"
echo "== (b) token consumption, group commit"
B=$(measure b consume "$CONNECTIONS" $CONSUME "$DURATION" 1); echo "$B" | tee "$OUT/b.json"
echo "== (c) content view, group commit"
C=$(measure c content "$CONNECTIONS" "/api/v1/content/{id}/view" "$DURATION" 1); echo "$C" | tee "$OUT/c.json"
echo "== (f) the upstream directly"
F=$(measure_direct f direct "$CONNECTIONS" "$DURATION"); echo "$F" | tee "$OUT/f.json"
GATEWAY_URI="/api/v1/gateway/{featureName}/**"
echo "== (g) the upstream through the gateway, per request"
G=$(measure g gateway "$CONNECTIONS" "$GATEWAY_URI" "$DURATION" 1 bench-echo); echo "$G" | tee "$OUT/g.json"
echo "== (h) the upstream through the gateway, units from the body"
H=$(measure h gateway-units "$CONNECTIONS" "$GATEWAY_URI" "$DURATION" 3 bench-units); echo "$H" | tee "$OUT/h.json"
echo "== seed 001 load test: 1000 concurrent clients, 100 requests/s of token consumption, ${SEED001_DURATION} s"
ulimit -Sn "$(ulimit -Hn)" 2>/dev/null || true
export BENCH_CONNECTIONS=1000 BENCH_TARGET_RPS=100
S=$(measure seed001 consume+paced 1000 $CONSUME "$SEED001_DURATION" 1); echo "$S" | tee "$OUT/seed001.json"
activation_load_test
echo "== stress: token consumption at 1000 connections, closed loop"
X=$(measure stress1000 consume 1000 $CONSUME "$DURATION" 1); echo "$X" | tee "$OUT/stress1000.json"
K='{"skipped":true}'
if [ "$KEYS" -gt 0 ]; then
  echo "== (e) GET /api/v1/app over 250,000 of the stored keys, more than the key cache holds"
  export BENCH_KEYS_FILE="$WORK/keys.txt"
  K=$(measure e manykeys "$CONNECTIONS" /api/v1/app "$DURATION" 0); echo "$K" | tee "$OUT/e.json"
fi
HEAP_USED_MB=$(heap_after_gc_mb)
LEDGER=$(admin GET /api/admin/ledger/check | jq -c .data)
stop_server

echo "== (d) token consumption, one transaction per call"
start_server false naive
run_wrk warmup-naive consume "$CONNECTIONS" "$WARMUP_ALL" > /dev/null
D=$(measure d consume "$CONNECTIONS" $CONSUME "$DURATION" 1); echo "$D" | tee "$OUT/d.json"
stop_server

CRASH_JSON='{"skipped":true}'
if [ "$CRASH" = 1 ]; then
  echo "== crash test: kill -9 under load"
  start_server true crash-before
  ( "$JAVA" -cp "$TOOL_CP" bench/BenchTool.java crash-load "$BASE" "$KEY" "$APP" 64 "$OUT/acknowledged.txt" > "$OUT/crash-load.txt" 2>&1 ) &
  LOAD_PID=$!
  sleep 10
  kill -9 "$SERVER_PID"
  wait "$LOAD_PID" || true
  SERVER_PID=""
  cat "$OUT/crash-load.txt"
  start_server true crash-after
  CRASH_JSON=$("$JAVA" -cp "$TOOL_CP" bench/BenchTool.java crash-verify "$JDBC" "$APP" "$OUT/acknowledged.txt" || echo '{"failed":true}')
  CRASH_LEDGER=$(admin GET /api/admin/ledger/check | jq -c '.data.ok')
  CRASH_JSON=$(echo "$CRASH_JSON" | jq -c ". + {ledger_ok: $CRASH_LEDGER}")
  echo "$CRASH_JSON"
  stop_server
fi

JMH_JSON='{"skipped":true}'
if [ "$JMH" = 1 ]; then
  echo "== JMH: cached key check"
  "$JAVA" -cp "target/test-classes:$TOOL_CP" org.openjdk.jmh.Main KeyCheckBenchmark -f 1 -wi 3 -w 2s -i 5 -r 2s \
      -rf json -rff "$OUT/jmh.json" | tee "$OUT/jmh.txt" | tail -4
  JMH_JSON=$(jq -c '[.[] | {cached_keys: .params.cachedKeys, ns_per_check: .primaryMetric.score, error: .primaryMetric.scoreError}]' "$OUT/jmh.json")
fi

jq -n --argjson a "$A" --argjson b "$B" --argjson c "$C" --argjson d "$D" --argjson s "$S" --argjson x "$X" --argjson e "$K" --argjson v "$V" \
   --argjson f "$F" --argjson g "$G" --argjson h "$H" \
   --argjson ledger "$LEDGER" --argjson crash "$CRASH_JSON" --argjson jmh "$JMH_JSON" --arg opts "$JAVA_OPTS" \
   --arg heap "${HEAP_USED_MB:-unknown}" --arg keys "$KEYS" --arg conns "$CONNECTIONS" --arg duration "$DURATION" \
   '{machine: {cores: '"$(nproc)"', java_opts: $opts}, connections: ($conns|tonumber), duration_s: ($duration|tonumber), stored_extra_keys: ($keys|tonumber),
     a_app: $a, b_consume: $b, c_content_view: $c, d_consume_naive: $d, seed001_1000_clients_100_rps: $s, stress_1000_connections: $x,
     seed001_activations_100_clients_20_rps: $v,
     e_many_keys: $e, ledger_check: $ledger, heap_used_mb_after_gc: $heap, crash_test: $crash, jmh: $jmh,
     f_direct: $f, g_gateway: $g, h_gateway_units: $h,
     gateway_overhead_ms: {p50: ($g.p50_ms - $f.p50_ms), p99: ($g.p99_ms - $f.p99_ms), units_p50: ($h.p50_ms - $f.p50_ms), units_p99: ($h.p99_ms - $f.p99_ms)},
     ratios: {b_over_a: ($b.rps / $a.rps), b_over_d: ($b.rps / $d.rps), g_over_f: ($g.rps / $f.rps), h_over_f: ($h.rps / $f.rps)}}' > "$OUT/results.json"

ROWS=("(a) GET /api/v1/app:a_app" "(b) tokens/consume, group commit:b_consume" "(c) content view, group commit:c_content_view"
      "(d) tokens/consume, transaction per call:d_consume_naive" "seed 001: 1000 clients at 100 req/s:seed001_1000_clients_100_rps"
      "stress: (b) at 1000 connections, closed loop:stress_1000_connections"
      "seed 001 activations: 100 clients at 20 req/s:seed001_activations_100_clients_20_rps"
      "(f) upstream directly:f_direct" "(g) through the gateway, per request:g_gateway" "(h) through the gateway, units from the body:h_gateway_units")
[ "$KEYS" -gt 0 ] && ROWS+=("(e) GET /api/v1/app over 250k keys:e_many_keys")
check() { # label jq-condition
  if jq -e "$2" "$OUT/results.json" > /dev/null; then echo "- [x] $1"; else echo "- [ ] $1 — MISSED"; fi
}
{
  echo "| scenario | req/s | p50 ms | p95 ms | p99 ms | max ms | non-2xx | socket errors | 2xx counted by the server | server CPU µs/call | exact |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  for row in "${ROWS[@]}"; do
    jq -r --arg name "${row%:*}" ".${row##*:} | \"| \(\$name) | \(.rps|floor) | \(.p50_ms) | \(.p95_ms) | \(.p99_ms) | \(.max_ms) | \(.non_2xx) | \(.socket_errors) | \(.server_200) | \(.cpu_us_per_call) | \(.exactness.exact // \"n/a\") |\"" "$OUT/results.json"
  done
  echo
  jq -r '"(b)/(a) = \(.ratios.b_over_a*100|floor)%   (b)/(d) = \(.ratios.b_over_d*10|floor/10)x   heap after GC: \(.heap_used_mb_after_gc) MiB with \(.stored_extra_keys) extra keys stored"' "$OUT/results.json"
  jq -r '"JVM: \(.machine.java_opts)"' "$OUT/results.json"
  jq -r '"exactness (b): \(.b_consume.exactness)"' "$OUT/results.json"
  jq -r '"exactness (d): \(.d_consume_naive.exactness)"' "$OUT/results.json"
  jq -r '"gateway over direct: p50 +\(.gateway_overhead_ms.p50) ms, p99 +\(.gateway_overhead_ms.p99) ms (units: +\(.gateway_overhead_ms.units_p50) / +\(.gateway_overhead_ms.units_p99) ms); (g)/(f) = \(.ratios.g_over_f*100|floor)%, (h)/(f) = \(.ratios.h_over_f*100|floor)%"' "$OUT/results.json"
  jq -r '"exactness (g): \(.g_gateway.exactness)"' "$OUT/results.json"
  jq -r '"exactness (h): \(.h_gateway_units.exactness)"' "$OUT/results.json"
  activation_counts
  jq -r '"ledger check: \(.ledger_check.ok)   crash test: \(.crash_test)"' "$OUT/results.json"
  jq -r '"JMH cached key check: \(.jmh)"' "$OUT/results.json"
  echo
  echo "Targets (issue 6):"
  check "(b) ≥ 0.7 × (a)" '.ratios.b_over_a >= 0.7'
  check "(b) ≥ 5 × (d)" '.ratios.b_over_d >= 5'
  check "p99 of (b) ≤ 25 ms at 64 connections" '.b_consume.p99_ms <= 25'
  check "zero errors in every run" '[.a_app, .b_consume, .c_content_view, .d_consume_naive, .seed001_1000_clients_100_rps, .stress_1000_connections, .f_direct, .g_gateway, .h_gateway_units] | all(.non_2xx == 0 and .socket_errors == 0)'
  check "every metered run exact; ledger invariants hold" '([.b_consume, .c_content_view, .d_consume_naive, .seed001_1000_clients_100_rps, .stress_1000_connections, .g_gateway, .h_gateway_units] | all(.exactness.exact)) and .ledger_check.ok'
  check "seed 001: 1000 clients, 0 errors, p95 < 200 ms" '.seed001_1000_clients_100_rps | .non_2xx == 0 and .socket_errors == 0 and .p95_ms < 200'
  check "seed 001 activations: 100 clients at 20 req/s, < 1 % errors, p95 < 500 ms" "$ACTIVATION_CHECK"
  check "cached key check ≤ 2 µs (JMH)" '.jmh | type == "array" and all(.ns_per_check <= 2000)'
  check "heap ≤ 512 MiB" '(.heap_used_mb_after_gc | tonumber) <= 512'
  check "crash test: nothing acknowledged lost, nothing doubled" '.crash_test | .missing_after_restart == 0 and .doubled_usage == 0 and .doubled_debits == 0 and .transfers_not_matching_their_calls == 0 and .successes_without_debit == 0 and .ledger_ok'
  echo
  echo "Targets (issue 12, the gateway, at $(jq -r .connections "$OUT/results.json") connections):"
  check "(g) adds ≤ 1 ms at p50 over (f)" '.gateway_overhead_ms.p50 <= 1'
  check "(g) adds ≤ 5 ms at p99 over (f)" '.gateway_overhead_ms.p99 <= 5'
  check "(g) ≥ 0.5 × (f) throughput" '.ratios.g_over_f >= 0.5'
  check "(g) and (h) exact" '[.g_gateway, .h_gateway_units] | all(.exactness.exact)'
} | tee "$OUT/results.md"
if [ "$FAULTS" = 1 ]; then
  echo "== database faults: two nodes, backends ended three times, one PostgreSQL restart (bench/faults.sh)"
  { echo; bench/faults.sh --no-build --duration "$FAULTS_DURATION" --out "$OUT/faults" | grep -v '^results in'; } | tee -a "$OUT/results.md" || true
fi
echo "results in $OUT"
