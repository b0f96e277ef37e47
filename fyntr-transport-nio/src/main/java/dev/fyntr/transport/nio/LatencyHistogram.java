package dev.fyntr.transport.nio;

import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable snapshot of one latency distribution of a proxy (see {@link ProxyTimings}): how many values were
 * recorded since start, their sum, the largest, and their counts in fixed log-linear buckets.
 *
 * <p>The buckets are in microseconds: one each for 0, 1, 2 and 3 µs, then four per power of two (4-5, 6-7, 8-9 …),
 * up to 2<sup>40</sup> µs (about 12.7 days); larger values count in the last bucket. From 4 µs up, a bucket's upper
 * bound is at most 25 % above any value in it, so {@link #percentileNanos} overstates by at most that much (below
 * 4 µs, by at most 1 µs).
 */
public final class LatencyHistogram {

    /** The number of buckets. */
    public static final int BUCKETS = 160;

    private static final LatencyHistogram EMPTY = new LatencyHistogram(new long[BUCKETS], 0, 0);

    private final long[] counts;
    private final long count;
    private final long totalNanos;
    private final long maxNanos;

    /**
     * @param counts     the count of each bucket, {@link #BUCKETS} of them (copied)
     * @param totalNanos the sum of every value recorded
     * @param maxNanos   the largest value recorded (0 when none)
     */
    public LatencyHistogram(long[] counts, long totalNanos, long maxNanos) {
        Objects.requireNonNull(counts, "counts");
        if (counts.length != BUCKETS) {
            throw new IllegalArgumentException("counts must have " + BUCKETS + " buckets: " + counts.length);
        }
        this.counts = counts.clone();
        long n = 0;
        for (long c : this.counts) {
            n += c;
        }
        this.count = n;
        this.totalNanos = totalNanos;
        this.maxNanos = maxNanos;
    }

    /** A histogram with nothing recorded. */
    public static LatencyHistogram empty() {
        return EMPTY;
    }

    /** The bucket that counts {@code nanos} (negative values count as 0). */
    public static int bucketOf(long nanos) {
        long micros = Math.max(0, nanos / 1_000);
        if (micros < 4) {
            return (int) micros;
        }
        int exp = 63 - Long.numberOfLeadingZeros(micros); // 2 for 4..7
        if (exp > 40) {
            return BUCKETS - 1;
        }
        int sub = (int) (micros >>> (exp - 2)) & 3;
        return Math.min(BUCKETS - 1, (exp - 1) * 4 + sub);
    }

    /** The exclusive upper bound of bucket {@code i}, in nanoseconds (for the last bucket: its nominal bound). */
    public static long bucketUpperBoundNanos(int i) {
        Objects.checkIndex(i, BUCKETS);
        if (i < 4) {
            return (i + 1) * 1_000L;
        }
        int exp = i / 4 + 1;
        long upperMicros = (long) (5 + i % 4) << (exp - 2);
        return upperMicros * 1_000L;
    }

    /** Values recorded since start. */
    public long count() {
        return count;
    }

    /** The sum of the values recorded, in nanoseconds. */
    public long totalNanos() {
        return totalNanos;
    }

    /** The largest value recorded, in nanoseconds; 0 when none. */
    public long maxNanos() {
        return maxNanos;
    }

    /** The mean in nanoseconds; 0 when none. */
    public double meanNanos() {
        return count == 0 ? 0 : (double) totalNanos / count;
    }

    /** The count in bucket {@code i}. */
    public long bucketCount(int i) {
        return counts[Objects.checkIndex(i, BUCKETS)];
    }

    /**
     * The value at or below which the fraction {@code q} of the values lie, as the upper bound of the bucket that
     * holds it, capped at {@link #maxNanos()}; 0 when nothing was recorded.
     *
     * @param q between 0 and 1, e.g. 0.99
     */
    public long percentileNanos(double q) {
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("q must be between 0 and 1: " + q);
        }
        if (count == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(q * count));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(bucketUpperBoundNanos(i), maxNanos);
            }
        }
        return maxNanos;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LatencyHistogram h && h.totalNanos == totalNanos && h.maxNanos == maxNanos
                && Arrays.equals(h.counts, counts);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(counts) * 31 + Long.hashCode(totalNanos);
    }

    /** {@code count=12 mean=1.2ms p50=1.0ms p99=4.1ms max=5.0ms}. */
    @Override
    public String toString() {
        return "count=" + count + " mean=" + millis(meanNanos()) + " p50=" + millis(percentileNanos(0.5))
                + " p99=" + millis(percentileNanos(0.99)) + " max=" + millis(maxNanos);
    }

    private static String millis(double nanos) {
        return String.format(java.util.Locale.ROOT, "%.3fms", nanos / 1e6);
    }
}
