#!/usr/bin/env bash
# `cella run` when the host refuses the LibOS's service thread: one line
# that says so, and exit status 71, not a LibOS panic. The limit is a
# process limit of 1 for an unprivileged user (root ignores RLIMIT_NPROC),
# so the service thread is the clone that fails.
# Usage: thread_limit.sh CELLA PROGRAM
set -u
cella="$1"
program="$2"
if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null; then
  echo "skipped: needs root and setpriv to run as another user"
  exit 0
fi
work=$(mktemp -d /tmp/cella-thread-limit-XXXXXX)
trap 'rm -rf "$work"' EXIT
"$cella" new "$work/app" >/dev/null && "$cella" add -C "$work/app" --to /bin "$program" >/dev/null &&
  chmod -R a+rX "$work/app" && "$cella" build -C "$work/app" >/dev/null || { echo "FAIL: cannot make the instance"; exit 1; }
mkdir -p "$work/app/run"
chmod 755 "$work" && chmod 777 "$work/app" "$work/app/run"
uid=$(id -u nobody 2>/dev/null || echo 65534)
for limit in 1 64; do
  setpriv --reuid="$uid" --regid="$uid" --clear-groups bash -c \
    "ulimit -u $limit; exec '$cella' run -C '$work/app' /bin/$(basename "$program")" >"$work/out" 2>"$work/err"
  status=$?
  if [ "$limit" -eq 64 ]; then
    [ "$status" -eq 0 ] || { echo "FAIL: exit $status with room for threads"; cat "$work/err"; exit 1; }
    continue
  fi
  lines=$(wc -l <"$work/err")
  if [ "$status" -ne 71 ] || [ "$lines" -ne 1 ] || ! grep -q "refused the LibOS service thread" "$work/err" ||
    grep -q panic "$work/err"; then
    echo "FAIL: exit $status, stderr:"; cat "$work/err"; exit 1
  fi
done
echo "ok: $(cat "$work/err")"
