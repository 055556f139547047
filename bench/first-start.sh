#!/usr/bin/env bash
# The first start a new user makes: a fresh clone (no target/, no data/), a warm Maven cache, the
# README's run command, timed until /actuator/health answers, with where the time went. Target: 45 s
# on the 2-core development machine.
#
#   bench/first-start.sh                  # this checkout's HEAD
#   bench/first-start.sh --runs 3         # several runs, one after another
#   COMMIT=c218924 RUN_COMMAND="./mvnw -B -ntp spring-boot:run" bench/first-start.sh   # an older commit, its command
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=1
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
RUN_COMMAND=${RUN_COMMAND:-./mvnw -B -ntp spring-boot:run -Dmaven.test.skip}
if [ -z "${JAVA_HOME:-}" ] && [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
[ -n "${JAVA_HOME:-}" ] && export PATH="$JAVA_HOME/bin:$PATH"
WORK=$(mktemp -d /tmp/tollgate-first-start.XXXXXX)
SERVER=""
stop() { if [ -n "$SERVER" ]; then kill -TERM -- "-$SERVER" 2>/dev/null || true; sleep 3; kill -KILL -- "-$SERVER" 2>/dev/null || true; SERVER=""; fi; }
trap 'stop; rm -rf "$WORK"' EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
PHASES=("compiler:.*:compile|compile started" "Starting TollgateApplication|application started"
        "Embedded PostgreSQL running|PostgreSQL ready" "Successfully applied|migrations applied" "Started TollgateApplication|Spring started")

for run in $(seq 1 "$RUNS"); do
  rm -rf "$WORK/clone"
  git clone -q "$PWD" "$WORK/clone"
  git -C "$WORK/clone" checkout -q "${COMMIT:-HEAD}"
  LOG="$WORK/run-$run.log"
  declare -A SEEN=()
  START=$(date +%s.%N)
  # setsid: the run gets a session of its own (Maven, the forked application, PostgreSQL), stopped as one.
  (cd "$WORK/clone" && SERVER_PORT=$PORT exec setsid $RUN_COMMAND > "$LOG" 2>&1) &
  SERVER=$!
  while ! curl -sf "http://localhost:$PORT/actuator/health" > /dev/null 2>&1; do
    kill -0 "$SERVER" 2>/dev/null || { echo "the run ended without starting; see the log:" >&2; tail -30 "$LOG" >&2; exit 1; }
    for phase in "${PHASES[@]}"; do
      pattern=${phase%%|*}
      if [ -z "${SEEN[$pattern]:-}" ] && grep -qE "$pattern" "$LOG"; then SEEN[$pattern]=$(echo "$(date +%s.%N) - $START" | bc); fi
    done
    sleep 0.2
  done
  END=$(date +%s.%N)
  printf 'run %d: health answered after %.1f s (load average %s)\n' "$run" "$(echo "$END - $START" | bc)" "$(cut -d' ' -f1 /proc/loadavg)"
  for phase in "${PHASES[@]}"; do
    printf '  %-20s %s\n' "${phase#*|}" "${SEEN[${phase%%|*}]:-(seen with the next phase)}"
  done
  stop
  unset SEEN
done
