#!/usr/bin/env bash
# redis-server inside cella; redis-cli round trips and redis-benchmark from
# the host, then redis-cli inside cella against it.
source "$(dirname "$0")/common.sh"
need /usr/bin/redis-server redis-cli redis-benchmark
port=$(free_port)
start_in_cella redis "$INSTANCE" /usr/bin/redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no
server=$last_pid
cli() { redis-cli -p "$port" "$@"; }
wait_until "$server" sh -c "redis-cli -p $port ping | grep -q PONG"

expect() {
  local want="$1"
  shift
  local got
  got=$(cli "$@") || fail "redis-cli $* failed"
  [ "$got" = "$want" ] || fail "redis-cli $*: got '$got', want '$want'"
}
expect OK set greeting hello
expect hello get greeting
expect 1 incr counter
expect 2 incr counter
expect 3 lpush list a b c
expect "$(printf 'c\nb\na')" lrange list 0 -1
# A 1 MB value: many socket reads on both sides.
head -c 750000 /dev/urandom | base64 -w0 >"$scratch/big"
cli -x set big <"$scratch/big" | grep -q OK || fail "set of a 1 MB value"
expect 1000000 strlen big
cli --raw get big | head -c 1000000 | cmp -s - "$scratch/big" || fail "the 1 MB value came back different"

# A client inside cella too, in a second `cella run` of the instance.
got=$("$CELLA" run -C "$INSTANCE" -- /usr/bin/redis-cli -p "$port" get greeting 2>&1) || fail "redis-cli inside cella: $got"
[ "$got" = hello ] || fail "redis-cli inside cella: got '$got'"

cli flushall >/dev/null
redis-benchmark -p "$port" -n 2000 -q -t set,get >"$scratch/benchmark.log" 2>&1 || fail "redis-benchmark failed"
grep -q "^GET: " <(tr '\r' '\n' <"$scratch/benchmark.log") || fail "redis-benchmark printed no GET figure"
# Without -r every request uses one key.
expect 1 dbsize

cli shutdown nosave >/dev/null 2>&1
for _ in $(seq 50); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
kill -0 "$server" 2>/dev/null && fail "redis-server did not exit on SHUTDOWN"
wait "$server"
status=$?
[ "$status" -eq 0 ] || fail "cella run of redis-server exited with $status"
echo "redis ok"
