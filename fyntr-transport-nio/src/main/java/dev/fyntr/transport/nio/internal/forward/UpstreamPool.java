package dev.fyntr.transport.nio.internal.forward;

import dev.fyntr.transport.nio.internal.loop.LoopContext;
import dev.fyntr.transport.nio.internal.loop.LoopTimer;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Idle keep-alive connections to origins, for the next plain-HTTP request to the same origin, from any client
 * (docs/plain-http.md#connection-reuse). Bounded: at most {@value #MAX_PER_ORIGIN} per origin and
 * {@value #MAX_TOTAL} in all (the oldest goes when a bound is reached), and each closes after
 * {@link #IDLE_NANOS} unused. The newest is reused first: it is the likeliest to be still open. Event-loop
 * thread only.
 *
 * @param <T> the pooled connection (its own close also stops watching the socket)
 */
final class UpstreamPool<T extends UpstreamPool.Idle> {

    /** A pooled connection. */
    interface Idle {
        /** Closes the connection; never throws. */
        void close();
    }

    /** Idle connections kept per origin: browsers open 6 per origin, so 8 covers one such client. */
    static final int MAX_PER_ORIGIN = 8;
    /** Idle connections kept in all: 64 descriptors at most, well within the open-file guard's allowance. */
    static final int MAX_TOTAL = 64;
    /** How long a connection may sit unused: below the 60 s or more most servers allow, so they rarely close first. */
    static final long IDLE_NANOS = 30_000_000_000L;

    private record Entry<T>(String origin, T connection, long idleSince) {
    }

    private final LoopContext loop;
    private final Map<String, ArrayDeque<Entry<T>>> byOrigin = new HashMap<>();
    /** Every entry, oldest first: for the total bound and the expiry. */
    private final ArrayDeque<Entry<T>> byAge = new ArrayDeque<>();
    private final LoopTimer expiry = new LoopTimer(this::expire);
    private boolean closed;

    UpstreamPool(LoopContext loop) {
        this.loop = loop;
    }

    /** Keeps {@code connection} for {@code origin} (e.g. {@code example.com:80}); after {@link #closeAll}, closes it. */
    void offer(String origin, T connection) {
        if (closed) {
            connection.close();
            return;
        }
        ArrayDeque<Entry<T>> list = byOrigin.computeIfAbsent(origin, o -> new ArrayDeque<>());
        if (list.size() >= MAX_PER_ORIGIN) {
            Entry<T> oldest = list.pollFirst();
            byAge.remove(oldest);
            oldest.connection().close();
        }
        if (byAge.size() >= MAX_TOTAL) {
            Entry<T> oldest = byAge.pollFirst();
            removeFromOrigin(oldest);
            oldest.connection().close();
        }
        Entry<T> e = new Entry<>(origin, connection, loop.nanoTime());
        list.addLast(e);
        byAge.addLast(e);
        if (!expiry.isArmed()) {
            loop.timers().arm(expiry, byAge.peekFirst().idleSince() + IDLE_NANOS);
        }
    }

    /** The newest idle connection to {@code origin}, which the caller now owns; or {@code null}. */
    T take(String origin) {
        ArrayDeque<Entry<T>> list = byOrigin.get(origin);
        if (list == null) {
            return null;
        }
        Entry<T> e = list.pollLast();
        if (list.isEmpty()) {
            byOrigin.remove(origin);
        }
        if (e == null) {
            return null;
        }
        byAge.remove(e);
        return e.connection();
    }

    /** Forgets {@code connection} (it closed while idle); the caller closes it. */
    void remove(T connection) {
        for (Iterator<Entry<T>> it = byAge.iterator(); it.hasNext(); ) { // bounded by MAX_TOTAL
            Entry<T> e = it.next();
            if (e.connection() == connection) {
                it.remove();
                removeFromOrigin(e);
                return;
            }
        }
    }

    private void removeFromOrigin(Entry<T> e) {
        ArrayDeque<Entry<T>> list = byOrigin.get(e.origin());
        if (list != null) {
            list.remove(e);
            if (list.isEmpty()) {
                byOrigin.remove(e.origin());
            }
        }
    }

    private void expire() {
        long now = loop.nanoTime();
        for (Entry<T> e = byAge.peekFirst(); e != null && now - e.idleSince() >= IDLE_NANOS; e = byAge.peekFirst()) {
            byAge.pollFirst();
            removeFromOrigin(e);
            e.connection().close();
        }
        if (!byAge.isEmpty()) {
            loop.timers().arm(expiry, byAge.peekFirst().idleSince() + IDLE_NANOS);
        }
    }

    /** Closes every idle connection, and every one offered from now on (the proxy is shutting down). */
    void closeAll() {
        closed = true;
        loop.timers().cancel(expiry);
        for (Entry<T> e = byAge.pollFirst(); e != null; e = byAge.pollFirst()) {
            e.connection().close();
        }
        byOrigin.clear();
    }

    /** Idle connections held. */
    int size() {
        return byAge.size();
    }

    /** Idle connections held for {@code origin}. */
    int size(String origin) {
        ArrayDeque<Entry<T>> list = byOrigin.get(origin);
        return list == null ? 0 : list.size();
    }
}
