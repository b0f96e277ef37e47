#!/usr/bin/env bash
# The README's two plots, as SVG from the benchmark JSON (no hand-drawn numbers):
#   docs/img/echo-under-load.svg   interactive 64 B echo round trips while 16 uploads run, as distributions:
#                                  direct, fyntr and squid (LoadTool interactive --json)
#   docs/img/sparse-delay.svg      sparse-flow delay under a burst of 100 flows: DRR vs FIFO vs the tick model
#                                  (FairnessReport --json, virtual time)
#
#   fyntr-bench/tools/plots.sh [--replot] [--repeat N] [--count N] [--no-squid]
#
#   (default)    measure, write the JSON to docs/img/data/, then draw (about 1-2 minutes)
#   --replot     draw again from the JSON already in docs/img/data/, without measuring
#   --repeat N   load tool runs per proxy, pooled (default 3); --count N: echoes per series and run (default 2000)
#   --no-squid   leave squid out (it is left out with a message anyway when it is not installed)
#
# Fyntr runs as the load tool's forked proxy with the ./fyntr launcher's JVM flags, squid with the minimal
# config of compare.sh; every process started here is ended here.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=lib/squid.sh
source "$root/fyntr-bench/tools/lib/squid.sh"

replot=0
repeat=3
count=2000
use_squid=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        --replot) replot=1; shift ;;
        --repeat) repeat="${2:?--repeat needs a value}"; shift 2 ;;
        --count) count="${2:?--count needs a value}"; shift 2 ;;
        --no-squid) use_squid=0; shift ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) echo "plots: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
[[ "$repeat" =~ ^[1-9][0-9]?$ ]] || { echo "plots: --repeat must be 1-99: $repeat" >&2; exit 2; }
[[ "$count" =~ ^[1-9][0-9]{0,5}$ ]] || { echo "plots: --count must be 1-999999: $count" >&2; exit 2; }

jar="$root/fyntr-bench/target/benchmarks.jar"
if [[ ! -f "$jar" ]]; then
    echo "plots: building $jar (./mvnw -q -pl fyntr-bench -am package -DskipTests) ..." >&2
    (cd "$root" && ./mvnw -q -B -pl fyntr-bench -am package -DskipTests) >&2
fi
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
img="$root/docs/img"
data="$img/data"
mkdir -p "$data"

if [[ "$replot" == 0 ]]; then
    launcher_opts="$(sed -n 's/.*FYNTR_JAVA_OPTS:-\([^}]*\)}.*/\1/p' "$root/fyntr" | head -1)"
    proxy_opts="${FYNTR_JAVA_OPTS:-$launcher_opts}"
    if [[ "$use_squid" == 1 && -z "$(squid_bin)" ]]; then
        echo "plots: squid is not installed (Debian: apt-get install squid); drawing fyntr and direct only" >&2
        use_squid=0
    fi
    trap 'squid_stop' EXIT
    echo "plots: sparse-flow delay in virtual time (FairnessReport) ..." >&2
    "$java" -cp "$jar" dev.fyntr.bench.sim.FairnessReport --flows 100 \
        --schedulers drr-adaptive,fifo,reference-tick --json "$data/sparse-delay.json" >/dev/null
    echo "plots: interactive echoes through fyntr ($repeat runs) ..." >&2
    "$java" "-Dfyntr.bench.proxyJvmOpts=$proxy_opts" -cp "$jar" dev.fyntr.bench.load.LoadTool interactive \
        --fork --label fyntr --repeat "$repeat" --count "$count" --json "$data/echo-fyntr.json" >&2
    rm -f "$data/echo-squid.json"
    if [[ "$use_squid" == 1 ]]; then
        echo "plots: interactive echoes through squid ($repeat runs) ..." >&2
        squid_start
        "$java" -cp "$jar" dev.fyntr.bench.load.LoadTool interactive --proxy "127.0.0.1:$squid_port" \
            --proxy-pid "$squid_pid" --label squid --repeat "$repeat" --count "$count" \
            --json "$data/echo-squid.json" >&2
        squid_stop
    fi
fi

for f in "$data/sparse-delay.json" "$data/echo-fyntr.json"; do
    [[ -f "$f" ]] || { echo "plots: $f is missing; run without --replot to measure" >&2; exit 1; }
done
echo_inputs=("$data/echo-fyntr.json")
[[ -f "$data/echo-squid.json" ]] && echo_inputs+=("$data/echo-squid.json")
"$java" -cp "$jar" dev.fyntr.bench.plot.Plots echo --out "$img/echo-under-load.svg" "${echo_inputs[@]}"
"$java" -cp "$jar" dev.fyntr.bench.plot.Plots sparse --out "$img/sparse-delay.svg" --flows 100 \
    "$data/sparse-delay.json"
