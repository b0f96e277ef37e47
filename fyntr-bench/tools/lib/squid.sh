# Sourced by compare.sh and plots.sh: start and stop a throw-away squid on 127.0.0.1 for the load tool.
# squid_start sets squid_pid and squid_port; squid_stop ends it and removes its files. Needs bash.

squid_bin() {
    command -v squid 2>/dev/null || { [[ -x /usr/sbin/squid ]] && echo /usr/sbin/squid; } || true
}

# A port on 127.0.0.1 where nothing listens, from 20000-29999.
free_port() {
    local port
    for _ in $(seq 1 50); do
        port=$((20000 + RANDOM % 10000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    echo "no free port found" >&2
    return 1
}

# Minimal config: loopback clients only, no cache, CONNECT to any port (the load tool's echo and sink ports are
# random), no access log, one process (-N: no daemon, no kid; its pid is the one that relays).
squid_start() {
    local bin
    bin="$(squid_bin)"
    [[ -n "$bin" ]] || { echo "squid is not installed" >&2; return 1; }
    squid_work="$(mktemp -d)"
    chmod 0777 "$squid_work" # squid drops root to its own user and must still write its log and pid here
    squid_port="$(free_port)"
    cat >"$squid_work/squid.conf" <<CONF
http_port 127.0.0.1:$squid_port
http_access allow localhost
http_access deny all
cache deny all
cache_mem 8 MB
access_log none
cache_log $squid_work/cache.log
pid_filename $squid_work/squid.pid
coredump_dir $squid_work
max_filedescriptors 8192
shutdown_lifetime 1 seconds
pinger_enable off
workers 1
CONF
    "$bin" -f "$squid_work/squid.conf" -N >"$squid_work/out.log" 2>&1 &
    squid_pid=$!
    for _ in $(seq 1 200); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$squid_port") 2>/dev/null; then
            return 0
        fi
        kill -0 "$squid_pid" 2>/dev/null || break
        sleep 0.05
    done
    echo "squid did not start listening on 127.0.0.1:$squid_port; its log:" >&2
    cat "$squid_work/out.log" "$squid_work/cache.log" >&2 2>/dev/null || true
    squid_stop
    return 1
}

squid_stop() {
    if [[ -n "${squid_pid:-}" ]]; then
        kill "$squid_pid" 2>/dev/null || true
        # shutdown_lifetime (1 s above) bounds how long squid waits for its clients; kill -9 only if it hangs.
        for _ in $(seq 1 100); do
            kill -0 "$squid_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$squid_pid" 2>/dev/null || true
        wait "$squid_pid" 2>/dev/null || true
        squid_pid=""
    fi
    [[ -n "${squid_work:-}" ]] && rm -rf "$squid_work"
    squid_work=""
}
