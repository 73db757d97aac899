# Shared by the server acceptance tests: free ports, starting a program
# inside cella in the background, waiting for it, and cleaning up every
# process a test started (by pid) however the test ends.
# The caller sets CELLA and INSTANCE.
set -u
scratch=$(mktemp -d)
started=()
cleanup() {
  for pid in "${started[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${started[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
  done
  rm -rf "$scratch"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*"
  for log in "$scratch"/*.log; do
    [ -s "$log" ] && { echo "--- $log"; tail -n 30 "$log"; }
  done
  exit 1
}

# Skips (ctest's SKIP_RETURN_CODE 77) when a host program is missing.
need() {
  for program in "$@"; do
    command -v "$program" >/dev/null || { echo "SKIP: $program is not installed"; exit 77; }
  done
}

# A port the host has free now: the kernel picks it for a bound socket.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Starts `cella run -C $instance ARGS...` in the background, output in
# $scratch/NAME.log; its pid in $last_pid.
start_in_cella() {
  local name="$1" instance="$2"
  shift 2
  "$CELLA" run -C "$instance" -- "$@" >"$scratch/$name.log" 2>&1 </dev/null &
  last_pid=$!
  started+=("$last_pid")
}

# Waits up to 10 s for COMMAND to succeed while process PID lives.
wait_until() {
  local pid="$1"
  shift
  for _ in $(seq 100); do
    "$@" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || fail "the server exited before it was ready"
    sleep 0.1
  done
  fail "not ready after 10 s: $*"
}
