#!/usr/bin/env bash
# An instance with Debian's busybox as /bin/sh (and as the few programs the
# shell test runs), forking sequentially, and the shell scripts in /root.
set -eu
cella="$1"
instance="$2"
scripts="$3"
rm -rf "$instance"
"$cella" new "$instance" >/dev/null
"$cella" add -C "$instance" --to /bin /bin/busybox >/dev/null
for applet in sh cat sort wc tr sed seq tail sleep grep rm; do
  ln -sf busybox "$instance/image/bin/$applet"
done
# busybox's ash forks for every pipeline stage, subshell and command.
sed -i -E 's/("fork": *)"unsupported"/\1"sequential"/' "$instance/cella.json"
grep -q '"fork": "sequential"' "$instance/cella.json"
cp "$scripts"/*.sh "$instance/image/root/"
"$cella" build -C "$instance" >/dev/null
echo "busybox instance ready: $instance"
