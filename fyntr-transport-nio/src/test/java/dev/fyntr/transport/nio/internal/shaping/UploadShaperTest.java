package dev.fyntr.transport.nio.internal.shaping;

import dev.fyntr.transport.nio.internal.loop.BufferPool;
import dev.fyntr.transport.nio.internal.loop.TimerQueue;
import dev.fyntr.transport.nio.internal.shaping.UploadShaper.RoundEnd;
import dev.fyntr.transport.nio.internal.tunnel.ServiceRound;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the upload cap splits a turn, and when it arms the refill timer, in virtual time. */
class UploadShaperTest {

    private static final long MS = 1_000_000L;
    private static final long T0 = 1_000 * MS;
    private static final int TURN = ServiceRound.TURN_BUDGET_BYTES;

    private final TimerQueue timers = new TimerQueue();
    private final UploadShaper shaper = new UploadShaper(timers);

    @Test
    void shouldNotLimitOrSplitAnythingWhenOff() {
        assertFalse(shaper.limited());
        assertEquals(TURN, shaper.allowance(TURN, T0));
        assertEquals(Integer.MAX_VALUE, shaper.writeCap(16384, 10));
        assertTrue(shaper.afterRound(TURN, RoundEnd.BUDGET_SPENT, T0)); // turn budget spent: go again at once
        assertFalse(shaper.afterRound(100, RoundEnd.DRAINED, T0));
        assertEquals(0, timers.size());
    }

    @Test
    void shouldGiveABurstThenArmTheRefillForTheNextUsefulPiece() {
        shaper.rate(10_000_000, T0); // burst 100,000 B, pieces of 10,000 B
        assertEquals(100_000, shaper.allowance(TURN, T0));
        assertFalse(shaper.afterRound(100_000, RoundEnd.BUDGET_SPENT, T0));
        assertTrue(shaper.throttled());
        assertEquals(T0 + MS, timers.nextDeadline()); // 10,000 B are due 1 ms later
        assertEquals(0, shaper.allowance(TURN, T0));
        assertEquals(10_000, shaper.allowance(TURN, T0 + MS));
    }

    @Test
    void shouldAskForARoundWhenTheRefillFiresEvenIfItWasDueAtOnce() {
        shaper.rate(10_000_000, T0);
        shaper.afterRound(95_000, RoundEnd.STARVED, T0); // 5,000 left, 10,000 wanted: due 0.5 ms later
        assertFalse(shaper.roundDue());
        assertEquals(1, timers.runDue(T0 + 2 * MS)); // the loop's timer phase may run after the deadline
        assertTrue(shaper.roundDue()); // so the loop must not go to sleep now
        shaper.allowance(TURN, T0 + 2 * MS);
        assertFalse(shaper.roundDue());
    }

    @Test
    void shouldWriteWholeSmallChunksButDeferTinyPiecesOfLargeOnes() {
        shaper.rate(10_000_000, T0);
        assertEquals(64, shaper.writeCap(64, 100));          // a small chunk that fits goes whole
        assertEquals(12_000, shaper.writeCap(16_384, 12_000)); // a useful piece of a large one
        assertEquals(0, shaper.writeCap(16_384, 9_999));      // too small a piece: wait for the refill
    }

    @Test
    void shouldStopThrottlingAndDisarmWhenNoFlowWaits() {
        shaper.rate(10_000_000, T0);
        shaper.afterRound(100_000, RoundEnd.STARVED, T0);
        assertTrue(shaper.throttled());
        assertFalse(shaper.afterRound(20_000, RoundEnd.DRAINED, T0 + 2 * MS));
        assertFalse(shaper.throttled());
        assertEquals(20_000, shaper.delayedBytes());
        assertEquals(1, shaper.throttles());
        assertEquals(0, timers.runDue(T0 + 10 * MS)); // the cancelled refill never fires
    }

    @Test
    void shouldApplyANewRateFromTheNextTurnAndTurnOffCompletely() {
        shaper.rate(1_000_000, T0);
        shaper.afterRound(65_536, RoundEnd.STARVED, T0);
        shaper.rate(100_000_000, T0); // faster: the refill moves earlier
        assertEquals(T0 + 163_840, timers.nextDeadline()); // 16,384 B at 100 MB/s
        shaper.rate(0, T0);
        assertFalse(shaper.limited());
        assertFalse(shaper.throttled());
        assertEquals(TURN, shaper.allowance(TURN, T0));
    }

    @Test
    void shouldUseAboutOneMillisecondOfTheRateAsTheSmallestPiece() {
        assertEquals(512, UploadShaper.minPieceBytes(125));
        assertEquals(10_000, UploadShaper.minPieceBytes(10_000_000));
        assertEquals(BufferPool.CHUNK_BYTES, UploadShaper.minPieceBytes(1_250_000_000L));
    }
}
