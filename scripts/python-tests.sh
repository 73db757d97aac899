#!/usr/bin/env bash
# CPython's own regression tests (Debian's libpython3.11-testsuite), one
# module per run, natively and inside cella, with the totals side by side.
# Usage: scripts/python-tests.sh CELLA WORKDIR [MODULE...]
# Not part of `make test`: the whole list takes a long time.
set -u
cella=$(realpath "$1")
work=$(realpath -m "$2")
shift 2
modules=("$@")
[ ${#modules[@]} -eq 0 ] && modules=(test_os test_posix test_fcntl test_mmap test_shutil test_tempfile test_io
  test_fileio test_pathlib test_glob test_stat test_signal test_time test_threading)
limit="${PYTHON_TEST_TIMEOUT:-1800}"  # seconds per module and side
# More options for regrtest on both sides, e.g. "-u network" for the
# socket modules (read without glob expansion, so "-i *VSOCK*" stays).
read -r -a extra <<<"${PYTHON_TEST_ARGS:-}"
if [ ! -d /usr/lib/python3.11/test ]; then
  echo "python-tests: /usr/lib/python3.11/test is missing (install libpython3.11-testsuite)" >&2
  exit 2
fi
mkdir -p "$work/logs"
instance="$work/instance"
if [ ! -f "$instance/cella.json" ] || [ "$(cat "$work/instance.stamp" 2>/dev/null)" != "$(stat -c %Y "$cella")" ]; then
  rm -rf "$instance"
  "$cella" new "$instance" >/dev/null
  # Room as a user would give Python: glibc reserves 64 MiB of address
  # space per thread arena, and test_mmap maps files past 4 GiB.
  /usr/bin/python3 - "$instance/cella.json" <<'EDIT'
import json, sys
path = sys.argv[1]
config = json.load(open(path))
config["resource_limits"]["user_space_size"] = "8GB"
config["resource_limits"]["max_num_of_threads"] = 256
json.dump(config, open(path, "w"), indent=4)
EDIT
  # The standard library with its test package, and what the tests start.
  "$cella" add -C "$instance" /usr/bin/python3 /usr/bin/python3.11 /usr/lib/python3.11 >/dev/null
  "$cella" add -C "$instance" --to /bin /bin/dash /bin/echo /bin/cat /bin/true /bin/false /bin/ls /bin/sleep \
    /usr/bin/tr /usr/bin/env /usr/bin/id >/dev/null
  # What test_shutil compares its archives with, and the C.UTF-8 locale
  # the default LANG names (without it Python falls back to UTF-8 mode).
  for tool in /usr/bin/tar /usr/bin/zip /usr/bin/unzip; do
    [ -x "$tool" ] && "$cella" add -C "$instance" "$tool" >/dev/null
  done
  [ -d /usr/lib/locale/C.utf8 ] && "$cella" add -C "$instance" /usr/lib/locale/C.utf8 >/dev/null
  ln -sf dash "$instance/image/bin/sh"
  "$cella" build -C "$instance" >/dev/null
  stat -c %Y "$cella" >"$work/instance.stamp"
fi

# "ran failures errors skipped" from a `python -m test -v` log; "- - - -"
# when the run did not get as far as unittest's summary.
summarize() {
  local log="$1" ran failures errors skipped result
  ran=$(grep -aE '^Ran [0-9]+ tests? in' "$log" | tail -1 | awk '{print $2}')
  [ -z "$ran" ] && { echo "- - - -"; return; }
  result=$(grep -aE '^(OK|FAILED)( \(.*\))?$' "$log" | tail -1)
  failures=$(echo "$result" | grep -oE 'failures=[0-9]+' | cut -d= -f2)
  errors=$(echo "$result" | grep -oE 'errors=[0-9]+' | cut -d= -f2)
  skipped=$(echo "$result" | grep -oE 'skipped=[0-9]+' | cut -d= -f2)
  echo "$ran ${failures:-0} ${errors:-0} ${skipped:-0}"
}

printf '%-16s | %-30s | %-30s\n' module "native: ran fail err skip" "cella: ran fail err skip"
totals=(0 0 0 0 0 0 0 0)
for module in "${modules[@]}"; do
  native_log="$work/logs/$module.native.log"
  cella_log="$work/logs/$module.cella.log"
  (cd /tmp && timeout "$limit" /usr/bin/python3.11 -m test -v "${extra[@]}" "$module" >"$native_log" 2>&1)
  timeout "$limit" "$cella" run -C "$instance" /usr/bin/python3 -m test -v "${extra[@]}" "$module" >"$cella_log" 2>&1
  echo "exit status $?" >>"$cella_log"
  read -r n1 n2 n3 n4 <<<"$(summarize "$native_log")"
  read -r c1 c2 c3 c4 <<<"$(summarize "$cella_log")"
  printf '%-16s | %6s %6s %6s %6s          | %6s %6s %6s %6s\n' "$module" "$n1" "$n2" "$n3" "$n4" "$c1" "$c2" "$c3" "$c4"
  i=0
  for v in "$n1" "$n2" "$n3" "$n4" "$c1" "$c2" "$c3" "$c4"; do
    [[ "$v" =~ ^[0-9]+$ ]] && totals[$i]=$((totals[i] + v))
    i=$((i + 1))
  done
done
printf '%-16s | %6s %6s %6s %6s          | %6s %6s %6s %6s\n' total "${totals[@]}"
echo "logs: $work/logs"
