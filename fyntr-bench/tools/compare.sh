#!/usr/bin/env bash
# Fyntr vs squid vs a direct connection, side by side in one run: the load tool's `all` against each proxy in
# turn, N times, then one Markdown table of medians with ratios to direct (docs/benchmarks.md, "compare.sh").
#
#   fyntr-bench/tools/compare.sh [--repeat N] [--scale F] [--out DIR] [--no-squid] [-- LOADTOOL_OPTIONS...]
#
#   --repeat N   runs per proxy (default 3); the order alternates between runs (fyntr first, then squid first)
#   --scale F    sizes × F (default 1: one 1 GiB upload, 16 × 128 MiB, 1,000 tunnels at once); 0.25 for a
#                quick look. At 1, three repeats take about 5-10 minutes on 2 cores.
#   --out DIR    where each run's JSON and the table go (default fyntr-bench/target/compare-YYYYmmdd-HHMMSS)
#   --no-squid   fyntr and direct only
#
# Fyntr runs as the load tool's forked proxy (dev.fyntr.bench.load.ProxyMain, the same FyntrProxy the CLI
# builds) with the JVM flags of the ./fyntr launcher (FYNTR_JAVA_OPTS if set, as for the launcher), so that
# its CPU time, system calls and memory can be read from /proc. Squid (/usr/sbin/squid or squid on the PATH;
# Debian: apt-get install squid) gets a minimal config on a free 127.0.0.1 port, one fresh process per run;
# without it the squid column is left out with a message. Every process started here is ended here.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=lib/squid.sh
source "$root/fyntr-bench/tools/lib/squid.sh"

repeat=3
scale=1
out=""
use_squid=1
extra=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --repeat) repeat="${2:?--repeat needs a value}"; shift 2 ;;
        --scale) scale="${2:?--scale needs a value}"; shift 2 ;;
        --out) out="${2:?--out needs a value}"; shift 2 ;;
        --no-squid) use_squid=0; shift ;;
        --) shift; extra=("$@"); break ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) echo "compare: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
[[ "$repeat" =~ ^[1-9][0-9]?$ ]] || { echo "compare: --repeat must be 1-99: $repeat" >&2; exit 2; }
awk -v s="$scale" 'BEGIN { exit !(s > 0 && s <= 4) }' </dev/null \
    || { echo "compare: --scale must be a number in (0, 4]: $scale" >&2; exit 2; }
bulk_mib="$(awk -v s="$scale" 'BEGIN { v = int(1024 * s + 0.5); print (v < 8 ? 8 : v) }')"
tunnels="$(awk -v s="$scale" 'BEGIN { v = int(1000 * s + 0.5); print (v < 10 ? 10 : (v > 2000 ? 2000 : v)) }')"

jar="$root/fyntr-bench/target/benchmarks.jar"
if [[ ! -f "$jar" ]]; then
    echo "compare: building $jar (./mvnw -q -pl fyntr-bench -am package -DskipTests) ..." >&2
    (cd "$root" && ./mvnw -q -B -pl fyntr-bench -am package -DskipTests) >&2
fi
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# The launcher's own default flags, read from ./fyntr so that the two cannot drift apart.
launcher_opts="$(sed -n 's/.*FYNTR_JAVA_OPTS:-\([^}]*\)}.*/\1/p' "$root/fyntr" | head -1)"
proxy_opts="${FYNTR_JAVA_OPTS:-$launcher_opts}"
[[ -n "$proxy_opts" ]] || { echo "compare: cannot read the JVM flags from $root/fyntr" >&2; exit 1; }

if [[ "$use_squid" == 1 && -z "$(squid_bin)" ]]; then
    echo "compare: squid is not installed (Debian: apt-get install squid); comparing fyntr and direct only" >&2
    use_squid=0
fi
out="${out:-$root/fyntr-bench/target/compare-$(date -u +%Y%m%d-%H%M%S)}"
mkdir -p "$out"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
trap 'squid_stop' EXIT

common=(all --repeat 1 --bulk-mib "$bulk_mib" --tunnels "$tunnels" "${extra[@]}")

run_fyntr() {
    "$java" "-Dfyntr.bench.proxyJvmOpts=$proxy_opts" -cp "$jar" dev.fyntr.bench.load.LoadTool "${common[@]}" \
        --fork --label fyntr --json "$out/fyntr-$1.json" >"$out/fyntr-$1.txt"
}

run_squid() {
    squid_start
    local rc=0
    "$java" -cp "$jar" dev.fyntr.bench.load.LoadTool "${common[@]}" --proxy "127.0.0.1:$squid_port" \
        --proxy-pid "$squid_pid" --label squid --json "$out/squid-$1.json" >"$out/squid-$1.txt" || rc=$?
    squid_stop
    return "$rc"
}

{
    echo "compare: $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'),"\
         "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "compare: $("$java" -version 2>&1 | head -1); fyntr JVM flags: $proxy_opts"
    [[ "$use_squid" == 1 ]] && echo "compare: $("$(squid_bin)" -v | head -1)"
    echo "compare: $repeat run(s) per proxy; bulk $bulk_mib MiB (1 stream) and 16 x $((bulk_mib / 8)) MiB;"\
         "$tunnels tunnels at once; results in $out"
} | tee "$out/header.txt" >&2

for r in $(seq 1 "$repeat"); do
    order=(fyntr squid)
    (( r % 2 == 0 )) && order=(squid fyntr)
    for proxy in "${order[@]}"; do
        [[ "$proxy" == squid && "$use_squid" == 0 ]] && continue
        echo "compare: run $r/$repeat: $proxy ..." >&2
        "run_$proxy" "$r" || { echo "compare: the $proxy run $r failed; see $out/$proxy-$r.txt" >&2; exit 1; }
    done
done

"$java" -cp "$jar" dev.fyntr.bench.load.CompareTable "$out"/fyntr-*.json $([[ "$use_squid" == 1 ]] && echo "$out"/squid-*.json) \
    | tee "$out/compare.md"
