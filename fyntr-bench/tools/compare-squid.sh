#!/usr/bin/env bash
# Runs the load tool against squid on 127.0.0.1:3128 for the README's comparison column.
#   fyntr-bench/tools/compare-squid.sh [LoadTool options, default: all --repeat 3 --tunnels 1000]
# Needs squid on the PATH (Debian: apt-get install squid) and fyntr-bench/target/benchmarks.jar
# (./mvnw -q -pl fyntr-bench -am package -DskipTests). Squid gets a minimal config in a temporary directory:
# loopback clients only, no cache, CONNECT to any port (the tool's echo and sink ports are random).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
jar="$root/fyntr-bench/target/benchmarks.jar"
command -v squid >/dev/null || { echo "compare-squid: squid is not installed" >&2; exit 1; }
[[ -f "$jar" ]] || { echo "compare-squid: build $jar first" >&2; exit 1; }
work="$(mktemp -d)"
cat >"$work/squid.conf" <<CONF
http_port 127.0.0.1:3128
http_access allow localhost
http_access deny all
cache deny all
cache_mem 8 MB
access_log none
cache_log $work/cache.log
pid_filename $work/squid.pid
coredump_dir $work
workers 1
CONF
squid -f "$work/squid.conf" -N >"$work/out.log" 2>&1 &
squid_pid=$!
trap 'kill "$squid_pid" 2>/dev/null; wait "$squid_pid" 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/3128) 2>/dev/null && break; sleep 0.1; done
if [[ $# -eq 0 ]]; then set -- all --repeat 3 --tunnels 1000; fi
java -cp "$jar" dev.fyntr.bench.load.LoadTool "$@" --proxy 127.0.0.1:3128 --proxy-pid "$squid_pid"
