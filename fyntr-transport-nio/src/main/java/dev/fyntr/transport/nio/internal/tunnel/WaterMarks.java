package dev.fyntr.transport.nio.internal.tunnel;

import dev.fyntr.transport.nio.internal.loop.BufferPool;

/**
 * When a flow's upload queue stops and resumes reading from its client, as two marks (Netty's
 * {@code WriteBufferWaterMark}): reading stops when the queue reaches a high mark, in bytes or in chunks, and
 * resumes only once it is down to both low marks. The gap means that a flow kept busy by a fast client flips
 * its interest (an {@code epoll_ctl} each way) once per half queue rather than once per chunk. Bounding the
 * chunks too stops many small reads from pinning many buffers.
 */
record WaterMarks(long highBytes, long lowBytes, int highChunks, int lowChunks) {

    /** High marks at the queue bound (and the chunks that fill it), low marks at half of them. */
    static WaterMarks ofQueueBound(int maxQueuedBytes) {
        int chunks = Math.max(1, maxQueuedBytes / BufferPool.CHUNK_BYTES);
        return new WaterMarks(maxQueuedBytes, maxQueuedBytes / 2, chunks, chunks / 2);
    }

    boolean atHigh(long bytes, int chunks) {
        return bytes >= highBytes || chunks >= highChunks;
    }

    boolean atOrBelowLow(long bytes, int chunks) {
        return bytes <= lowBytes && chunks <= lowChunks;
    }
}
