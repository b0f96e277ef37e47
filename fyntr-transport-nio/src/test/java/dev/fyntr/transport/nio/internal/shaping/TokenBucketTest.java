package dev.fyntr.transport.nio.internal.shaping;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bucket's arithmetic in virtual time: refill, burst, carried fractions, extremes, rate changes. */
class TokenBucketTest {

    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000_000_000L;
    private static final long T0 = 123_456_789L;

    @Test
    void shouldSizeByteBurstsAsTenMillisecondsWithA64KibFloor() {
        assertEquals(64 * 1024, TokenBucket.byteBurst(1));
        assertEquals(64 * 1024, TokenBucket.byteBurst(125)); // 1 kbit/s
        assertEquals(100_000, TokenBucket.byteBurst(10_000_000)); // 80 Mbit/s
        assertEquals(12_500_000, TokenBucket.byteBurst(1_250_000_000L)); // 10 Gbit/s
        assertEquals(TokenBucket.MAX_BURST, TokenBucket.byteBurst(TokenBucket.MAX_RATE));
    }

    @Test
    void shouldStartFullAndNeverExceedTheBurst() {
        TokenBucket b = new TokenBucket(1000, 5000, T0);
        assertEquals(5000, b.available(T0));
        assertEquals(5000, b.available(T0 + 10 * SECOND));
        b.consume(1200);
        assertEquals(3800, b.available(T0 + 10 * SECOND));
        assertEquals(5000, b.available(T0 + 20 * SECOND));
    }

    @Test
    void shouldRefillInProportionToElapsedTime() {
        TokenBucket b = new TokenBucket(10_000_000, 100_000, T0);
        b.consume(100_000);
        assertEquals(0, b.available(T0));
        assertEquals(10_000, b.available(T0 + MS));
        assertEquals(60_000, b.available(T0 + 6 * MS));
        assertEquals(100_000, b.available(T0 + 50 * MS));
    }

    @Test
    void shouldCarryFractionsOfATokenSoSlowRatesLoseNothingToRounding() {
        // 1 kbit/s = 125 B/s, refilled every millisecond: 0.125 token per refill.
        TokenBucket b = new TokenBucket(125, TokenBucket.byteBurst(125), T0);
        b.consume(Long.MAX_VALUE);
        long now = T0;
        long taken = 0;
        for (int i = 0; i < 10_000; i++) { // 10 s
            now += MS;
            long t = b.available(now);
            b.consume(t);
            taken += t;
        }
        assertEquals(1250, taken);
    }

    @Test
    void shouldNotOverflowAtMultiGigabitRatesOrAfterLongIdleGaps() {
        long tenGbit = 1_250_000_000L;
        TokenBucket b = new TokenBucket(tenGbit, TokenBucket.byteBurst(tenGbit), T0);
        b.consume(Long.MAX_VALUE);
        assertEquals(1_250_000, b.available(T0 + MS));
        b.consume(Long.MAX_VALUE);
        assertEquals(12_500_000, b.available(T0 + 400L * 24 * 3600 * SECOND)); // idle for 400 days: just full

        TokenBucket max = new TokenBucket(TokenBucket.MAX_RATE, TokenBucket.byteBurst(TokenBucket.MAX_RATE), T0);
        max.consume(Long.MAX_VALUE);
        long almostFull = 10 * MS - 1; // 1e9 tokens take exactly 10 ms at 1e11/s
        long got = max.available(T0 + almostFull);
        assertTrue(got > 0 && got < TokenBucket.MAX_BURST, "got " + got);
        assertEquals(TokenBucket.MAX_BURST, max.available(T0 + Long.MAX_VALUE / 2));
    }

    @Test
    void shouldHandleTheClockWrappingAroundAndIgnoreOlderTimes() {
        long nearWrap = Long.MAX_VALUE - MS / 2;
        TokenBucket b = new TokenBucket(1_000_000, 64 * 1024, nearWrap);
        b.consume(Long.MAX_VALUE);
        long wrapped = nearWrap + MS; // overflows to a negative value, as System.nanoTime() may
        assertTrue(wrapped < 0);
        assertEquals(1000, b.available(wrapped));
        assertEquals(1000, b.available(wrapped - 5 * MS)); // an older clock value adds nothing
    }

    @Test
    void shouldPredictExactlyWhenTokensAreDue() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 2_000; i++) {
            long rate = 1 + random.nextLong(TokenBucket.MAX_RATE);
            long burst = TokenBucket.byteBurst(rate);
            TokenBucket b = new TokenBucket(rate, burst, T0);
            b.consume(Long.MAX_VALUE);
            long warm = random.nextLong(3 * MS); // leaves a random carried fraction
            b.refill(T0 + warm);
            long want = 1 + random.nextLong(burst);
            long due = b.deadlineFor(want);
            String what = "rate " + rate + ", want " + want;
            if (due > T0 + warm) {
                TokenBucket copy = copyOf(rate, burst, T0, warm);
                assertTrue(copy.available(due - 1) < want, what + ": early");
            }
            assertTrue(b.available(due) >= want, what + ": late");
        }
    }

    @Test
    void shouldNeverGrantMoreThanBurstPlusRateTimesTimeNorLessWhenDrainedGreedily() {
        SplittableRandom random = new SplittableRandom(7);
        long rate = 10_000_000;
        long burst = TokenBucket.byteBurst(rate);
        TokenBucket b = new TokenBucket(rate, burst, T0);
        long now = T0;
        long granted = 0;
        for (int i = 0; i < 100_000; i++) {
            now += random.nextLong(200_000); // turns 0-200 µs apart
            long t = b.available(now);
            long take = random.nextInt(4) == 0 ? random.nextLong(t + 1) : t;
            b.consume(take);
            granted += take;
        }
        long elapsed = now - T0;
        assertTrue(granted <= burst + elapsed * rate / SECOND, "granted " + granted);
        // Greedy draining from here on: over the next second it gets the whole second's worth, to the byte.
        b.consume(Long.MAX_VALUE);
        long drained = 0;
        for (long t = now + MS; t <= now + SECOND; t += MS) {
            long avail = b.available(t);
            b.consume(avail);
            drained += avail;
        }
        assertTrue(Math.abs(drained - rate) <= 1, "drained " + drained);
    }

    @Test
    void shouldKeepEarnedTokensUpToTheNewBurstWhenTheRateChanges() {
        TokenBucket b = new TokenBucket(10_000_000, 100_000, T0);
        b.consume(Long.MAX_VALUE);
        b.change(1_000_000, 65_536, T0 + 5 * MS); // 50,000 earned at the old rate first
        assertEquals(50_000, b.tokens());
        assertEquals(51_000, b.available(T0 + 6 * MS)); // then 1,000 per ms
        b.change(1_000_000_000, 10_000_000, T0 + 6 * MS);
        assertEquals(1_051_000, b.available(T0 + 7 * MS));
        b.change(125, 65_536, T0 + 7 * MS);
        assertEquals(65_536, b.tokens()); // clamped to the smaller burst
    }

    @Test
    void shouldTakeOnlyWhatIsThere() {
        TokenBucket b = new TokenBucket(1000, 3000, T0);
        assertTrue(b.tryTake(1000, T0));
        assertTrue(b.tryTake(2000, T0));
        assertFalse(b.tryTake(1000, T0));
        assertFalse(b.tryTake(1000, T0 + 999_999_999L));
        assertTrue(b.tryTake(1000, T0 + SECOND));
        b.consume(5);
        assertEquals(0, b.tokens());
    }

    @Test
    void shouldRejectRatesAndBurstsOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(0, 1, T0));
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(TokenBucket.MAX_RATE + 1, 1, T0));
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(1, 0, T0));
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(1, TokenBucket.MAX_BURST + 1, T0));
    }

    private static TokenBucket copyOf(long rate, long burst, long t0, long warm) {
        TokenBucket c = new TokenBucket(rate, burst, t0);
        c.consume(Long.MAX_VALUE);
        c.refill(t0 + warm);
        return c;
    }
}
