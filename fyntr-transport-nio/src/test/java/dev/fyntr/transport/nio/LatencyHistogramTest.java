package dev.fyntr.transport.nio;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatencyHistogramTest {

    @Test
    void shouldPutEveryValueBelowItsBucketsUpperBoundAndAboveThePreviousOne() {
        long[] samples = {0, 999, 1_000, 3_999, 4_000, 5_999, 6_000, 7_999, 8_000, 9_999, 10_000, 1_000_000,
                123_456_789, 1L << 40, 60_000_000_000L, 3_600_000_000_000L};
        for (long v : samples) {
            int b = LatencyHistogram.bucketOf(v);
            assertTrue(v < LatencyHistogram.bucketUpperBoundNanos(b), v + " in bucket " + b);
            if (b > 0) {
                assertTrue(v >= LatencyHistogram.bucketUpperBoundNanos(b - 1), v + " in bucket " + b);
            }
        }
    }

    @Test
    void shouldHaveIncreasingBoundsWithinAQuarterOfEachOther() {
        for (int i = 1; i < LatencyHistogram.BUCKETS; i++) {
            long lo = LatencyHistogram.bucketUpperBoundNanos(i - 1);
            long hi = LatencyHistogram.bucketUpperBoundNanos(i);
            assertTrue(hi > lo, "bucket " + i);
            if (i >= 4) {
                assertTrue(hi - lo <= lo / 4, "bucket " + i + " is wider than 25 %: " + lo + ".." + hi);
            }
        }
    }

    @Test
    void shouldClampHugeAndNegativeValues() {
        assertEquals(LatencyHistogram.BUCKETS - 1, LatencyHistogram.bucketOf(Long.MAX_VALUE));
        assertEquals(0, LatencyHistogram.bucketOf(-5));
    }

    @Test
    void shouldReportPercentilesAsBucketBoundsCappedAtTheMax() {
        long[] counts = new long[LatencyHistogram.BUCKETS];
        // 99 values of 1 ms and one of 100 ms
        counts[LatencyHistogram.bucketOf(1_000_000)] = 99;
        counts[LatencyHistogram.bucketOf(100_000_000)] = 1;
        LatencyHistogram h = new LatencyHistogram(counts, 99 * 1_000_000L + 100_000_000L, 100_000_000L);
        assertEquals(100, h.count());
        long p50 = h.percentileNanos(0.5);
        assertTrue(p50 > 1_000_000 && p50 <= 1_250_000, "p50 " + p50);
        assertEquals(p50, h.percentileNanos(0.99));
        assertEquals(100_000_000L, h.percentileNanos(1.0));
        assertEquals(1_990_000.0, h.meanNanos(), 0.5);
        assertThrows(IllegalArgumentException.class, () -> h.percentileNanos(1.5));
        assertEquals(0, LatencyHistogram.empty().percentileNanos(0.99));
    }
}
