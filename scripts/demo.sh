#!/usr/bin/env bash
# `make run`: creates a demo instance with Debian's echo, ls and cat and
# runs them inside cella.
set -eu
cella="$1"
demo="${2:-build/demo}"
rm -rf "$demo"
"$cella" new "$demo"
"$cella" add -C "$demo" /bin/echo /bin/ls /bin/cat
"$cella" build -C "$demo"
set -x
"$cella" run -C "$demo" /bin/echo hello world
"$cella" run -C "$demo" /bin/ls -l /bin
"$cella" run -C "$demo" /bin/cat /etc/hostname
