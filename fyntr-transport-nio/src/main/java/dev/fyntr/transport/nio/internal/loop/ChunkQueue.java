package dev.fyntr.transport.nio.internal.loop;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;

/**
 * One flow's queue of client chunks on their way upstream (a tunnel's upload, a plain request's body), in two
 * parts: a <em>staged</em> prefix, the chunks the scheduler has already granted this round, and the rest, still
 * waiting for the scheduler. The staged chunks go out together in one gathering write ({@link #writeStaged}), so a
 * flow's whole share of a round costs one system call however many chunks it spans: the scheduler still decides
 * chunk by chunk, but the kernel is entered once per flow.
 *
 * <p>A ring of buffers: adding, staging and writing allocate nothing once the ring has grown to the flow's bound
 * (the ring doubles when full, which the water marks make rare and bounded). Event-loop thread only.
 */
public final class ChunkQueue {

    private ByteBuffer[] ring = new ByteBuffer[8];
    /** The staged chunks laid out from index 0, for the gathering write: reused, so a write allocates nothing. */
    private ByteBuffer[] gather = new ByteBuffer[8];
    private int head;
    private int size;
    private int staged;
    private long bytes;
    private long stagedBytes;
    /** The limit a chunk had before {@link #stageNext} capped it (--max-rate); -1 when none is capped. */
    private int cappedLimit = -1;
    /** Whether the last {@link #writeStaged} left staged bytes behind: the socket's buffer is full. */
    private boolean lastWriteFellShort;

    /** Chunks queued, staged or not. */
    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Bytes queued, staged or not: what the flow holds in memory. */
    public long bytes() {
        return bytes;
    }

    /** Bytes not yet staged (a capped chunk's tail included): what the scheduler still has to grant. */
    public long unstagedBytes() {
        return bytes - stagedBytes;
    }

    /** Whether a chunk waits for the scheduler. */
    public boolean hasUnstaged() {
        return staged < size;
    }

    /** Whether chunks are staged for the next {@link #writeStaged}. */
    public boolean hasStaged() {
        return staged > 0;
    }

    /** The bytes of the first chunk the scheduler has not granted yet, 0 if none. */
    public int firstUnstagedBytes() {
        return staged < size ? at(staged).remaining() : 0;
    }

    /** The last chunk queued, or {@code null}: a read may top it up while nothing is staged. */
    public ByteBuffer peekLast() {
        return size == 0 ? null : at(size - 1);
    }

    public void addLast(ByteBuffer chunk) {
        if (size == ring.length) {
            grow();
        }
        ring[(head + size) & (ring.length - 1)] = chunk;
        size++;
        bytes += chunk.remaining();
    }

    /** The last chunk grew by {@code n} bytes in place (a read into its spare room). */
    public void grewLast(int n) {
        bytes += n;
    }

    /**
     * Stages the first unstaged chunk, or only its first {@code maxBytes} when it holds more (a rate cap: then it
     * is the last one staged until the next write, which puts the rest back).
     *
     * @return the bytes staged; 0 when nothing may be staged
     */
    public int stageNext(int maxBytes) {
        if (staged == size || cappedLimit >= 0 || maxBytes <= 0) {
            return 0;
        }
        ByteBuffer chunk = at(staged);
        int n = chunk.remaining();
        if (n > maxBytes) {
            cappedLimit = chunk.limit();
            chunk.limit(chunk.position() + maxBytes);
            n = maxBytes;
        }
        staged++;
        stagedBytes += n;
        return n;
    }

    /**
     * Writes the staged chunks with one gathering write, releases those written in full to {@code pool}, and puts
     * whatever the socket did not take back in front of the unstaged ones.
     *
     * @return the bytes written
     */
    public long writeStaged(GatheringByteChannel channel, BufferPool pool) throws IOException {
        int n = staged;
        if (n == 0) {
            return 0;
        }
        if (gather.length < n) {
            gather = new ByteBuffer[ring.length];
        }
        for (int i = 0; i < n; i++) {
            gather[i] = at(i);
        }
        long offered = stagedBytes;
        long written = 0;
        try {
            written = channel.write(gather, 0, n);
        } finally {
            for (int i = 0; i < n; i++) {
                gather[i] = null;
            }
            unstageAll();
        }
        lastWriteFellShort = written < offered;
        bytes -= written;
        while (size > 0 && !at(0).hasRemaining()) {
            pool.release(removeFirst());
        }
        return written;
    }

    /** Whether the last {@link #writeStaged} could not write everything staged (the socket is full). */
    public boolean lastWriteFellShort() {
        return lastWriteFellShort;
    }

    /** Staging is undone: every chunk waits for the scheduler again, a capped one whole. */
    private void unstageAll() {
        if (cappedLimit >= 0) {
            at(staged - 1).limit(cappedLimit);
            cappedLimit = -1;
        }
        staged = 0;
        stagedBytes = 0;
    }

    /** Releases every chunk to {@code pool}; the queue is empty afterwards. */
    public void clear(BufferPool pool) {
        unstageAll();
        while (size > 0) { // bounded by the queue's size
            pool.release(removeFirst());
        }
        bytes = 0;
    }

    private ByteBuffer removeFirst() {
        ByteBuffer b = ring[head];
        ring[head] = null;
        head = (head + 1) & (ring.length - 1);
        size--;
        if (staged > 0) {
            staged--;
        }
        return b;
    }

    private ByteBuffer at(int i) {
        return ring[(head + i) & (ring.length - 1)];
    }

    private void grow() {
        ByteBuffer[] bigger = new ByteBuffer[ring.length * 2];
        for (int i = 0; i < size; i++) {
            bigger[i] = at(i);
        }
        ring = bigger;
        head = 0;
    }
}
