package dev.fyntr.transport.nio.internal.forward;

import dev.fyntr.api.spi.ChunkStats;
import dev.fyntr.api.spi.EmaChunkStats;
import dev.fyntr.api.spi.FlowInfo;
import dev.fyntr.api.spi.Scheduler;
import dev.fyntr.transport.nio.internal.loop.BufferPool;
import dev.fyntr.transport.nio.internal.loop.ChunkQueue;
import dev.fyntr.transport.nio.internal.loop.LoopContext;
import dev.fyntr.transport.nio.internal.metrics.ChunkClock;
import dev.fyntr.transport.nio.internal.metrics.Timings;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * The body of one plain-HTTP request on its way upstream, and the scheduler's {@link ScheduledFlow} for it: client
 * bytes are read in pooled chunks into a bounded queue and written when the scheduler picks the flow, exactly as a
 * tunnel's upload (so a big POST is shaped and a small one is a sparse flow, and {@code --max-rate} and the memory
 * budget apply). Unlike a tunnel it stops at the body's end ({@code Content-Length}, or the chunked framing's end):
 * bytes after it are the client's next request, which it hands back. Event-loop thread only.
 *
 * <p>The scheduler hears the same transitions as for a tunnel: {@code onBacklogged} when a chunk is queued and the
 * upstream is writable, {@code onSent} as each chunk is granted ({@link #stage}), {@code onIdle} when every queued
 * chunk is granted, {@code onBlocked} when a write falls short, {@code onClosed} when the body is over or the
 * exchange ends. Granted chunks stay staged in a {@link ChunkQueue}, as a tunnel upload's do, until the round's write
 * phase ({@link #flushStaged}) writes them all with one gathering write; each chunk's queueing delay goes to the
 * same histogram as a tunnel's.
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
    private final LoopContext loop;
    private final BufferPool buffers;
    private final Timings timings;
    private final Scheduler scheduler;
    private final ForwardServices.Counts counts;
    private final int maxQueuedBytes;
    private final ChunkedScanner scanner;
    /** The body's chunks; those granted this round are its staged prefix. */
    private final ChunkQueue queue = new ChunkQueue();
    /** When each queued chunk was queued, for the queueing-delay histogram. */
    private final ChunkClock chunkClock = new ChunkClock();
    private final FlowInfo info;
    private final EmaChunkStats chunkStats = new EmaChunkStats();
    private long remaining;
    /** Client bytes read but not yet taken (pooled): the body's start, and what follows its end. */
    private ByteBuffer carry;
    private Object schedulerState;
    private boolean listedForWrite;
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
     * @param info          what a scheduler may know of this flow (front end {@code PLAIN_HTTP})
     */
    RequestBody(Owner owner, ForwardServices services, long contentLength, boolean chunked, ByteBuffer carry,
                FlowInfo info) {
        this.info = info;
        this.owner = owner;
        this.loop = services.loop;
        this.buffers = services.loop.buffers();
        this.timings = services.timings;
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
        if (queue.hasUnstaged() && !eligible && !upstreamBlocked) {
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
        chunkClock.queued(loop.turnNanoTime());
        counts.queued(n);
        chunkStats.record(n);
        if (!eligible && !upstreamBlocked && !held) {
            becomeEligible();
        }
    }

    private boolean atHigh() {
        int limit = chunkLimit();
        int chunks = queue.size();
        long bytes = queue.bytes();
        readPaused = readPaused ? !(bytes <= maxQueuedBytes / 2 && chunks <= limit / 2)
                : bytes >= maxQueuedBytes || chunks >= limit;
        return readPaused;
    }

    /** The most chunks this body may queue: its queue bound, shrunk to its share of the memory budget. */
    private int chunkLimit() {
        return Math.min(Math.max(1, maxQueuedBytes / BufferPool.CHUNK_BYTES),
                buffers.shareChunks(counts.activeFlows()));
    }

    private boolean isSparse() {
        return queue.isEmpty()
                && (chunkStats.chunks() == 0 || chunkStats.averageChunkBytes() < SPARSE_CHUNK_BYTES);
    }

    private void becomeEligible() {
        eligible = true;
        knownToScheduler = true;
        // counted as a tunnel's upload is: the service round serves sparse flows that wake up between its writes
        counts.backlogged(chunkStats.averageChunkBytes() < SPARSE_CHUNK_BYTES);
        scheduler.onBacklogged(this);
    }

    @Override
    public int stage(int maxBytes) {
        if (!eligible || upstreamBlocked || held || released || !queue.hasUnstaged()) {
            eligible = false; // not eligible: a scheduler bug; resync it
            scheduler.onIdle(this);
            return 0;
        }
        int n = queue.stageNext(maxBytes); // 0 after a capped chunk: the last one granted until the write
        scheduler.onSent(this, n);
        if (!queue.hasUnstaged()) {
            eligible = false; // all it has is granted; eligible again if more arrives, or if the write falls short
            scheduler.onIdle(this);
        }
        return n;
    }

    @Override
    public boolean listedForWrite() {
        return listedForWrite;
    }

    @Override
    public boolean listForWrite() {
        if (listedForWrite) {
            return false;
        }
        listedForWrite = true;
        return true;
    }

    @Override
    public long flushStaged() {
        listedForWrite = false;
        if (released || !queue.hasStaged()) {
            return 0;
        }
        long n;
        int chunksBefore = queue.size();
        try {
            n = queue.writeStaged(owner.upstream(), buffers);
        } catch (IOException e) {
            owner.reset("upstream write failed: " + e.getMessage());
            return 0;
        }
        chunksWritten(chunksBefore - queue.size());
        bytesWritten += n;
        counts.upstream((int) n);
        counts.queued(-n);
        if (n > 0) {
            owner.touch();
        }
        if (queue.isEmpty()) {
            checkSent();
        } else if (queue.lastWriteFellShort()) {
            upstreamBlocked = true;
            if (!eligible) {
                scheduler.onBacklogged(this); // so that it leaves as blocked, not as gone quiet
            }
            eligible = false;
            knownToScheduler = true;
            scheduler.onBlocked(this);
        } else if (!eligible && !held && queue.hasUnstaged()) {
            becomeEligible(); // a capped chunk's tail (--max-rate), or chunks read meanwhile, wait for the next round
        }
        if (!released) {
            owner.updateInterest();
        }
        return n;
    }

    /** The first {@code chunks} queued chunks were written in full: their queueing delays go to the histogram. */
    private void chunksWritten(int chunks) {
        long now = loop.turnNanoTime();
        for (int i = 0; i < chunks; i++) { // bounded by the queue's size
            timings.chunkWritten(chunkClock.written(now), now);
        }
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
            if (queue.hasUnstaged()) {
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
        counts.queued(-queue.bytes());
        queue.clear(buffers);
        chunkClock.clear();
        if (carry != null) {
            buffers.release(carry);
            carry = null;
        }
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
        return queue.firstUnstagedBytes();
    }

    /** Bytes the scheduler has not granted yet (a capped chunk's tail counts once it is back in the queue). */
    @Override
    public long queuedBytes() {
        return queue.unstagedBytes();
    }

    @Override
    public FlowInfo info() {
        return info;
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
