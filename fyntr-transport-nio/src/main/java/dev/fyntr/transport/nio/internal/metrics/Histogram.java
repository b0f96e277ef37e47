package dev.fyntr.transport.nio.internal.metrics;

import dev.fyntr.transport.nio.LatencyHistogram;

/**
 * A latency histogram with one writer: plain {@code long} counters in the fixed buckets of {@link LatencyHistogram},
 * so that recording a value allocates nothing and takes no lock. Readers take a {@link #snapshot} on the writer's
 * thread (the proxy asks the event loop for it), so they never see a half-written figure.
 */
final class Histogram {

    private final long[] counts = new long[LatencyHistogram.BUCKETS];
    private long totalNanos;
    private long maxNanos;

    void record(long nanos) {
        long v = Math.max(0, nanos);
        counts[LatencyHistogram.bucketOf(v)]++;
        totalNanos += v;
        if (v > maxNanos) {
            maxNanos = v;
        }
    }

    LatencyHistogram snapshot() {
        return new LatencyHistogram(counts, totalNanos, maxNanos);
    }
}
