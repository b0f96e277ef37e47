package dev.fyntr.api.spi;

/**
 * The mutable {@link ChunkStats} a transport keeps per flow: call {@link #record(int)} once per chunk queued.
 *
 * <p>Not thread-safe: owned by the event-loop thread like the flow itself.
 */
public final class EmaChunkStats implements ChunkStats {

    private long chunks;
    private long bytes;
    private double average;

    /** Empty statistics: no chunk recorded. */
    public EmaChunkStats() {
    }

    /**
     * Records one chunk.
     *
     * @param chunkBytes size of the chunk, {@code > 0}
     * @throws IllegalArgumentException if {@code chunkBytes <= 0}
     */
    public void record(int chunkBytes) {
        if (chunkBytes <= 0) {
            throw new IllegalArgumentException("chunkBytes <= 0: " + chunkBytes);
        }
        average = chunks == 0 ? chunkBytes : average + EMA_ALPHA * (chunkBytes - average);
        chunks++;
        bytes += chunkBytes;
    }

    @Override
    public long chunks() {
        return chunks;
    }

    @Override
    public long bytes() {
        return bytes;
    }

    @Override
    public double averageChunkBytes() {
        return average;
    }

    @Override
    public String toString() {
        return "ChunkStats[chunks=" + chunks + ", bytes=" + bytes + ", avg=" + Math.round(average) + "]";
    }
}
