package dev.fyntr.transport.nio.internal.metrics;

/**
 * When each chunk of one flow's upload queue was queued: a ring of {@code long}s kept in step with the queue
 * ({@link #queued} with each chunk added at the tail, {@link #written} with each chunk taken off the head), so that
 * the flow can report each chunk's queueing delay to {@link Timings#chunkWritten}. It grows by doubling when the
 * queue outgrows it (the queue is bounded, so this happens a few times per flow at most) and allocates nothing
 * otherwise. Event-loop thread only.
 */
public final class ChunkClock {

    private long[] times = new long[8];
    private int head;
    private int size;

    /** A chunk was added at the tail of the queue at {@code now}. */
    public void queued(long now) {
        if (size == times.length) {
            grow();
        }
        times[(head + size) & (times.length - 1)] = now;
        size++;
    }

    /**
     * The head chunk left the queue; returns when it was queued, or {@code now} if the clock is out of step (it
     * never should be: this keeps a bug from reporting nonsense).
     */
    public long written(long now) {
        if (size == 0) {
            return now;
        }
        long t = times[head];
        head = (head + 1) & (times.length - 1);
        size--;
        return t;
    }

    /** The queue was emptied without writing (the flow was released). */
    public void clear() {
        head = 0;
        size = 0;
    }

    int size() {
        return size;
    }

    private void grow() {
        long[] bigger = new long[times.length * 2];
        for (int i = 0; i < size; i++) {
            bigger[i] = times[(head + i) & (times.length - 1)];
        }
        times = bigger;
        head = 0;
    }
}
