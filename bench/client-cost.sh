#!/usr/bin/env bash
# The upstream HTTP client's own CPU per call (bench/ClientCost.java): the JDK HttpClient as the gateway's engine uses it,
# and Apache HttpClient 5 classic for comparison, each with 64 threads against bench/Upstream.java.
# Usage: bench/client-cost.sh [SECONDS] [THREADS]   (jars from the local Maven repository; ./mvnw dependency:get fetches them)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_=${1:-15}; THREADS=${2:-64}; PORT=${BENCH_UPSTREAM_PORT:-18299}
if [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
M2=${M2_REPO:-$HOME/.m2/repository}
CP=$M2/org/apache/httpcomponents/client5/httpclient5/5.6.5/httpclient5-5.6.5.jar:$M2/org/apache/httpcomponents/core5/httpcore5/5.4.4/httpcore5-5.4.4.jar:$M2/org/apache/httpcomponents/core5/httpcore5-h2/5.4.4/httpcore5-h2-5.4.4.jar:$M2/org/slf4j/slf4j-api/2.0.17/slf4j-api-2.0.17.jar
for jar in ${CP//:/ }; do [ -f "$jar" ] || { echo "missing $jar" >&2; exit 1; }; done
"$JAVA" bench/Upstream.java "$PORT" > /dev/null 2>&1 &
UPSTREAM=$!
trap 'kill $UPSTREAM 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -sf -o /dev/null -X POST "http://127.0.0.1:$PORT/v1/run" && break; sleep 1; done
for client in jdk apache; do "$JAVA" -Xmx256m -cp "$CP" bench/ClientCost.java "$client" "$PORT" "$THREADS" "$SECONDS_"; done
