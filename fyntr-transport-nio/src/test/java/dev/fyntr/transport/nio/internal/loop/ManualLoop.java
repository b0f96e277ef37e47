package dev.fyntr.transport.nio.internal.loop;

import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.util.ArrayDeque;
import java.util.Queue;

/**
 * A {@link LoopContext} for unit tests: a clock that moves only when told, real timers and buffers, and an
 * inbox run on demand. It has no selector, so code under test must reach sockets through a seam.
 */
public final class ManualLoop implements LoopContext {

    private final TimerQueue timers = new TimerQueue();
    private final BufferPool buffers = new BufferPool(16);
    private final Queue<Runnable> inbox = new ArrayDeque<>();
    private long now;

    public ManualLoop(long start) {
        this.now = start;
    }

    /** Moves the clock forward and fires what is due; returns how many timers fired. */
    public int advance(long nanos) {
        now += nanos;
        return timers.runDue(now);
    }

    /** Runs the messages posted with {@link #execute}; returns how many ran. */
    public int runInbox() {
        int n = 0;
        for (Runnable r = inbox.poll(); r != null && n < 10_000; r = inbox.poll()) {
            r.run();
            n++;
        }
        return n;
    }

    @Override
    public TimerQueue timers() {
        return timers;
    }

    @Override
    public BufferPool buffers() {
        return buffers;
    }

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public SelectionKey register(SelectableChannel channel, int ops, IoHandler handler) {
        throw new UnsupportedOperationException("ManualLoop has no selector");
    }

    @Override
    public void execute(Runnable task) {
        inbox.add(task);
    }

    @Override
    public boolean inLoop() {
        return true;
    }
}
