#!/usr/bin/env bash
# Several Tollgate nodes on one PostgreSQL and one Redis (issue 17): what sharing costs and what it keeps exact.
#   - the metered call (tokens/consume) on 1, 2 and 3 nodes, load split over them; every run's ledger exact
#   - the latency Redis adds to a call (the no-op at 1 and at 64 connections, without and with Redis)
#   - a shared rate limit's accuracy: one key limited to N, 10 × N calls round-robin over 3 nodes
#   - revocation through one node reaching the other two (p50/p99/max over 100 revocations)
# On two cores, more nodes cannot mean more throughput: the figures show what coordination costs.
# Writes bench/results/cluster-<time>/results.json and results.md.
#
# Usage: bench/cluster.sh [--duration SECONDS] [--connections N] [--revocations N] [--limit N] [--redis-buckets script|bucket4j]
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=20
CONNECTIONS=64
REVOCATIONS=100
LIMIT=1000
BUCKETS=script
WARMUP=15
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --revocations) REVOCATIONS=$2; shift 2 ;;
    --limit) LIMIT=$2; shift 2 ;;
    --redis-buckets) BUCKETS=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

if [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
for tool in wrk jq redis-server; do
  command -v $tool >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $tool; }
done

echo "== building"
./mvnw -q -B -DskipTests package
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
JAR=$(ls target/tollgate-*.jar | grep -v original | head -1)
TOOL_CP="target/classes:$(cat target/bench-classpath.txt)"

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=bench/results/cluster-$STAMP
WORK=bench/work-cluster
mkdir -p "$OUT"
rm -rf "$WORK"
mkdir -p "$WORK"
PORTS=(18091 18092 18093)
PGPORT=15433
REDIS_PORT=16379
TOKEN=bench-admin-token-0123456789abcdef
JDBC=jdbc:postgresql://localhost:$PGPORT/postgres
JAVA_OPTS=${BENCH_JAVA_OPTS:--Xmx512m -Xms512m -XX:+UseG1GC -XX:MaxGCPauseMillis=10}
# Every node shares the pepper and the master keys, as docs/DEPLOYMENT.md says they must.
MASTER_KEYS="mkbench:$(head -c 32 /dev/urandom | base64)"
PIDS=(); REDIS_PID=""

# Every revocation below ends with the revoked key refused (401) on each node, all from this one address:
# the per-address throttle of failed key checks (30 a minute by default) would rightly start answering 429.
start_node() { # index redis(true|false) log
  local i=$1 extra=()
  [ "$i" -gt 0 ] && extra+=(TOLLGATE_DATABASE_URL="$JDBC" TOLLGATE_DATABASE_USER=postgres)
  [ "$2" = true ] && extra+=(TOLLGATE_REDIS_URL="redis://127.0.0.1:$REDIS_PORT" TOLLGATE_REDIS_BUCKETS="$BUCKETS")
  env TOLLGATE_DATA_DIR="$WORK/node$i" SERVER_PORT=${PORTS[$i]} TOLLGATE_ADMIN_TOKEN=$TOKEN TOLLGATE_DEMO=false \
      TOLLGATE_EMBEDDED_DB_PORT=$PGPORT TOLLGATE_RATE_LIMIT_TOKEN_CONSUMPTION_PER_HOUR=0 \
      TOLLGATE_AUTH_FAILURES_PER_ADDRESS_PER_MINUTE=100000 \
      TOLLGATE_KEY_PEPPER=bench-pepper-0123456789abcdef TOLLGATE_MASTER_KEYS="$MASTER_KEYS" "${extra[@]}" \
      "$JAVA" $JAVA_OPTS -jar "$JAR" > "$OUT/node$i-$3.log" 2>&1 &
  PIDS[$i]=$!
  for _ in $(seq 1 180); do
    curl -sf -o /dev/null "http://localhost:${PORTS[$i]}/actuator/health" && return 0
    sleep 1
  done
  echo "node $i did not start; see $OUT/node$i-$3.log" >&2
  exit 1
}
stop_node() { local pid=${PIDS[$1]:-}; [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; PIDS[$1]=""; }
stop_all() {
  for i in 2 1 0; do stop_node $i; done
  [ -n "$REDIS_PID" ] && kill "$REDIS_PID" 2>/dev/null || true
}
trap stop_all EXIT

admin() { # method path [json]
  curl -sf -X "$1" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' ${3:+-d "$3"} "http://localhost:${PORTS[0]}$2"
}

run_wrk() { # node script connections duration → wrk's JSON line
  local script="$OUT/$2.lua"
  cat "bench/wrk/$2.lua" bench/wrk/report.lua > "$script"
  wrk -t1 -c"$3" -d"$4"s --timeout 10s -s "$script" "http://localhost:${PORTS[$1]}/api/v1/app" 2>&1 | grep '^WRK_JSON' | sed 's/^WRK_JSON //'
}

served() { # 200s of this URI the given nodes counted themselves
  local total=0
  for i in "${@:2}"; do
    total=$((total + $(curl -sf -H "Authorization: Bearer $TOKEN" "http://localhost:${PORTS[$i]}/actuator/prometheus" \
      | grep '^http_server_requests_seconds_count' | grep -F "uri=\"$1\"" | grep -F 'status="200"' | awk '{s += $NF} END {printf "%d", s}')))
  done
  echo "$total"
}

# spread nodes… : the metered call on these nodes at once, connections split evenly; sums throughput,
# reports the worst node's percentiles, and checks the ledger against what the nodes said yes to.
spread() {
  local nodes=("$@") n=${#@} per=$((CONNECTIONS / ${#@})) marks before files=()
  for i in "${nodes[@]}"; do run_wrk "$i" consume "$per" "$WARMUP" > /dev/null & done; wait
  sleep 2
  marks=$("$JAVA" -cp "$TOOL_CP" bench/BenchTool.java marks "$JDBC")
  before=$(served /api/v1/customer/tokens/consume "${nodes[@]}")
  for i in "${nodes[@]}"; do run_wrk "$i" consume "$per" "$DURATION" > "$OUT/spread-$n-node$i.json" & files+=("$OUT/spread-$n-node$i.json"); done; wait
  sleep 2
  local ok=$(( $(served /api/v1/customer/tokens/consume "${nodes[@]}") - before ))
  local held
  held=$("$JAVA" -cp "$TOOL_CP" bench/BenchTool.java exactness "$JDBC" "$WALLET" "$APP" $marks)
  jq -s -c --argjson x "$held" --argjson ok "$ok" --argjson n "$n" '{nodes: $n, rps: (map(.rps) | add), p50_ms: (map(.p50_ms) | max),
      p99_ms: (map(.p99_ms) | max), non_2xx: (map(.non_2xx) | add), socket_errors: (map(.socket_errors) | add), server_200: $ok,
      exactness: ($x + {exact: ($x.usage_rows_ok == $ok and $x.credits_in_usage == $ok and $x.credits_debited == $ok
        and $x.transfers_not_matching_their_calls == 0 and $x.paid_calls_without_transfer == 0)})}' "${files[@]}"
}

latency() { # node label → the no-op at 1 and at $CONNECTIONS connections
  run_wrk "$1" app "$CONNECTIONS" "$WARMUP" > /dev/null
  local one many
  one=$(run_wrk "$1" app 1 "$DURATION")
  many=$(run_wrk "$1" app "$CONNECTIONS" "$DURATION")
  jq -n -c --argjson one "$one" --argjson many "$many" --arg name "$2" '{name: $name, one_connection: $one, many_connections: $many}'
}

echo "== Redis on port $REDIS_PORT"
redis-server --port $REDIS_PORT --bind 127.0.0.1 --save '' --appendonly no > "$OUT/redis.log" 2>&1 &
REDIS_PID=$!

echo "== one node, no Redis: seeding"
start_node 0 false single
ORG=$(admin POST /api/admin/organizations '{"name":"Cluster bench"}' | jq -r .data.id)
APP=$(admin POST /api/external-apps "{\"organization_id\":\"$ORG\",\"name\":\"Cluster\",\"app_type\":\"api\",\"status\":\"active\"}" | jq -r .data.id)
KEY=$(admin POST /api/external-apps/$APP/api-keys '{"name":"bench","rate_limit":10000000}' | jq -r .data.key)
WALLET=$(admin GET /api/admin/organizations/$ORG/wallet | jq -r .data.id)
admin POST /api/admin/wallets/$WALLET/grants '{"amount":1000000000,"reason":"bench"}' > /dev/null
# Seed 001: tokens are consumed only for a catalog app the organization activated.
admin POST /api/admin/catalog-apps '{"id":"bench-001","name":"Bench","category":"bench","token_cost":1,"widget_url":"http://127.0.0.1:9/bench"}' > /dev/null
curl -sf -X POST -H "Authorization: Bearer $KEY" -H "X-App-Id: $APP" -H 'Content-Type: application/json' -d '{}' \
  "http://localhost:${PORTS[0]}/api/v1/customer/apps/bench-001/activate" > /dev/null
export BENCH_KEY=$KEY BENCH_APP=$APP
run_wrk 0 consume "$CONNECTIONS" $((WARMUP * 2)) > /dev/null
NO_REDIS=$(latency 0 "one node, no Redis"); echo "$NO_REDIS"
ONE=$(spread 0); echo "$ONE"
stop_node 0

echo "== the same node with Redis, alone (so the difference is Redis, not two more JVMs)"
start_node 0 true redis
run_wrk 0 consume "$CONNECTIONS" $((WARMUP * 2)) > /dev/null
WITH_REDIS=$(latency 0 "one node, Redis ($BUCKETS)"); echo "$WITH_REDIS"
ONE_R=$(spread 0); echo "$ONE_R"

echo "== three nodes sharing Redis"
start_node 1 true redis
start_node 2 true redis
TWO=$(spread 0 1); echo "$TWO"
THREE=$(spread 0 1 2); echo "$THREE"

echo "== shared limit: one key limited to $LIMIT/hour, $((10 * LIMIT)) calls round-robin over three nodes"
LIMITED=$(admin POST /api/external-apps/$APP/api-keys "{\"name\":\"limited\",\"rate_limit\":$LIMIT}" | jq -r .data.key)
BASES="http://localhost:${PORTS[0]},http://localhost:${PORTS[1]},http://localhost:${PORTS[2]}"
ACCURACY=$("$JAVA" bench/ClusterTool.java accuracy "$BASES" "$LIMITED" "$APP" $((10 * LIMIT)) "$CONNECTIONS"); echo "$ACCURACY"

echo "== revocation through node 0, seen by nodes 1 and 2 ($REVOCATIONS revocations)"
REVOKE=$("$JAVA" bench/ClusterTool.java revocations "http://localhost:${PORTS[0]}" "http://localhost:${PORTS[1]},http://localhost:${PORTS[2]}" \
  "$TOKEN" "$APP" "$REVOCATIONS"); echo "$REVOKE"
LEDGER=$(admin GET /api/admin/ledger/check | jq -c .data)

jq -n --argjson nr "$NO_REDIS" --argjson wr "$WITH_REDIS" --argjson one "$ONE" --argjson oner "$ONE_R" --argjson two "$TWO" \
   --argjson three "$THREE" --argjson acc "$ACCURACY" --argjson rev "$REVOKE" --argjson ledger "$LEDGER" --arg limit "$LIMIT" \
   --arg buckets "$BUCKETS" --arg conns "$CONNECTIONS" --arg duration "$DURATION" \
   '{machine: {cores: '"$(nproc)"'}, redis_buckets: $buckets, connections: ($conns|tonumber), duration_s: ($duration|tonumber),
     latency: {no_redis: $nr, redis: $wr,
       added_p50_ms_one_connection: ($wr.one_connection.p50_ms - $nr.one_connection.p50_ms),
       added_p50_ms_many_connections: ($wr.many_connections.p50_ms - $nr.many_connections.p50_ms)},
     metered: {one_node_no_redis: $one, one_node_redis: $oner, two_nodes: $two, three_nodes: $three},
     accuracy: ($acc + {limit: ($limit|tonumber), error_percent: (((($acc.accepted - ($limit|tonumber)) | fabs) * 100) / ($limit|tonumber))}),
     revocation: $rev, ledger_check: $ledger}' > "$OUT/results.json"

check() { if jq -e "$2" "$OUT/results.json" > /dev/null; then echo "- [x] $1"; else echo "- [ ] $1 — MISSED"; fi; }
{
  echo "| metered call (tokens/consume), $CONNECTIONS connections in all | req/s | worst node p50 ms | worst node p99 ms | non-2xx | 200s counted by the nodes | exact |"
  echo "|---|---|---|---|---|---|---|"
  for row in "1 node, no Redis:one_node_no_redis" "1 node, Redis:one_node_redis" "2 nodes, Redis:two_nodes" "3 nodes, Redis:three_nodes"; do
    jq -r --arg name "${row%:*}" ".metered.${row##*:} | \"| \(\$name) | \(.rps|floor) | \(.p50_ms) | \(.p99_ms) | \(.non_2xx) | \(.server_200) | \(.exactness.exact) |\"" "$OUT/results.json"
  done
  echo
  echo "| no-op GET /api/v1/app | 1 connection p50 ms | 1 connection p99 ms | $CONNECTIONS connections req/s | p50 ms | p99 ms |"
  echo "|---|---|---|---|---|---|"
  for row in "without Redis:no_redis" "with Redis:redis"; do
    jq -r --arg name "${row%:*}" ".latency.${row##*:} | \"| \(\$name) | \(.one_connection.p50_ms) | \(.one_connection.p99_ms) | \(.many_connections.rps|floor) | \(.many_connections.p50_ms) | \(.many_connections.p99_ms) |\"" "$OUT/results.json"
  done
  echo
  jq -r '"Redis buckets: \(.redis_buckets); added p50: \(.latency.added_p50_ms_one_connection) ms at 1 connection, \(.latency.added_p50_ms_many_connections) ms at \(.connections)"' "$OUT/results.json"
  jq -r '"shared limit: \(.accuracy)"' "$OUT/results.json"
  jq -r '"revocation: \(.revocation)"' "$OUT/results.json"
  jq -r '"ledger check: \(.ledger_check.ok)"' "$OUT/results.json"
  echo
  echo "Targets (issue 17):"
  check "shared limit within 1 % of N over three nodes" '.accuracy.error_percent <= 1 and .accuracy.other == 0'
  check "Redis adds ≤ 0.5 ms at p50" '.latency.added_p50_ms_one_connection <= 0.5'
  check "revocation on every node within 1 s (p99)" '.revocation.p99_ms <= 1000'
  check "every metered run exact; ledger invariants hold" '([.metered[]] | all(.exactness.exact)) and .ledger_check.ok'
  check "zero errors in the metered runs" '[.metered[]] | all(.non_2xx == 0 and .socket_errors == 0)'
} | tee "$OUT/results.md"
echo "results in $OUT"
