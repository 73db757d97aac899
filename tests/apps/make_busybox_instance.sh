#!/usr/bin/env bash
# An instance with Debian's busybox as /bin/sh (and as the few programs the
# shell tests run), forking sequentially, Debian's sqlite3, GNU tar and
# gzip and coreutils' cp, and the shell scripts (and their data) in /root.
set -eu
cella="$1"
instance="$2"
scripts="$3"
rm -rf "$instance"
"$cella" new "$instance" >/dev/null
"$cella" add -C "$instance" --to /bin /bin/busybox >/dev/null
for applet in sh cat sort wc tr sed seq tail sleep grep rm mkdir cmp diff find stat readlink chmod ln touch \
  printf md5sum; do
  ln -sf busybox "$instance/image/bin/$applet"
done
# The programs the sqlite3 and archive scripts run.
"$cella" add -C "$instance" /usr/bin/sqlite3 /bin/tar /bin/gzip /bin/cp >/dev/null
# busybox's ash forks for every pipeline stage, subshell and command.
sed -i -E 's/("fork": *)"unsupported"/\1"sequential"/' "$instance/cella.json"
grep -q '"fork": "sequential"' "$instance/cella.json"
cp "$scripts"/*.sh "$scripts"/*.sql "$scripts"/*.expected "$instance/image/root/"
"$cella" build -C "$instance" >/dev/null
echo "busybox instance ready: $instance"
