package dev.fyntr.transport.nio.internal.loop;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Direct buffers of {@link #CHUNK_BYTES} for reads and writes, recycled so that the hot path allocates nothing.
 * Event-loop thread only. Every {@link #acquire()} is paired with one {@link #release(ByteBuffer)} on every
 * path, close paths included; {@link #outstanding()} lets tests check that.
 */
public final class BufferPool {

    public static final int CHUNK_BYTES = 16 * 1024;

    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
    private final int maxRetained;
    private int outstanding;

    public BufferPool(int maxRetained) {
        this.maxRetained = maxRetained;
    }

    /** A cleared buffer of {@link #CHUNK_BYTES}. */
    public ByteBuffer acquire() {
        ByteBuffer b = free.pollFirst();
        if (b == null) {
            b = ByteBuffer.allocateDirect(CHUNK_BYTES);
        }
        outstanding++;
        return b;
    }

    public void release(ByteBuffer buffer) {
        outstanding--;
        if (free.size() < maxRetained) {
            buffer.clear();
            free.addFirst(buffer); // LIFO: the warmest buffer is reused first
        }
    }

    public int outstanding() {
        return outstanding;
    }
}
