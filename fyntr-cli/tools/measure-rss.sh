#!/usr/bin/env bash
# Measures the proxy's resident memory idle and under load (docs/cli.md, "Memory").
#   fyntr-cli/tools/measure-rss.sh "<JVM flags>" [clients] [seconds]
# Starts the packaged command on 127.0.0.1:47100 on the module path, reads VmRSS 3 s after it listens, then runs
# RssLoad.java (32 clients for 15 s by default) against a local TLS server on 127.0.0.1:47101.
# To measure the jlink image instead (docs/install.md#a-jlink-image):
#   FYNTR_RSS_JAVA=fyntr-dist/target/image/bin/java FYNTR_RSS_MODULES=fyntr-dist/target/image/app \
#       fyntr-cli/tools/measure-rss.sh "-XX:+UseSerialGC -Xss256k -XX:TieredStopAtLevel=1 -Xms8m -Xmx64m"
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
target="$here/../target"
flags="${1-}"; clients="${2:-32}"; seconds="${3:-15}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
keytool -genkeypair -alias load -keyalg EC -groupname secp256r1 -validity 2 -dname CN=127.0.0.1 \
    -ext SAN=ip:127.0.0.1 -storetype PKCS12 -keystore "$work/ks.p12" -storepass changeit -keypass changeit \
    >/dev/null 2>&1
# shellcheck disable=SC2086
"${FYNTR_RSS_JAVA:-java}" $flags -p "${FYNTR_RSS_MODULES:-$target/lib:$target/fyntr-cli.jar}" -m dev.fyntr.cli --port 47100 --allow-port 47101 \
    --allow-cidr 127.0.0.1/32 --log-level warn >"$work/proxy.log" 2>&1 &
pid=$!
for _ in $(seq 1 150); do (exec 3<>/dev/tcp/127.0.0.1/47100) 2>/dev/null && break; sleep 0.2; done
sleep 3
idle=$(awk '/VmRSS/{print $2}' "/proc/$pid/status")
load=$(java -XX:+UseSerialGC "$here/RssLoad.java" 47100 "$pid" "$clients" "$seconds" 47101 "$work/ks.p12")
kill -TERM "$pid"; wait "$pid" && rc=0 || rc=$?
echo "flags='$flags' idle VmRSS ${idle} KiB; $load; exit $rc"
