package dev.fyntr.transport.nio.internal.forward;

import dev.fyntr.api.spi.ChunkStats;
import dev.fyntr.api.spi.EmaChunkStats;
import dev.fyntr.api.spi.FlowInfo;
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
 * upstream is writable, {@code onSent} as each chunk is granted ({@link #stage}), {@code onIdle} when every queued
 * chunk is granted, {@code onBlocked} when a write falls short, {@code onClosed} when the body is over or the
 * exchange ends. Granted chunks wait in {@code granted} until the service round's write phase
 * ({@link #flushStaged}) writes them all with one gathering write.
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
    /** Chunks the scheduler has not granted yet (a capped chunk's tail goes back to its front after the write). */
    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>(8);
    /** Chunks granted this round, in order, all before those of {@link #queue}; empty between rounds. */
    private final ArrayDeque<ByteBuffer> granted = new ArrayDeque<>(8);
    /** The granted chunks laid out for the gathering write: reused, so a write allocates nothing. */
    private ByteBuffer[] gather = new ByteBuffer[8];
    private final FlowInfo info;
    private final EmaChunkStats chunkStats = new EmaChunkStats();
    private long remaining;
    /** Client bytes read but not yet taken (pooled): the body's start, and what follows its end. */
    private ByteBuffer carry;
    private Object schedulerState;
    /** Bytes held, granted or not: what the body holds in memory. */
    private long queuedBytes;
    private long grantedBytes;
    /** The limit the last granted chunk had before {@link #stage} capped it (--max-rate); -1 when none is capped. */
    private int cappedLimit = -1;
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
        int chunks = queue.size() + granted.size();
        readPaused = readPaused ? !(queuedBytes <= maxQueuedBytes / 2 && chunks <= limit / 2)
                : queuedBytes >= maxQueuedBytes || chunks >= limit;
        return readPaused;
    }

    /** The most chunks this body may queue: its queue bound, shrunk to its share of the memory budget. */
    private int chunkLimit() {
        return Math.min(Math.max(1, maxQueuedBytes / BufferPool.CHUNK_BYTES),
                buffers.shareChunks(counts.activeFlows()));
    }

    private boolean isSparse() {
        return queue.isEmpty() && granted.isEmpty()
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
        if (!eligible || upstreamBlocked || held || released || queue.isEmpty()) {
            eligible = false; // not eligible: a scheduler bug; resync it
            scheduler.onIdle(this);
            return 0;
        }
        if (cappedLimit >= 0 || maxBytes <= 0) {
            scheduler.onSent(this, 0); // a capped chunk is the last one granted until the write puts its tail back
            return 0;
        }
        ByteBuffer chunk = queue.pollFirst();
        int n = chunk.remaining();
        if (n > maxBytes) {
            cappedLimit = chunk.limit();
            chunk.limit(chunk.position() + maxBytes);
            n = maxBytes;
        }
        granted.addLast(chunk);
        grantedBytes += n;
        scheduler.onSent(this, n);
        if (queue.isEmpty()) {
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
        int k = granted.size();
        if (released || k == 0) {
            return 0;
        }
        if (gather.length < k) {
            gather = new ByteBuffer[Math.max(k, gather.length * 2)]; // rare: the queue's bound caps k
        }
        for (int i = 0; i < k; i++) {
            gather[i] = granted.pollFirst();
        }
        long offered = grantedBytes;
        long n = 0;
        String failure = null;
        try {
            n = owner.upstream().write(gather, 0, k);
        } catch (IOException e) {
            failure = "upstream write failed: " + e.getMessage();
        } finally {
            requeue(k); // before any reset, which releases the queue
        }
        if (failure != null) {
            owner.reset(failure);
            return 0;
        }
        bytesWritten += n;
        queuedBytes -= n;
        counts.upstream((int) n);
        counts.queued(-n);
        if (n > 0) {
            owner.touch();
        }
        if (queue.isEmpty()) {
            checkSent();
        } else if (n < offered) {
            upstreamBlocked = true;
            if (!eligible) {
                scheduler.onBacklogged(this); // so that it leaves as blocked, not as gone quiet
            }
            eligible = false;
            knownToScheduler = true;
            scheduler.onBlocked(this);
        } else if (!eligible && !held) {
            becomeEligible(); // a capped chunk's tail (--max-rate), or chunks read meanwhile, wait for the next round
        }
        if (!released) {
            owner.updateInterest();
        }
        return n;
    }

    /**
     * After a write of the first {@code k} gathered chunks: releases those written in full, and puts the rest (a
     * capped chunk's tail too) back in front of the ungranted ones, in order.
     */
    private void requeue(int k) {
        if (cappedLimit >= 0) {
            gather[k - 1].limit(cappedLimit);
            cappedLimit = -1;
        }
        for (int i = k - 1; i >= 0; i--) { // bounded by k
            ByteBuffer b = gather[i];
            gather[i] = null;
            if (b.hasRemaining()) {
                queue.addFirst(b);
            } else {
                buffers.release(b);
            }
        }
        grantedBytes = 0;
    }

    private void checkSent() {
        if (readDone && queue.isEmpty() && granted.isEmpty() && !held && !sent && !released) {
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
        for (ByteBuffer b = granted.pollFirst(); b != null; b = granted.pollFirst()) { // bounded likewise
            buffers.release(b);
        }
        grantedBytes = 0;
        cappedLimit = -1;
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

    /** Bytes the scheduler has not granted yet (a capped chunk's tail counts once it is back in the queue). */
    @Override
    public long queuedBytes() {
        return queuedBytes - grantedBytes;
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
