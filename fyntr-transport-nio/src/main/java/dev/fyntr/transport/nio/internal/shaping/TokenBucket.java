package dev.fyntr.transport.nio.internal.shaping;

/**
 * A token bucket in whole tokens (bytes, or milli-connects for {@link ConnectPacer}), refilled lazily from the
 * caller's clock (System.nanoTime() values). Event-loop thread only; it never reads the clock itself, so tests
 * drive it with any time they like.
 *
 * <p>Arithmetic: fractions of a token are carried between refills in {@code remainder} (units of 10⁻⁹ token),
 * so a slow bucket (125 B/s, refilled every millisecond) loses nothing to rounding. Overflow is impossible
 * because a refill never multiplies more time than it takes to fill the bucket: {@code elapsed × rate} stays
 * below {@code burst × 10⁹ + rate ≤ 10¹⁸ + 10¹¹}, given {@code rate ≤} {@link #MAX_RATE} and
 * {@code burst ≤} {@link #MAX_BURST}. A long idle gap (days) simply fills the bucket.
 */
final class TokenBucket {

    /** Tokens per second at most: 10¹¹ (800 Gbit/s in bytes). */
    public static final long MAX_RATE = 100_000_000_000L;
    /** Burst at most: 10⁹ tokens, so that {@code burst × 10⁹} fits a long. */
    static final long MAX_BURST = 1_000_000_000L;
    /** Burst of a byte bucket: at least this, else 10 ms at the rate (docs/shaping.md). */
    static final long MIN_BYTE_BURST = 64 * 1024;

    private static final long NANOS = 1_000_000_000L;

    private long rate;      // tokens per second, > 0
    private long burst;     // bucket size, > 0
    private long tokens;    // 0..burst
    private long remainder; // 0..NANOS-1: fraction of the next token, in 10⁻⁹ token
    private long last;      // the clock at the last refill

    /** A full bucket. */
    TokenBucket(long ratePerSecond, long burst, long now) {
        set(ratePerSecond, burst);
        this.tokens = burst;
        this.last = now;
    }

    /** The burst of a byte bucket at this rate: max(64 KiB, rate × 10 ms). */
    static long byteBurst(long bytesPerSecond) {
        return Math.min(MAX_BURST, Math.max(MIN_BYTE_BURST, bytesPerSecond / 100));
    }

    /**
     * A byte bucket at {@code bytesPerSecond} with its burst ({@link #byteBurst}): {@code current} changed to it,
     * keeping its tokens, or a new full one when there is none yet.
     */
    static TokenBucket forBytes(TokenBucket current, long bytesPerSecond, long now) {
        long burst = byteBurst(bytesPerSecond);
        if (current == null) {
            return new TokenBucket(bytesPerSecond, burst, now);
        }
        current.change(bytesPerSecond, burst, now);
        return current;
    }

    /** Adds the tokens earned since the last refill. A clock value older than the last one adds nothing. */
    void refill(long now) {
        long elapsed = now - last;
        if (elapsed <= 0) {
            return;
        }
        last = now;
        if (tokens >= burst) {
            remainder = 0;
            return;
        }
        if (elapsed >= nanosToEarn(burst - tokens)) {
            tokens = burst;
            remainder = 0;
            return;
        }
        long scaled = elapsed * rate + remainder; // < (burst - tokens) × 10⁹ + rate: see the class comment
        tokens += scaled / NANOS;
        remainder = scaled % NANOS;
        if (tokens >= burst) {
            tokens = burst;
            remainder = 0;
        }
    }

    /** Refills, then returns the tokens available. */
    long available(long now) {
        refill(now);
        return tokens;
    }

    /** The tokens available at the last refill. */
    long tokens() {
        return tokens;
    }

    /** Takes tokens the caller used; never below zero (a caller only spends what it was given). */
    void consume(long n) {
        tokens = n >= tokens ? 0 : tokens - n;
    }

    /** Refills; if {@code n} tokens are there, takes them and returns true. */
    boolean tryTake(long n, long now) {
        refill(now);
        if (tokens < n) {
            return false;
        }
        tokens -= n;
        return true;
    }

    /**
     * When (clock value) {@code n} tokens will be available, assuming nothing is taken meanwhile; {@code n} is
     * capped at the burst so the answer always exists. Call right after a refill for an exact answer.
     */
    long deadlineFor(long n) {
        long want = Math.min(n, burst);
        if (tokens >= want) {
            return last;
        }
        return last + nanosToEarn(want - tokens);
    }

    /** How long the bucket takes to earn {@code n} tokens from empty ({@code n ≤} {@link #MAX_BURST}). */
    long nanosFor(long n) {
        return n <= 0 ? 0 : (n * NANOS + rate - 1) / rate;
    }

    /** Changes rate and burst, effective now: earned tokens are kept up to the new burst. */
    void change(long ratePerSecond, long newBurst, long now) {
        refill(now);
        set(ratePerSecond, newBurst);
        if (tokens > burst) {
            tokens = burst;
            remainder = 0;
        }
    }

    long rate() {
        return rate;
    }

    long burst() {
        return burst;
    }

    /** The least time whose earnings, with the carried fraction, reach {@code missing} tokens. */
    private long nanosToEarn(long missing) {
        long need = missing * NANOS - remainder; // ≤ MAX_BURST × 10⁹: fits
        return need <= 0 ? 0 : (need + rate - 1) / rate;
    }

    private void set(long ratePerSecond, long newBurst) {
        if (ratePerSecond < 1 || ratePerSecond > MAX_RATE) {
            throw new IllegalArgumentException("rate must be 1-" + MAX_RATE + " per second: " + ratePerSecond);
        }
        if (newBurst < 1 || newBurst > MAX_BURST) {
            throw new IllegalArgumentException("burst must be 1-" + MAX_BURST + ": " + newBurst);
        }
        this.rate = ratePerSecond;
        this.burst = newBurst;
    }

    @Override
    public String toString() {
        return "TokenBucket[" + tokens + "/" + burst + " at " + rate + "/s]";
    }
}
