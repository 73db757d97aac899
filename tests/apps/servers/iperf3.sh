#!/usr/bin/env bash
# iperf3 over loopback for 2 s: with "server", the server inside cella and
# the client native; with "client", the reverse. --forceflush: the server
# says it listens while its stdout is a file.
source "$(dirname "$0")/common.sh"
need /usr/bin/iperf3
mode="${1:-server}"
port=$(free_port)
# The last "receiver" line holds the whole run's bitrate.
check_report() {
  grep -Eq 'receiver$' "$1" || fail "iperf3 printed no receiver summary"
  grep -E 'receiver$' "$1" | tail -1 | grep -Eq ' [0-9.]+ [KMG]bits/sec' || fail "iperf3 printed no bitrate"
  grep -iq 'error' "$1" && fail "iperf3 reported an error"
  return 0
}
if [ "$mode" = server ]; then
  start_in_cella iperf3-server "$INSTANCE" /usr/bin/iperf3 -s -1 --forceflush -p "$port" -B 127.0.0.1
  server=$last_pid
  wait_until "$server" grep -q "Server listening on $port" "$scratch/iperf3-server.log"
  timeout 20 iperf3 -c 127.0.0.1 -p "$port" -t 2 >"$scratch/iperf3-client.log" 2>&1 || fail "the native iperf3 client failed"
  check_report "$scratch/iperf3-client.log"
  # -1: the server exits after one client.
  for _ in $(seq 50); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
  wait "$server" || fail "iperf3 -s inside cella exited with $?"
  check_report "$scratch/iperf3-server.log"
else
  iperf3 -s -1 --forceflush -p "$port" -B 127.0.0.1 >"$scratch/iperf3-server.log" 2>&1 &
  server=$!
  started+=("$server")
  wait_until "$server" grep -q "Server listening on $port" "$scratch/iperf3-server.log"
  timeout 20 "$CELLA" run -C "$INSTANCE" -- /usr/bin/iperf3 -c 127.0.0.1 -p "$port" -t 2 \
    >"$scratch/iperf3-client.log" 2>&1 </dev/null || fail "iperf3 -c inside cella failed"
  check_report "$scratch/iperf3-client.log"
  wait "$server" || fail "the native iperf3 server exited with $?"
fi
echo "iperf3 $mode ok"
