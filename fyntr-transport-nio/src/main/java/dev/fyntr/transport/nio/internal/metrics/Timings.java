package dev.fyntr.transport.nio.internal.metrics;

import dev.fyntr.transport.nio.ProxyTimings;

/**
 * The proxy's latency histograms (see {@link ProxyTimings} for what each measures). The tunnel code calls one method
 * at each spot where a measured interval ends; all the arithmetic is here. Event-loop thread only, including
 * {@link #snapshot}; nothing here allocates except the snapshot.
 */
public final class Timings {

    private final Histogram tunnelDuration = new Histogram();
    private final Histogram timeToEstablish = new Histogram();
    private final Histogram chunkQueueDelay = new Histogram();

    /** A connection accepted at {@code acceptedAt} got its tunnel at {@code now}. */
    public void tunnelEstablished(long acceptedAt, long now) {
        timeToEstablish.record(now - acceptedAt);
    }

    /** A tunnel established at {@code establishedAt} closed at {@code now}. */
    public void tunnelClosed(long establishedAt, long now) {
        tunnelDuration.record(now - establishedAt);
    }

    /** A client→upstream chunk queued at {@code enqueuedAt} had its last byte written upstream at {@code now}. */
    public void chunkWritten(long enqueuedAt, long now) {
        chunkQueueDelay.record(now - enqueuedAt);
    }

    public ProxyTimings snapshot() {
        return new ProxyTimings(tunnelDuration.snapshot(), timeToEstablish.snapshot(), chunkQueueDelay.snapshot());
    }
}
