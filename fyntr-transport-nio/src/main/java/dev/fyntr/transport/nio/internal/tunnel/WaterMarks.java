package dev.fyntr.transport.nio.internal.tunnel;

import dev.fyntr.transport.nio.internal.loop.BufferPool;

/**
 * When a flow's upload queue stops and resumes reading from its client, as two marks (Netty's
 * {@code WriteBufferWaterMark}): reading stops when the queue reaches a high mark, in bytes or in chunks, and
 * resumes only once it is down to both low marks (half the high ones). The gap means that a flow kept busy by a
 * fast client flips its interest (an {@code epoll_ctl} each way) once per half queue rather than once per chunk.
 * Bounding the chunks too stops many small reads from pinning many buffers; as tunnels multiply, the chunk mark
 * shrinks to the flow's share of the memory budget ({@link BufferPool#shareChunks}).
 */
record WaterMarks(long highBytes, int highChunks) {

    /** High marks at the queue bound and the chunks that fill it. */
    static WaterMarks ofQueueBound(int maxQueuedBytes) {
        return new WaterMarks(maxQueuedBytes, Math.max(1, maxQueuedBytes / BufferPool.CHUNK_BYTES));
    }

    /** At or over the high marks, with the chunks limited to {@code limitChunks} (the flow's share). */
    boolean atHigh(long bytes, int chunks, int limitChunks) {
        return bytes >= highBytes(limitChunks) || chunks >= limitChunks;
    }

    /** At or under both low marks (half the high ones) with the chunks limited to {@code limitChunks}. */
    boolean atOrBelowLow(long bytes, int chunks, int limitChunks) {
        return bytes <= highBytes(limitChunks) / 2 && chunks <= limitChunks / 2;
    }

    private long highBytes(int limitChunks) {
        return Math.min(highBytes, (long) limitChunks * BufferPool.CHUNK_BYTES);
    }
}
