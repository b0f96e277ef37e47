package dev.fyntr.transport.nio.internal.net;

import org.slf4j.Logger;

import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One kind of warning, written at most once a second: within a second, further ones are counted, and the next
 * line written says how many were suppressed. So a flood of bad requests cannot flood or slow the log. Lines go
 * through {@link LogHandoff}, so the caller never waits on the log backend. Thread-safe (an uncontended lock:
 * several proxies in one JVM may share a kind).
 */
public final class RateLimitedLog {

    /** Where lines go: the logger's WARN through the handoff, or a test's collector. */
    public interface Sink {
        void warn(String line);
    }

    private static final long WINDOW_NANOS = 1_000_000_000L;

    private final Sink sink;
    private final LongSupplier clock;
    private long windowStart;
    private boolean started;
    private long suppressed;

    public RateLimitedLog(Sink sink, LongSupplier clock) {
        this.sink = sink;
        this.clock = clock;
    }

    /** Warnings to {@code logger}, handed off, on the real clock. */
    public static RateLimitedLog warnings(Logger logger) {
        return new RateLimitedLog(line -> LogHandoff.submit(() -> logger.warn(line)), System::nanoTime);
    }

    /** Whether a line would be written now; if not, the caller's line is counted as suppressed. */
    public synchronized boolean admit() {
        long now = clock.getAsLong();
        if (started && now - windowStart < WINDOW_NANOS) {
            suppressed++;
            return false;
        }
        started = true;
        windowStart = now;
        return true;
    }

    /** Writes {@code line} if the limit allows (see {@link #admit}); builds nothing when it does not. */
    public void warn(Supplier<String> line) {
        if (admit()) {
            sink.warn(line.get() + takeSuppressed());
        }
    }

    /** The note to append to a line that {@link #admit} let through, e.g. for a line with a stack trace. */
    public synchronized String takeSuppressed() {
        if (suppressed == 0) {
            return "";
        }
        String note = " (" + suppressed + " similar line(s) suppressed in the last second or more)";
        suppressed = 0;
        return note;
    }

    /** Lines suppressed since the last one written. */
    public synchronized long suppressed() {
        return suppressed;
    }
}
