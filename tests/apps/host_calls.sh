#!/usr/bin/env bash
# Runs `cella run -C $INSTANCE ARGS...` under strace and checks that the
# whole run made at most MAX host calls of SYSCALL: host_calls.sh SYSCALL
# MAX ARGS... Skips (77) when strace is missing or cannot trace here.
set -u
syscall="$1"
max="$2"
shift 2
command -v strace >/dev/null || { echo "SKIP: strace is not installed"; exit 77; }
strace -f -o /dev/null true 2>/dev/null || { echo "SKIP: strace cannot trace here"; exit 77; }
summary=$(mktemp)
trap 'rm -f "$summary"' EXIT
strace -f -c -o "$summary" -e trace="$syscall" "$CELLA" run -C "$INSTANCE" "$@" </dev/null || {
  echo "FAIL: cella run exited with $?"
  exit 1
}
calls=$(awk -v name="$syscall" '$NF == name { print $4 }' "$summary")
calls=${calls:-0}
echo "$syscall: $calls host calls (at most $max)"
[ "$calls" -le "$max" ] || { echo "FAIL: $calls host calls of $syscall, more than $max"; cat "$summary"; exit 1; }
