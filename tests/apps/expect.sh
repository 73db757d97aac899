#!/usr/bin/env bash
# Runs `cella run -C $INSTANCE ARGS...` and checks the outcome.
#   --exit N            expected exit status (default 0)
#   --stdout REGEX      a line of stdout must match (grep -E), repeatable
#   --stderr REGEX      a line of stderr must match, repeatable
#   --stderr-once REGEX exactly one line of stderr must match, repeatable
#   --env NAME=VALUE    set in cella's environment
#   --config-edit K=V   run in a copy of the instance whose cella.json has key K set to raw JSON V
#   --config-sed EXPR   run in a copy of the instance whose cella.json is edited by sed -E EXPR
#   --host-signal S:MS  send signal S (a name) to `cella run` MS milliseconds after it starts
#   --no-interp FILE    instead: FILE must be an ELF with no PT_INTERP
set -u
expected_exit=0
stdout_patterns=()
stderr_patterns=()
stderr_once=()
envs=()
config_edit=""
config_sed=""
host_signal=""
while [ $# -gt 0 ]; do
  case "$1" in
    --exit) expected_exit="$2"; shift 2 ;;
    --stdout) stdout_patterns+=("$2"); shift 2 ;;
    --stderr) stderr_patterns+=("$2"); shift 2 ;;
    --stderr-once) stderr_once+=("$2"); shift 2 ;;
    --env) envs+=("$2"); shift 2 ;;
    --config-edit) config_edit="$2"; shift 2 ;;
    --config-sed) config_sed="$2"; shift 2 ;;
    --host-signal) host_signal="$2"; shift 2 ;;
    --no-interp)
      if readelf -lW "$2" | grep -q INTERP; then echo "FAIL: $2 has a PT_INTERP"; exit 1; fi
      if ! readelf -hW "$2" | grep -q "DYN"; then echo "FAIL: $2 is not position-independent"; exit 1; fi
      echo "ok: $2 is a static-pie"; exit 0 ;;
    --) shift; break ;;
    *) echo "expect.sh: unknown option $1"; exit 2 ;;
  esac
done

instance="$INSTANCE"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
if [ -n "$config_edit$config_sed" ]; then
  cp -a "$INSTANCE" "$scratch/instance"
  instance="$scratch/instance"
  if [ -n "$config_edit" ]; then
    key="${config_edit%%=*}"
    value="${config_edit#*=}"
    sed -i -E "s/(\"$key\": *)[^,}]*/\1$value/" "$instance/cella.json"
  fi
  [ -z "$config_sed" ] || sed -i -E "$config_sed" "$instance/cella.json"
fi

if [ -n "$host_signal" ]; then
  env "${envs[@]}" "$CELLA" run -C "$instance" "$@" >"$scratch/out" 2>"$scratch/err" </dev/null &
  pid=$!
  sleep "$(awk "BEGIN { print ${host_signal#*:} / 1000 }")"
  kill -s "${host_signal%%:*}" "$pid"
  wait "$pid"
  status=$?
else
  env "${envs[@]}" "$CELLA" run -C "$instance" "$@" >"$scratch/out" 2>"$scratch/err" </dev/null
  status=$?
fi
failed=0
if [ "$status" -ne "$expected_exit" ]; then
  echo "FAIL: exit status $status, expected $expected_exit"
  failed=1
fi
for pattern in "${stdout_patterns[@]}"; do
  grep -Eq -- "$pattern" "$scratch/out" || { echo "FAIL: no stdout line matches: $pattern"; failed=1; }
done
for pattern in "${stderr_patterns[@]}"; do
  grep -Eq -- "$pattern" "$scratch/err" || { echo "FAIL: no stderr line matches: $pattern"; failed=1; }
done
for pattern in "${stderr_once[@]}"; do
  count=$(grep -Ec -- "$pattern" "$scratch/err")
  [ "$count" -eq 1 ] || { echo "FAIL: $count stderr lines match (want exactly 1): $pattern"; failed=1; }
done
if [ "$failed" -ne 0 ]; then
  echo "--- command: cella run $*"
  echo "--- stdout:"; head -c 4000 "$scratch/out"
  echo "--- stderr:"; head -c 4000 "$scratch/err"
  exit 1
fi
echo "ok: cella run $* (exit $status)"
