package dev.fyntr.micrometer;

import dev.fyntr.transport.nio.FyntrProxy;
import dev.fyntr.transport.nio.MemoryStats;
import dev.fyntr.transport.nio.ProxyStats;
import dev.fyntr.transport.nio.ProxyTimings;
import dev.fyntr.transport.nio.ShapingStats;

import java.util.Map;

/**
 * The proxy's figures as one snapshot reused for up to {@code maxAgeNanos}: a scrape reads some 40 meters, and each
 * fresh read is a round trip to the proxy's event loop, so they share one. If the proxy cannot answer (its loop is
 * overloaded past 5 s) the last figures are kept, so that a scrape never fails because of the proxy. Thread-safe.
 */
final class Figures {

    private static final ProxyStats NOTHING = new ProxyStats(0, 0, 0, 0, 0, 0, 0, Map.of(), ShapingStats.NONE,
            new MemoryStats(0, 0, 0, 0, 0), 0, 0, 0, 0);

    private final FyntrProxy proxy;
    private final long maxAgeNanos;
    private ProxyStats stats = NOTHING;
    private ProxyTimings timings = ProxyTimings.empty();
    private long accessLogDropped;
    private long takenAt;
    private boolean taken;

    Figures(FyntrProxy proxy, long maxAgeNanos) {
        this.proxy = proxy;
        this.maxAgeNanos = maxAgeNanos;
    }

    synchronized ProxyStats stats() {
        refresh();
        return stats;
    }

    synchronized ProxyTimings timings() {
        refresh();
        return timings;
    }

    synchronized long accessLogDropped() {
        refresh();
        return accessLogDropped;
    }

    private void refresh() {
        long now = System.nanoTime();
        if (taken && now - takenAt < maxAgeNanos) {
            return;
        }
        try {
            ProxyStats s = proxy.stats();
            ProxyTimings t = proxy.timings();
            stats = s;
            timings = t;
            accessLogDropped = proxy.accessLogDropped();
        } catch (RuntimeException e) {
            // The loop did not answer in time: keep the last figures rather than fail the whole scrape.
        }
        taken = true;
        takenAt = now;
    }
}
