package dev.fyntr.transport.nio.internal.shaping;

/**
 * The recent rate of a growing byte counter: an exponential moving average with a 1 s time constant over
 * samples at least 100 ms apart. Sampling is lazy (whenever the loop turns, and when stats are taken), so an
 * idle proxy spends nothing on it; a long gap between samples counts as the average over the gap, weighted by
 * its length. Event-loop thread only.
 */
final class RateMeter {

    static final long SAMPLE_NANOS = 100_000_000L;
    private static final double TAU_NANOS = 1e9;

    private long lastAt;
    private long lastTotal;
    private double rate;
    private boolean started;

    /** Records the counter's value at {@code now}; cheap when the last sample is recent. */
    void sample(long now, long total) {
        if (!started) {
            started = true;
            lastAt = now;
            lastTotal = total;
            return;
        }
        long dt = now - lastAt;
        if (dt < SAMPLE_NANOS) {
            return;
        }
        double instant = (total - lastTotal) * 1e9 / dt;
        double alpha = 1 - Math.exp(-dt / TAU_NANOS);
        rate += alpha * (instant - rate);
        lastAt = now;
        lastTotal = total;
    }

    /** Per second, rounded. */
    long perSecond() {
        return Math.round(rate);
    }
}
