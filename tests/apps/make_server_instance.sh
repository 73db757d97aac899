#!/usr/bin/env bash
# An instance with the servers of the networking acceptance tests
# (redis-server, nginx, iperf3) and their clients, a static site for nginx
# in /srv/www, and an nginx configuration whose port each test fills in.
set -eu
cella="$1"
instance="$2"
rm -rf "$instance"
"$cella" new "$instance" >/dev/null
for program in /usr/bin/redis-server /usr/bin/redis-cli /usr/bin/redis-benchmark /usr/sbin/nginx /usr/bin/iperf3; do
  # A missing one is left out: its test skips.
  if [ -x "$program" ]; then "$cella" add -C "$instance" "$program" >/dev/null; fi
done
mkdir -p "$instance/image/srv/www" "$instance/image/etc/nginx"
# 64 KiB of text, more than one socket write.
head -c 49152 /dev/urandom | base64 >"$instance/image/srv/www/index.html"
# fork is sequential in cella, so nginx runs as one process (no master);
# every path it writes is under /tmp, a ramfs.
cat >"$instance/image/etc/nginx/cella.conf.in" <<'CONF'
master_process off;
daemon off;
worker_processes 1;
error_log stderr warn;
pid /tmp/nginx.pid;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path /tmp/nginx-body;
    proxy_temp_path /tmp/nginx-proxy;
    fastcgi_temp_path /tmp/nginx-fastcgi;
    uwsgi_temp_path /tmp/nginx-uwsgi;
    scgi_temp_path /tmp/nginx-scgi;
    server {
        listen 127.0.0.1:PORT;
        root /srv/www;
    }
}
CONF
"$cella" build -C "$instance" >/dev/null
echo "server instance ready: $instance"
