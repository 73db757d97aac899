#!/usr/bin/env bash
# Installs the Debian 12 packages cella needs to build and test, only those
# missing. Needs root (or sudo) when something is missing.
set -eu
packages=(
  build-essential cmake pkg-config
  libcli11-dev nlohmann-json3-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  musl-tools musl-dev binutils python3.11 libpython3.11-testsuite
  coreutils busybox util-linux sqlite3 tar gzip
  # The networking acceptance tests and bench/net: servers, their clients,
  # and strace, which counts host calls.
  python3 redis-server redis-tools nginx-light iperf3 wrk apache2-utils curl strace
)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
