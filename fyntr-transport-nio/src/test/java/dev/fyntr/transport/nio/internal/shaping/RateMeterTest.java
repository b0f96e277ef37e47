package dev.fyntr.transport.nio.internal.shaping;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RateMeterTest {

    private static final long MS = 1_000_000L;

    @Test
    void shouldConvergeOnASteadyRateAndDecayWhenIdle() {
        RateMeter m = new RateMeter();
        long total = 0;
        for (long t = 0; t <= 5_000 * MS; t += MS) { // 5 s at 10 MB/s, sampled every ms
            m.sample(t, total);
            total += 10_000;
        }
        assertEquals(10_000_000, m.perSecond(), 10_000_000 * 0.01);
        m.sample(15_000 * MS, total); // 10 s of silence in one gap
        assertTrue(m.perSecond() < 10_000_000 * 0.001, "rate " + m.perSecond());
    }

    @Test
    void shouldIgnoreSamplesCloserThanTheSamplingInterval() {
        RateMeter m = new RateMeter();
        m.sample(0, 0);
        m.sample(RateMeter.SAMPLE_NANOS - 1, 1_000_000);
        assertEquals(0, m.perSecond());
        m.sample(RateMeter.SAMPLE_NANOS, 1_000_000);
        assertTrue(m.perSecond() > 0);
    }
}
