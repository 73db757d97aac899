#!/usr/bin/env bash
# nginx inside cella serving a static file: curl fetches it and a missing
# one from the host, then ab makes 2,000 requests over 4 connections.
source "$(dirname "$0")/common.sh"
need /usr/sbin/nginx curl ab
port=$(free_port)
# The port is in nginx's configuration, so this test runs in its own copy
# of the instance.
instance="$scratch/instance"
cp -a "$INSTANCE" "$instance"
sed "s/PORT/$port/" "$instance/image/etc/nginx/cella.conf.in" >"$instance/image/etc/nginx/cella.conf"
"$CELLA" build -C "$instance" >/dev/null || fail "cella build"
start_in_cella nginx "$instance" /usr/sbin/nginx -p /tmp/ -c /etc/nginx/cella.conf
server=$last_pid
url="http://127.0.0.1:$port"
wait_until "$server" curl -sf -o /dev/null "$url/index.html"

code=$(curl -s -o "$scratch/body" -w '%{http_code}' "$url/index.html") || fail "curl failed"
[ "$code" = 200 ] || fail "GET /index.html: status $code"
cmp -s "$scratch/body" "$INSTANCE/image/srv/www/index.html" || fail "GET /index.html: the body differs from the file"
code=$(curl -s -o /dev/null -w '%{http_code}' "$url/missing.html") || fail "curl failed"
[ "$code" = 404 ] || fail "GET /missing.html: status $code, want 404"
grep -q 'open() "/srv/www/missing.html" failed (2: No such file or directory)' "$scratch/nginx.log" ||
  fail "nginx logged no ENOENT for the missing file"

ab -q -n 2000 -c 4 "$url/index.html" >"$scratch/ab.log" 2>&1 || fail "ab failed"
grep -Eq '^Complete requests: +2000$' "$scratch/ab.log" || fail "ab: not 2000 complete requests"
grep -Eq '^Failed requests: +0$' "$scratch/ab.log" || fail "ab: failed requests"
grep -Eq '^Non-2xx responses' "$scratch/ab.log" && fail "ab: non-2xx responses"

kill -0 "$server" 2>/dev/null || fail "nginx exited"
echo "nginx ok"
