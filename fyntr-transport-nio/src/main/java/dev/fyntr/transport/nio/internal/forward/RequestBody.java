package dev.fyntr.transport.nio.internal.forward;

import dev.fyntr.api.spi.ChunkStats;
import dev.fyntr.api.spi.EmaChunkStats;
import dev.fyntr.api.spi.Scheduler;
import dev.fyntr.transport.nio.internal.loop.BufferPool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/**
 * The body of one plain-HTTP request on its way upstream, and the scheduler's {@link ScheduledFlow} for it: client
 * bytes are read in pooled chunks into a bounded queue and written when the scheduler picks the flow, exactly as a
 * tunnel's upload (so a big POST is shaped and a small one is a sparse flow, and {@code --max-rate} and the memory
 * budget apply). Unlike a tunnel it stops at the body's end ({@code Content-Length}, or the chunked framing's end):
 * bytes after it are the client's next request, which it hands back. Event-loop thread only.
 *
 * <p>The scheduler hears the same transitions as for a tunnel: {@code onBacklogged} when a chunk is queued and the
 * upstream is writable, {@code onIdle} when the queue empties, {@code onBlocked} on a partial write,
 * {@code onClosed} when the body is over or the exchange ends.
 */
final class RequestBody implements ScheduledFlow, BufferPool.MemoryWaiter {

    /** What the body needs from its exchange. */
    interface Owner {
        long id();

        SocketChannel client();

        SocketChannel upstream();

        /** Bytes moved: the idle deadline starts again. */
        void touch();

        void updateInterest();

        /** The exchange failed; everything is released (the body too). */
        void reset(String reason);

        boolean isReleased();

        /** Every body byte has been read; {@code leftover} (pooled, or null) holds the client's next bytes. */
        void bodyRead(ByteBuffer leftover);

        /** Every body byte has been written upstream. */
        void bodySent();
    }

    private static final int READS_PER_EVENT = 4;
    private static final int SPARSE_CHUNK_BYTES = BufferPool.CHUNK_BYTES / 4;

    private final Owner owner;
    private final BufferPool buffers;
    private final Scheduler scheduler;
    private final ForwardServices.Counts counts;
    private final int maxQueuedBytes;
    private final ChunkedScanner scanner;
    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>(8);
    private final EmaChunkStats chunkStats = new EmaChunkStats();
    private long remaining;
    /** Client bytes read but not yet taken (pooled): the body's start, and what follows its end. */
    private ByteBuffer carry;
    private Object schedulerState;
    private long queuedBytes;
    private long bytesWritten;
    private boolean held = true;
    private boolean eligible;
    private boolean knownToScheduler;
    private boolean upstreamBlocked;
    private boolean readDone;
    private boolean sent;
    private boolean readPaused;
    private boolean waitingForMemory;
    private boolean released;

    /**
     * @param contentLength the body's length, when not chunked
     * @param carry         client bytes read after the head (pooled; the body now owns them), or null
     */
    RequestBody(Owner owner, ForwardServices services, long contentLength, boolean chunked, ByteBuffer carry) {
        this.owner = owner;
        this.buffers = services.loop.buffers();
        this.scheduler = services.scheduler;
        this.counts = services.counts;
        this.maxQueuedBytes = services.maxQueuedBytes;
        this.scanner = chunked ? new ChunkedScanner() : null;
        this.remaining = chunked ? Long.MAX_VALUE : contentLength;
        this.carry = carry;
    }

    /** Takes what the head's buffer held of the body; the head is not yet upstream, so nothing is offered yet. */
    void begin() {
        if (carry != null) {
            takeFromCarry();
        }
    }

    /** The request head is upstream: queued chunks may go now. */
    void unhold() {
        held = false;
        if (!queue.isEmpty() && !eligible && !upstreamBlocked) {
            becomeEligible();
        }
        checkSent();
    }

    /** Reads body bytes from the client, up to the queue's bound and the body's end. */
    void readClient() throws IOException {
        for (int i = 0; i < READS_PER_EVENT && !readDone && !released && !waitingForMemory && !atHigh(); i++) {
            ByteBuffer b = isSparse() ? buffers.acquireReserved() : buffers.acquire();
            if (b == null) {
                waitingForMemory = true; // TCP slows the client meanwhile
                buffers.awaitMemory(this);
                return;
            }
            if (scanner == null && remaining < b.capacity()) {
                b.limit((int) remaining); // never read past a Content-Length body: the rest is the next request
            }
            int want = b.remaining();
            int n;
            try {
                n = owner.client().read(b);
            } catch (IOException e) {
                buffers.release(b);
                throw e;
            }
            if (n <= 0) {
                buffers.release(b);
                if (n < 0) {
                    owner.reset("client closed the connection in the middle of the request body");
                }
                return;
            }
            owner.touch();
            carry = b.flip();
            takeFromCarry();
            if (n < want) {
                return;
            }
        }
    }

    /** Moves the carry's body bytes to the queue: the whole buffer, or a copy of the part before the body's end. */
    private void takeFromCarry() {
        ByteBuffer c = carry;
        int k;
        if (scanner == null) {
            k = (int) Math.min(remaining, c.remaining());
        } else {
            int end = scanner.scan(c);
            if (end == ChunkedScanner.MALFORMED) {
                owner.reset("malformed chunked request body: " + scanner.error());
                return;
            }
            k = end == ChunkedScanner.MORE ? c.remaining() : end - c.position();
        }
        if (scanner == null) {
            remaining -= k;
        }
        boolean over = scanner == null ? remaining == 0 : scanner.done();
        if (k == c.remaining()) {
            carry = null;
            if (k > 0) {
                enqueue(c);
            } else {
                buffers.release(c);
            }
        } else if (k > 0) {
            ByteBuffer part = buffers.acquireReserved();
            if (part == null) {
                owner.reset("no buffer memory left to split a request body from the next request");
                return;
            }
            int limit = c.limit();
            c.limit(c.position() + k);
            part.put(c).flip();
            c.limit(limit);
            enqueue(part);
        }
        if (over) {
            readDone = true;
            ByteBuffer leftover = carry;
            carry = null;
            owner.bodyRead(leftover);
            checkSent();
        }
    }

    private void enqueue(ByteBuffer chunk) {
        int n = chunk.remaining();
        queue.addLast(chunk);
        queuedBytes += n;
        counts.queued(n);
        chunkStats.record(n);
        if (!eligible && !upstreamBlocked && !held) {
            becomeEligible();
        }
    }

    private boolean atHigh() {
        int limit = chunkLimit();
        readPaused = readPaused ? !(queuedBytes <= maxQueuedBytes / 2 && queue.size() <= limit / 2)
                : queuedBytes >= maxQueuedBytes || queue.size() >= limit;
        return readPaused;
    }

    /** The most chunks this body may queue: its queue bound, shrunk to its share of the memory budget. */
    private int chunkLimit() {
        return Math.min(Math.max(1, maxQueuedBytes / BufferPool.CHUNK_BYTES),
                buffers.shareChunks(counts.activeFlows()));
    }

    private boolean isSparse() {
        return queue.isEmpty() && (chunkStats.chunks() == 0 || chunkStats.averageChunkBytes() < SPARSE_CHUNK_BYTES);
    }

    private void becomeEligible() {
        eligible = true;
        knownToScheduler = true;
        scheduler.onBacklogged(this);
    }

    @Override
    public int writeHeadChunk(int maxBytes) {
        ByteBuffer head = queue.peekFirst();
        if (head == null || upstreamBlocked || held || released) {
            eligible = false; // not eligible: a scheduler bug; resync it
            scheduler.onIdle(this);
            return 0;
        }
        int limit = head.limit();
        boolean capped = head.remaining() > maxBytes;
        if (capped) {
            head.limit(head.position() + maxBytes);
        }
        int n;
        try {
            n = owner.upstream().write(head);
        } catch (IOException e) {
            head.limit(limit);
            owner.reset("upstream write failed: " + e.getMessage());
            return 0;
        }
        head.limit(limit);
        scheduler.onSent(this, n);
        bytesWritten += n;
        queuedBytes -= n;
        counts.upstream(n);
        counts.queued(-n);
        if (n > 0) {
            owner.touch();
        }
        if (!head.hasRemaining()) {
            queue.pollFirst();
            buffers.release(head);
            if (queue.isEmpty()) {
                eligible = false;
                scheduler.onIdle(this);
                checkSent();
            }
        } else if (!capped || n < maxBytes) {
            eligible = false;
            upstreamBlocked = true;
            scheduler.onBlocked(this);
        }
        if (!released) {
            owner.updateInterest();
        }
        return n;
    }

    private void checkSent() {
        if (readDone && queue.isEmpty() && !held && !sent && !released) {
            sent = true;
            owner.bodySent();
        }
    }

    /** OP_WRITE on the upstream: a blocked body may write again. */
    void onUpstreamWritable() {
        if (upstreamBlocked) {
            upstreamBlocked = false;
            if (!queue.isEmpty()) {
                becomeEligible();
            }
        }
    }

    @Override
    public void onMemoryAvailable() {
        waitingForMemory = false;
        if (!released) {
            owner.updateInterest();
        }
    }

    /** Read interest on the client: until the body's end, while the queue is below its bound and memory is left. */
    int clientOps() {
        return readDone || waitingForMemory || released || atHigh() ? 0 : SelectionKey.OP_READ;
    }

    /** Write interest on the upstream, while a partial write waits. */
    int upstreamOps() {
        return upstreamBlocked ? SelectionKey.OP_WRITE : 0;
    }

    boolean sent() {
        return sent;
    }

    long bytesWritten() {
        return bytesWritten;
    }

    /** Returns every buffer and tells the scheduler the flow is gone. Idempotent. */
    void release() {
        released = true;
        for (ByteBuffer b = queue.pollFirst(); b != null; b = queue.pollFirst()) { // bounded by the queue's size
            buffers.release(b);
        }
        if (carry != null) {
            buffers.release(carry);
            carry = null;
        }
        counts.queued(-queuedBytes);
        queuedBytes = 0;
        if (knownToScheduler) {
            knownToScheduler = false;
            eligible = false;
            scheduler.onClosed(this);
        }
    }

    @Override
    public void reset(String reason) {
        owner.reset(reason);
    }

    @Override
    public void rejoin(Scheduler replacement) {
        schedulerState = null;
        if (eligible) {
            replacement.onBacklogged(this);
        }
    }

    // ---- Flow -------------------------------------------------------------------------------------------

    @Override
    public long id() {
        return owner.id();
    }

    @Override
    public int headChunkBytes() {
        ByteBuffer head = queue.peekFirst();
        return head == null ? 0 : head.remaining();
    }

    @Override
    public long queuedBytes() {
        return queuedBytes;
    }

    @Override
    public ChunkStats chunkStats() {
        return chunkStats;
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
        return owner + " request body";
    }
}
