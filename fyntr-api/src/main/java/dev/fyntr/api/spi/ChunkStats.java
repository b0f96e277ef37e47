package dev.fyntr.api.spi;

/**
 * Statistics of the chunks one flow has queued, maintained by the transport.
 *
 * <p>The average is an exponential moving average with {@link #EMA_ALPHA} = 0.2 whose first sample
 * initialises it (docs/schedulers.md#the-quantum-adaptive-tuner). {@link EmaChunkStats} is the standard
 * implementation; transports and simulators use it so that every tuner sees the same numbers.
 *
 * <p><b>Threading and cost:</b> as {@link Flow}: event-loop thread only, O(1), no allocation.
 */
public interface ChunkStats {

    /** The largest chunk a transport queues: one read of at most 16 KiB. */
    int MAX_CHUNK_BYTES = 16 * 1024;

    /** Weight of the newest sample in the moving average. */
    double EMA_ALPHA = 0.2;

    /** Number of chunks recorded so far. */
    long chunks();

    /** Total bytes of all chunks recorded so far. */
    long bytes();

    /** Exponential moving average of chunk sizes in bytes; 0 when {@link #chunks()} is 0. */
    double averageChunkBytes();
}
