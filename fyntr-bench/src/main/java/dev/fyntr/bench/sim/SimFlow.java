package dev.fyntr.bench.sim;

import dev.fyntr.api.spi.ChunkStats;
import dev.fyntr.api.spi.EmaChunkStats;
import dev.fyntr.api.spi.Flow;

import java.util.SplittableRandom;

/**
 * A simulated tunnel's client→upstream direction, as the transport would present it to a scheduler.
 *
 * <p>A bulk flow models a client that uploads faster than the link: its queue is refilled the moment a chunk
 * leaves, so it stays full (up to the transport's per-flow bound) until the upload's last chunk. A sparse flow
 * holds at most one small chunk at a time (a request that waits for its answer before the next one).
 */
public final class SimFlow implements Flow {

    /**
     * The transport's default per-flow queue bound ({@code ProxyDefaults.MAX_QUEUED_BYTES_PER_FLOW};
     * docs/cli.md#memory).
     */
    public static final int QUEUE_BOUND_BYTES = 256 * 1024;

    private final long id;
    private final boolean bulk;
    private final EmaChunkStats stats = new EmaChunkStats();
    private Object schedulerState;

    // Bulk: bytes of the upload not yet written (Long.MAX_VALUE = endless, for steady-state benchmarks).
    private long uploadLeft;
    // Bytes of the upload already queued in the proxy (always whole chunks, last one possibly short).
    private long queued;
    private int head;

    boolean eligible;
    long sentBytes;
    long pendingArrivalNanos = -1;
    long nextArrivalNanos = Long.MAX_VALUE;
    long completedNanos = -1;
    SplittableRandom random; // sparse flows only: sizes and think times, independent of the scheduler

    SimFlow(long id, boolean bulk) {
        this.id = id;
        this.bulk = bulk;
    }

    /** Whether this is a bulk flow (as opposed to a sparse one). */
    public boolean isBulk() {
        return bulk;
    }

    /** Starts a bulk upload of {@code bytes} (Long.MAX_VALUE: endless) and fills the queue. */
    void startUpload(long bytes) {
        uploadLeft = bytes;
        refill();
    }

    /** Queues one sparse chunk of {@code bytes}. */
    void queueSparse(int bytes, long arrivalNanos) {
        stats.record(bytes);
        queued = bytes;
        head = bytes;
        pendingArrivalNanos = arrivalNanos;
    }

    /** Removes {@code bytes} of the head chunk, as a write upstream does; refills a bulk queue. */
    void consume(int bytes) {
        head -= bytes;
        queued -= bytes;
        sentBytes += bytes;
        if (bulk) {
            if (uploadLeft != Long.MAX_VALUE) {
                uploadLeft -= bytes;
            }
            if (head == 0) {
                refill();
            }
        }
    }

    private void refill() {
        // The client keeps the queue at its bound: record every chunk that enters it, like the transport.
        while (queued < uploadLeft && queued + ChunkStats.MAX_CHUNK_BYTES <= QUEUE_BOUND_BYTES) {
            int chunk = (int) Math.min(ChunkStats.MAX_CHUNK_BYTES, uploadLeft - queued);
            stats.record(chunk);
            queued += chunk;
        }
        if (head == 0 && queued > 0) {
            head = (int) Math.min(ChunkStats.MAX_CHUNK_BYTES, queued);
        }
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public int headChunkBytes() {
        return head;
    }

    @Override
    public long queuedBytes() {
        return queued;
    }

    @Override
    public ChunkStats chunkStats() {
        return stats;
    }

    @Override
    public Object schedulerState() {
        return schedulerState;
    }

    @Override
    public void schedulerState(Object state) {
        this.schedulerState = state;
    }

    @Override
    public String toString() {
        return (bulk ? "bulk " : "sparse ") + id + "[head=" + head + ", queued=" + queued + "]";
    }
}
