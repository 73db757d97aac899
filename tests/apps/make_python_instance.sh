#!/usr/bin/env bash
# An instance with Debian's python3 and its standard library, and the
# Python test scripts in /root.
set -eu
cella="$1"
instance="$2"
scripts="$3"
rm -rf "$instance"
"$cella" new "$instance" >/dev/null
"$cella" add -C "$instance" /usr/bin/python3 /usr/lib/python3.11 >/dev/null
# Programs the subprocess tests start (Debian's /bin/sh is dash).
"$cella" add -C "$instance" --to /bin /bin/dash /bin/echo /bin/cat /usr/bin/tr /bin/cp >/dev/null
# The sqlite3 command line, which files.py runs against its own connection.
"$cella" add -C "$instance" /usr/bin/sqlite3 >/dev/null
ln -sf dash "$instance/image/bin/sh"
cp "$scripts"/*.py "$instance/image/root/"
"$cella" build -C "$instance" >/dev/null
echo "python instance ready: $instance"
