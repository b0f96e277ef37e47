package dev.fyntr.transport.nio.internal.loop;

import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;

/**
 * The part of the event loop that the loop's tenants (connections, dialers, shapers) may use: its timers, its
 * buffers, its clock, channel registration, and the inbox for other threads. Giving them this instead of the
 * loop keeps their arrows short, and lets unit tests drive them with a fake clock.
 *
 * <p><b>Threads:</b> everything except {@link #execute} and {@link #inLoop} is for the loop thread only, which
 * {@code assert inLoop()} checks where it matters (assertions are on in tests).
 */
public interface LoopContext {

    /** The loop's timers; they fire on the loop thread, after the turn's I/O. */
    TimerQueue timers();

    /** The loop's pool of {@value BufferPool#CHUNK_BYTES}-byte direct buffers. */
    BufferPool buffers();

    /** The loop's clock, in {@link System#nanoTime()} units; timers use the same clock. */
    long nanoTime();

    /**
     * The loop's clock as read once at the start of this turn's I/O: free to read, so per-chunk measurements use it
     * (their resolution is one turn). Loop thread only.
     */
    default long turnNanoTime() {
        return nanoTime();
    }

    /** Registers {@code channel} (non-blocking) with the loop's selector, {@code handler} as its attachment. */
    SelectionKey register(SelectableChannel channel, int ops, IoHandler handler) throws IOException;

    /** Runs {@code task} on the loop thread soon. Thread-safe; never blocks. */
    void execute(Runnable task);

    /** Whether the caller runs on the loop thread. Thread-safe. */
    boolean inLoop();
}
