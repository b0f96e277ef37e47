#!/usr/bin/env bash
# Where the proxy's time goes during LoadTool's bulk uploads (docs/benchmarks.md, "Where the time goes"):
#   fyntr-bench/tools/loop-profile.sh [--strace] [JAR]
# Runs `LoadTool bulk --fork --seconds 3` (1 upload, then 16; direct and proxy alternate) and reports, for the
# forked proxy process: CPU seconds per thread (from /proc/PID/task/*/stat, the busiest first) against the
# machine's busy cores over the same window, and with --strace the system calls per MiB relayed
# (`strace -c -f` attached to the proxy; strace slows the proxy, so the counts per MiB are what to read, not the
# rates). The proxy gets the launcher's JVM flags (or FYNTR_JAVA_OPTS). JAR defaults to fyntr-bench/target/benchmarks.jar (./mvnw -q -pl fyntr-bench -am package -DskipTests).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
use_strace=0
if [[ "${1:-}" == "--strace" ]]; then use_strace=1; shift; fi
jar="${1:-$root/fyntr-bench/target/benchmarks.jar}"
[[ -f "$jar" ]] || { echo "loop-profile: build $jar first" >&2; exit 1; }
if (( use_strace )) && ! command -v strace >/dev/null; then echo "loop-profile: strace is not installed" >&2; exit 1; fi
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
hz=$(getconf CLK_TCK)

busy_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat; }
thread_ticks() { # TID NAME TICKS for every thread of $1
    for t in /proc/"$1"/task/*; do
        [[ -r "$t/stat" ]] || continue
        # comm may hold spaces: take the fields after the closing parenthesis
        local stat name
        stat="$(cat "$t/stat" 2>/dev/null)" || continue
        name="$(cat "$t/comm" 2>/dev/null | tr ' ' '_')"
        echo "${t##*/} $name $(echo "${stat##*) }" | awk '{print $12+$13}')"
    done
}

# The proxy runs with the launcher's flags (./fyntr), as users run it; FYNTR_JAVA_OPTS overrides them as there.
flags="${FYNTR_JAVA_OPTS:--XX:+UseSerialGC -Xss256k -XX:TieredStopAtLevel=1 -Xms8m -Xmx64m}"
java -Dfyntr.bench.proxyJvmOpts="$flags" -cp "$jar" dev.fyntr.bench.load.LoadTool bulk --fork --seconds 3 \
    >"$out/load.txt" 2>&1 &
load=$!
pid=""
for _ in $(seq 1 200); do
    pid="$(pgrep -P "$load" -f dev.fyntr.bench.load.ProxyMain | head -1 || true)"
    [[ -n "$pid" ]] && break
    sleep 0.05
done
[[ -n "$pid" ]] || { echo "loop-profile: the forked proxy did not start" >&2; cat "$out/load.txt" >&2; exit 1; }
if (( use_strace )); then
    strace -c -f -p "$pid" -o "$out/strace.txt" 2>/dev/null &
fi
start_busy=$(busy_ticks)
start=$(date +%s.%N)
thread_ticks "$pid" >"$out/t0"
last=""
# Sample until the proxy exits, keeping the last complete sample (bounded: the load tool's own deadlines end it).
while kill -0 "$pid" 2>/dev/null; do
    thread_ticks "$pid" >>"$out/t1" # every sample: a thread that ended keeps its last count
    last_busy=$(busy_ticks); last=$(date +%s.%N)
    sleep 0.2
done
wait "$load" || true
wait 2>/dev/null || true
grep -E 'MB/s|s/GiB|calls' "$out/load.txt" || cat "$out/load.txt"
wall=$(echo "$last - $start" | bc -l)
echo
echo "proxy threads, CPU seconds over ${wall%.*} s of the run (machine: $(nproc) cores,"\
     "$(echo "($last_busy - $start_busy) / $hz / $wall" | bc -l | cut -c1-4) busy on average):"
awk -v hz="$hz" 'NR == FNR {t0[$1] = $3; next} {if ($3 > last[$1]) last[$1] = $3; name[$1] = $2}
    END {for (t in last) {d = (last[t] - t0[t]) / hz; if (d > 0.005) printf "  %-24s %6.2f s\n", name[t], d}}' \
    "$out/t0" "$out/t1" | sort -k2 -nr | head -8
if (( use_strace )); then
    sleep 0.5
    echo
    echo "system calls (strace -c -f):"
    grep -E 'calls|writev|readv| read$| write$|epoll|total' "$out/strace.txt" || true
fi
