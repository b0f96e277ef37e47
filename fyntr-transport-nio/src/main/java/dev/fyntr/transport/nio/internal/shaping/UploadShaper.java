package dev.fyntr.transport.nio.internal.shaping;

import dev.fyntr.transport.nio.internal.loop.BufferPool;
import dev.fyntr.transport.nio.internal.loop.LoopTimer;
import dev.fyntr.transport.nio.internal.loop.TimerQueue;

/**
 * {@code --max-rate}: a token bucket on client→upstream bytes, consulted by the loop's service round. The
 * scheduler still decides who writes; the bucket decides how much may be written this turn. Event-loop
 * thread only.
 *
 * <p>When the bucket runs dry while flows wait, a timer is armed for the moment enough tokens for a useful
 * write are due, so the loop sleeps until then (no tick, no spinning); when nothing waits, nothing is armed.
 *
 * <p>A head chunk larger than the tokens left is written partially (the rest stays at the head of the flow's
 * queue, the scheduler is told the bytes written, and the flow stays eligible), but only if at least
 * {@link #minWriteBytes()} can go: smaller pieces wait for the next refill instead, so that a slow cap does not
 * turn into a stream of tiny writes and segments. Bytes are never dropped; only their departure is delayed.
 */
public final class UploadShaper {

    private final TimerQueue timers;
    /**
     * Tokens for a useful write are due: the loop runs a round before sleeping again. (The timer fires in the
     * loop's timer phase, after this turn's round, so it cannot just wake a select that already returned.)
     */
    private final LoopTimer refill = new LoopTimer(() -> roundDue = true);
    private boolean roundDue;

    private TokenBucket bucket; // null: unlimited
    private int minWriteBytes;
    /** The last round ended with flows waiting for tokens. */
    private boolean throttled;
    private long delayedBytes;
    private long throttles;

    /** How a service round ended, for {@link #afterRound}. */
    public enum RoundEnd {
        /** The scheduler had no flow left to serve. */
        DRAINED,
        /** A flow waits for tokens: its head chunk needs more than a useful piece and fewer are left. */
        STARVED,
        /** The round's allowance is used up. */
        BUDGET_SPENT,
        /** The round was cut short (a scheduler fault); try again next turn. */
        STOPPED
    }

    public UploadShaper(TimerQueue timers) {
        this.timers = timers;
    }

    /** Sets the cap, effective from the next round; 0 = unlimited. */
    public void rate(long bytesPerSecond, long now) {
        if (bytesPerSecond == 0) {
            bucket = null;
            throttled = false;
            timers.cancel(refill);
            return;
        }
        bucket = TokenBucket.forBytes(bucket, bytesPerSecond, now);
        minWriteBytes = minPieceBytes(bytesPerSecond);
        if (throttled) {
            timers.arm(refill, bucket.deadlineFor(minWriteBytes)); // a faster rate may be due earlier
        }
    }

    /** About one millisecond of the rate, within 512 B-16 KiB: the smallest piece worth a write or a wake-up. */
    static int minPieceBytes(long bytesPerSecond) {
        return (int) Math.max(512, Math.min(BufferPool.CHUNK_BYTES, bytesPerSecond / 1000));
    }

    public boolean limited() {
        return bucket != null;
    }

    /** The bytes this round may write: {@code turnBudget}, or fewer when the bucket holds fewer. */
    public int allowance(int turnBudget, long now) {
        roundDue = false;
        if (bucket == null) {
            return turnBudget;
        }
        return (int) Math.min(turnBudget, bucket.available(now));
    }

    /**
     * How many bytes of a head chunk of {@code headBytes} the flow may write with {@code budget} left this
     * round; 0 means wait for the next refill. Unlimited: {@link Integer#MAX_VALUE} (no cap at all, so that
     * unshaped writes are never split).
     */
    public int writeCap(int headBytes, int budget) {
        if (bucket == null) {
            return Integer.MAX_VALUE;
        }
        if (headBytes <= budget) {
            return headBytes;
        }
        return budget >= minWriteBytes ? budget : 0;
    }

    /**
     * Accounts a round that wrote {@code written} bytes and ended as {@code end}. Returns whether the loop
     * should run another round at once instead of sleeping.
     */
    public boolean afterRound(int written, RoundEnd end, long now) {
        boolean budgetSpent = end == RoundEnd.BUDGET_SPENT;
        if (bucket == null) {
            return budgetSpent;
        }
        bucket.consume(written);
        if (throttled) {
            delayedBytes += written;
        }
        if (end == RoundEnd.DRAINED) {
            throttled = false;
            timers.cancel(refill);
            return false;
        }
        if (end == RoundEnd.STARVED || (budgetSpent && bucket.tokens() < minWriteBytes)) {
            if (!throttled) {
                throttled = true;
                throttles++;
            }
            bucket.refill(now);
            timers.arm(refill, bucket.deadlineFor(minWriteBytes));
            return false;
        }
        return budgetSpent;
    }

    /** The refill timer fired since the last round: run a round now. */
    public boolean roundDue() {
        return roundDue;
    }

    public boolean throttled() {
        return throttled;
    }

    public int minWriteBytes() {
        return minWriteBytes;
    }

    public long rateBytesPerSecond() {
        return bucket == null ? 0 : bucket.rate();
    }

    public long delayedBytes() {
        return delayedBytes;
    }

    public long throttles() {
        return throttles;
    }
}
