#!/usr/bin/env bash
# Creates the instance the app tests share: the test programs of every
# build variant, Debian's echo/ls/cat, a #! script, and two bad executables.
set -eu
cella="$1"
instance="$2"
programs="$3"
rm -rf "$instance"
"$cella" new "$instance" >/dev/null
for variant in "$programs"/*/; do
  name=$(basename "$variant")
  mkdir -p "$instance/image/usr/local/bin/tests/$name"
  for program in "$variant"*; do
    case "$program" in *.o) continue ;; esac
    "$cella" add -C "$instance" --to "/usr/local/bin/tests/$name" "$program" >/dev/null
  done
done
"$cella" add -C "$instance" /bin/echo /bin/ls /bin/cat >/dev/null
# util-linux's ipcs, for the System V IPC tests; GNU sort, for sort_big.
"$cella" add -C "$instance" /usr/bin/ipcs /usr/bin/sort >/dev/null
tests="$instance/image/usr/local/bin/tests"
printf '#!/bin/echo from a script\n' >"$tests/script.sh"
chmod 755 "$tests/script.sh"
printf 'this is not an executable\n' >"$tests/not-elf"
chmod 755 "$tests/not-elf"
head -c 200 /bin/true >"$tests/truncated-elf"
chmod 755 "$tests/truncated-elf"
"$cella" build -C "$instance" >/dev/null
echo "instance ready: $instance"
