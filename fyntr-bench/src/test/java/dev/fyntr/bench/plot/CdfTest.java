package dev.fyntr.bench.plot;

import dev.fyntr.bench.sim.Fairness;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The distribution math: exact where every sample is kept, bounded where it is thinned. */
class CdfTest {

    @Test
    void keepsEverySampleWhenThereAreFewAndStepsByOneOverN() {
        Cdf cdf = Cdf.of("s", "r", "us", new long[] {10_000, 20_000, 30_000, 40_000}, 4, 1e3, 100);
        assertArrayEquals(new double[] {0.25, 0.5, 0.75, 1.0}, cdf.fractions());
        assertArrayEquals(new double[] {10, 20, 30, 40}, cdf.values());
        assertEquals(4, cdf.samples());
    }

    @Test
    void percentilesEqualTheNearestRankPercentilesOfTheTables() {
        Random random = new Random(7);
        long[] sorted = new long[997];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = random.nextInt(1_000_000);
        }
        java.util.Arrays.sort(sorted);
        Cdf cdf = Cdf.of("s", "r", "ns", sorted, sorted.length, 1, 1000);
        for (double p : new double[] {1, 10, 50, 90, 99, 99.9, 100}) {
            assertEquals(Fairness.percentile(sorted, sorted.length, p), cdf.percentile(p), 0.0, "p" + p);
        }
    }

    @Test
    void thinningKeepsTheEndsAndNeverUnderstatesAPercentile() {
        long[] sorted = new long[10_000];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = i + 1;
        }
        Cdf cdf = Cdf.of("s", "r", "ns", sorted, sorted.length, 1, 101);
        assertEquals(101, cdf.values().length);
        assertEquals(1, cdf.values()[0]);
        assertEquals(10_000, cdf.values()[100]);
        assertEquals(1.0, cdf.fractions()[100]);
        for (int i = 1; i < cdf.values().length; i++) {
            assertTrue(cdf.values()[i] >= cdf.values()[i - 1] && cdf.fractions()[i] > cdf.fractions()[i - 1]);
        }
        // One point per 100 samples: the thinned p50 is the exact one or at most one step (100 samples) above it.
        double exact = Fairness.percentile(sorted, sorted.length, 50);
        assertTrue(cdf.percentile(50) >= exact && cdf.percentile(50) <= exact + 100, cdf.percentile(50) + " vs " + exact);
    }

    @Test
    void anEmptySeriesHasNoPointsAndBadArgumentsAreRefused() {
        Cdf empty = Cdf.of("s", "r", "us", new long[0], 0, 1, 10);
        assertEquals(0, empty.values().length);
        assertTrue(Double.isNaN(empty.percentile(50)));
        assertThrows(IllegalArgumentException.class, () -> Cdf.of("s", "r", "us", new long[1], 2, 1, 10));
        assertThrows(IllegalArgumentException.class, () -> Cdf.of("s", "r", "us", new long[1], 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Cdf("s", "r", "us", 1, new double[1], new double[2]));
    }

    @Test
    void survivesAJsonRoundTrip() throws java.io.IOException {
        Cdf cdf = Cdf.of("64B RTT +16 bulk", "squid", "us", new long[] {1500, 2500, 1_000_000}, 3, 1e3, 10);
        Cdf back = Json.parse(Json.write(cdf), Cdf.class);
        assertEquals(cdf, back);
    }
}
