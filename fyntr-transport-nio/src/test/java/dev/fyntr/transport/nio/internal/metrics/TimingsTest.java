package dev.fyntr.transport.nio.internal.metrics;

import dev.fyntr.transport.nio.ProxyTimings;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TimingsTest {

    @Test
    void shouldReportEachChunksQueueingDelayInQueueOrder() {
        ChunkClock clock = new ChunkClock();
        Timings timings = new Timings();
        for (int i = 0; i < 20; i++) { // past the initial capacity: the ring grows and keeps the order
            clock.queued(1_000_000L * i);
        }
        for (int i = 0; i < 20; i++) {
            long now = 50_000_000L;
            assertEquals(1_000_000L * i, clock.written(now));
        }
        assertEquals(0, clock.size());
        assertEquals(77, clock.written(77), "out of step: no nonsense delay");
        clock.queued(5_000);
        timings.chunkWritten(clock.written(9_000_000), 9_000_000);
        ProxyTimings t = timings.snapshot();
        assertEquals(1, t.chunkQueueDelay().count());
        assertEquals(8_995_000, t.chunkQueueDelay().maxNanos());
    }

    @Test
    void shouldStayInStepAcrossWrapAroundAndClear() {
        ChunkClock clock = new ChunkClock();
        for (int round = 0; round < 100; round++) {
            clock.queued(round);
            clock.queued(round + 1000);
            assertEquals(round, clock.written(-1));
            assertEquals(round + 1000, clock.written(-1));
        }
        clock.queued(1);
        clock.clear();
        assertEquals(0, clock.size());
    }

    @Test
    void shouldMeasureTunnelsFromAcceptAndFromEstablished() {
        Timings timings = new Timings();
        timings.tunnelEstablished(100, 2_000_100);
        timings.tunnelClosed(2_000_100, 7_000_100);
        ProxyTimings t = timings.snapshot();
        assertEquals(2_000_000, t.timeToEstablish().totalNanos());
        assertEquals(5_000_000, t.tunnelDuration().totalNanos());
    }
}
