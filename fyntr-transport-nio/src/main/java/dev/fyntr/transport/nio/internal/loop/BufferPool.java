package dev.fyntr.transport.nio.internal.loop;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The proxy's one memory budget, as direct buffers of {@link #CHUNK_BYTES}: every byte the proxy holds for a
 * connection (upload queues, the chunk held for a slow client, handshake heads) is one of these chunks, and no
 * more than {@code budgetBytes} of them exist at once. Free chunks are recycled so that the hot path allocates
 * nothing. Event-loop thread only.
 *
 * <p>A share of the budget is held in reserve: {@link #acquire()} (bulk reads) stops short of it, while
 * {@link #acquireReserved()} (handshakes, and flows that hold nothing, such as interactive ones) may use it,
 * so that those always get a buffer while bulk flows fill the rest. When a read cannot get a chunk, its owner
 * {@linkplain #awaitMemory waits}: reading stops (TCP then slows the sender) and resumes, oldest waiter first,
 * once enough chunks are free again ({@link #wakeWaiters()}, once per loop turn). Every acquire is paired
 * with one {@link #release} on every path, close paths included; {@link #outstanding()} lets tests check that.
 */
public final class BufferPool {

    public static final int CHUNK_BYTES = 16 * 1024;

    /** Someone who stopped reading for want of memory. */
    public interface MemoryWaiter {
        /** Chunks are free again: read again. Runs on the loop thread; a waiter that has closed ignores it. */
        void onMemoryAvailable();
    }

    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
    private final ArrayDeque<MemoryWaiter> waiters = new ArrayDeque<>();
    private final int maxRetained;
    private final int budgetChunks;
    private final int normalChunks;
    private final int resumeBelowChunks;
    private int outstanding;
    private int peak;
    private long refusals;

    /**
     * @param budgetBytes the most memory held in chunks at once, at least one chunk
     * @param maxRetained how many free chunks are kept for reuse (the rest are left to the garbage collector)
     */
    public BufferPool(long budgetBytes, int maxRetained) {
        this.budgetChunks = (int) Math.max(1, Math.min(Integer.MAX_VALUE, budgetBytes / CHUNK_BYTES));
        int reserve = Math.min(budgetChunks - 1, Math.max(2, budgetChunks / 8));
        this.normalChunks = budgetChunks - reserve;
        this.resumeBelowChunks = Math.max(1, normalChunks - Math.max(1, normalChunks / 16));
        this.maxRetained = Math.min(maxRetained, budgetChunks);
    }

    /** An unbounded pool (tests of code that does not care about the budget). */
    public BufferPool(int maxRetained) {
        this((long) Integer.MAX_VALUE * CHUNK_BYTES, maxRetained);
    }

    /** A cleared chunk from the budget outside the reserve, or {@code null} when that part is spent. */
    public ByteBuffer acquire() {
        return outstanding < normalChunks ? take() : refuse();
    }

    /** A cleared chunk, from the reserve if need be; {@code null} only when the whole budget is spent. */
    public ByteBuffer acquireReserved() {
        return outstanding < budgetChunks ? take() : refuse();
    }

    private ByteBuffer take() {
        ByteBuffer b = free.pollFirst();
        if (b == null) {
            try {
                b = ByteBuffer.allocateDirect(CHUNK_BYTES);
            } catch (OutOfMemoryError e) {
                return refuse(); // the JVM's direct memory is used elsewhere too: shed load instead of dying
            }
        }
        outstanding++;
        if (outstanding > peak) {
            peak = outstanding;
        }
        return b;
    }

    private ByteBuffer refuse() {
        refusals++;
        return null;
    }

    public void release(ByteBuffer buffer) {
        outstanding--;
        if (free.size() < maxRetained) {
            buffer.clear();
            free.addFirst(buffer); // LIFO: the warmest buffer is reused first
        }
    }

    /** {@code waiter} stopped reading for want of a chunk; it is told when chunks are free again. */
    public void awaitMemory(MemoryWaiter waiter) {
        waiters.addLast(waiter);
    }

    /** Whether waiters should be woken now (the loop then does not sleep). */
    public boolean waitersDue() {
        return !waiters.isEmpty() && outstanding < resumeBelowChunks;
    }

    /**
     * Wakes waiters, oldest first, while there is room below the resume mark; called once per loop turn, not
     * from within a release, so that a waiter never runs inside another tenant's code.
     */
    public void wakeWaiters() {
        // Bounded by the waiters present at entry; a woken waiter that waits again goes to the back.
        for (int n = waiters.size(); n > 0 && outstanding < resumeBelowChunks; n--) {
            waiters.pollFirst().onMemoryAvailable();
        }
    }

    /**
     * The chunks one of {@code flows} bulk flows may queue: the budget outside the reserve shared equally, at
     * least one chunk each (so every flow makes progress however many there are).
     */
    public int shareChunks(int flows) {
        return Math.max(1, normalChunks / Math.max(1, flows));
    }

    public int outstanding() {
        return outstanding;
    }

    public long budgetBytes() {
        return (long) budgetChunks * CHUNK_BYTES;
    }

    public long usedBytes() {
        return (long) outstanding * CHUNK_BYTES;
    }

    public long peakBytes() {
        return (long) peak * CHUNK_BYTES;
    }

    /** How many times a chunk was refused for want of budget. */
    public long refusals() {
        return refusals;
    }

    public int waiting() {
        return waiters.size();
    }
}
