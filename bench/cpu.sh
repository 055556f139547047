# Sourced by the bench scripts: CPU a set of processes used, from /proc (ticks of 1/100 s, user + system).
# CPU per call does not depend on how much of a shared machine a run happened to get.
cpu_ticks() { # CPU ticks used so far by these processes
  local total=0
  for pid in "$@"; do
    [ -r "/proc/$pid/stat" ] && total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  echo "$total"
}
