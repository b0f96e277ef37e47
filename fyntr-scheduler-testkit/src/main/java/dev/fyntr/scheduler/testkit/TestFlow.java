package dev.fyntr.scheduler.testkit;

import dev.fyntr.api.spi.ChunkStats;
import dev.fyntr.api.spi.EmaChunkStats;
import dev.fyntr.api.spi.Flow;
import dev.fyntr.api.spi.FlowInfo;

import java.util.ArrayDeque;

/**
 * A {@link Flow} whose queue is a list of chunk sizes, created and driven by a {@link SchedulerDriver}.
 *
 * <p>Read-only to tests: every change goes through the driver, so that the scheduler is told about each
 * eligibility change exactly once, as a transport would.
 */
public final class TestFlow implements Flow {

    /** The id, for the driver's messages: reading it does not count as a read by the scheduler. */
    final long id;
    private final SchedulerDriver driver;
    private final ArrayDeque<Integer> chunks = new ArrayDeque<>();
    private final EmaChunkStats stats = new EmaChunkStats();
    /** What is left of the head chunk after partial writes. */
    private int headRemaining;
    private long queuedBytes;
    private Object schedulerState;
    private final FlowInfo info;

    // Driver bookkeeping.
    boolean writable = true;
    /** Bytes the upstream socket takes before it is full; {@link Long#MAX_VALUE} = unlimited. */
    long socketRoom = Long.MAX_VALUE;
    boolean eligible;
    boolean closed;
    private long servedBytes;
    private long servedDecisions;
    /** The driver's number of the scheduler call that {@link #readsInCall} counts for. */
    long readCall;
    /** Reads of this flow's {@link Flow} methods during that call. */
    long readsInCall;

    TestFlow(long id, SchedulerDriver driver, FlowInfo info) {
        this.id = id;
        this.driver = driver;
        this.info = info;
    }

    void enqueue(int chunkBytes) {
        if (chunkBytes < 1 || chunkBytes > ChunkStats.MAX_CHUNK_BYTES) {
            throw new IllegalArgumentException("chunk of " + chunkBytes + " bytes: must be 1.."
                    + ChunkStats.MAX_CHUNK_BYTES);
        }
        if (chunks.isEmpty()) {
            headRemaining = chunkBytes;
        }
        chunks.addLast(chunkBytes);
        stats.record(chunkBytes);
        queuedBytes += chunkBytes;
    }

    /** Writes up to {@code maxBytes} of the head chunk; returns the bytes written. */
    int write(long maxBytes) {
        int bytes = (int) Math.min(headRemaining, maxBytes);
        headRemaining -= bytes;
        queuedBytes -= bytes;
        if (headRemaining == 0 && !chunks.isEmpty()) {
            chunks.pollFirst();
            Integer next = chunks.peekFirst();
            headRemaining = next == null ? 0 : next;
        }
        servedBytes += bytes;
        servedDecisions++;
        return bytes;
    }

    // The Flow methods count as reads against the driver's budget when the scheduler calls them.

    @Override
    public FlowInfo info() {
        driver.read(this, "info()");
        return info;
    }

    @Override
    public long id() {
        driver.read(this, "id()");
        return id;
    }

    @Override
    public int headChunkBytes() {
        driver.read(this, "headChunkBytes()");
        return headRemaining;
    }

    @Override
    public long queuedBytes() {
        driver.read(this, "queuedBytes()");
        return queuedBytes;
    }

    @Override
    public ChunkStats chunkStats() {
        driver.read(this, "chunkStats()");
        return stats;
    }

    @Override
    public Object schedulerState() {
        driver.read(this, "schedulerState()");
        return schedulerState;
    }

    @Override
    public void schedulerState(Object state) {
        driver.read(this, "schedulerState(state)");
        this.schedulerState = state;
    }

    /** Chunks still queued, a partly written head chunk included. */
    public int queuedChunks() {
        return chunks.size();
    }

    /** Whether the scheduler was last told that this flow is eligible. */
    public boolean isEligible() {
        return eligible;
    }

    /** Whether the flow's upstream can take bytes. */
    public boolean isWritable() {
        return writable;
    }

    /** Whether the flow was closed. */
    public boolean isClosed() {
        return closed;
    }

    /** Bytes written for this flow so far. */
    public long servedBytes() {
        return servedBytes;
    }

    /** Decisions ({@code next()} results) that named this flow so far. */
    public long servedDecisions() {
        return servedDecisions;
    }

    /** Why the flow is or is not eligible, for failure messages. */
    String state() {
        if (closed) {
            return "closed";
        }
        if (eligible) {
            return "eligible";
        }
        return chunks.isEmpty() ? "idle (queue empty)" : "blocked (upstream full)";
    }

    @Override
    public String toString() {
        return "flow " + id + "[" + state() + ", " + chunks.size() + " chunks/" + queuedBytes + " B queued]";
    }
}
