package dev.fyntr.transport.nio.internal.tunnel;

import dev.fyntr.api.spi.ChunkStats;
import dev.fyntr.api.spi.EmaChunkStats;
import dev.fyntr.api.spi.Flow;
import dev.fyntr.api.spi.FlowInfo;
import dev.fyntr.api.spi.Scheduler;
import dev.fyntr.transport.nio.internal.forward.ScheduledFlow;
import dev.fyntr.transport.nio.internal.loop.BufferPool;
import dev.fyntr.transport.nio.internal.loop.ChunkQueue;
import dev.fyntr.transport.nio.internal.loop.LoopContext;
import dev.fyntr.transport.nio.internal.metrics.ChunkClock;
import dev.fyntr.transport.nio.internal.metrics.Timings;
import dev.fyntr.transport.nio.internal.net.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * The client→upstream direction of a tunnel, and the {@link Flow} the scheduler sees: client bytes are read in
 * chunks into a bounded queue, granted chunk by chunk by the scheduler ({@link #stage}) and written upstream
 * together, one gathering write per round ({@link #flushStaged}). It owns its queued buffers, its read interest on
 * the client and its write interest on the upstream. Event-loop thread only.
 *
 * <p>The scheduler hears each transition exactly once: {@code onBacklogged} when the flow gets a chunk with a
 * writable upstream, {@code onIdle} when every queued chunk has been granted, {@code onBlocked} on a partial write
 * (preceded by {@code onBacklogged} if it had gone idle by being granted everything), {@code onClosed} at the end.
 *
 * <p>The SNI check: while the tunnel's first client bytes arrive, each chunk is also fed to a {@link ClientHelloPeek}
 * (reading it, not copying it) until the peek decides; then the {@link Tunnel} judges what it found and the peek is
 * dropped, so the relay costs nothing more afterwards. With {@code enforce} the flow is <em>held</em> until then: its
 * chunks are queued but not offered to the scheduler, and reads stop at the peek's budget (one TLS record), so a
 * refused ClientHello never reaches the upstream and the proxy never holds more than one record for it. The verdict
 * comes, at the latest, with the chunk that ends the ClientHello, the record budget or the client's EOF, in the same
 * call that queued that chunk: the scheduler never writes a chunk before the verdict on it.
 */
final class UploadFlow implements ScheduledFlow, BufferPool.MemoryWaiter {

    private static final Logger LOG = LoggerFactory.getLogger(UploadFlow.class);
    private static final RateLimitedLog NOT_ELIGIBLE = RateLimitedLog.warnings(LOG);

    /** Chunks per scattering read: amortises syscalls without letting one socket hog the turn. */
    private static final int READS_PER_EVENT = 4;
    /** Below this average chunk size a flow counts as interactive (TLS records of requests, echoes, pings). */
    private static final int SPARSE_CHUNK_BYTES = BufferPool.CHUNK_BYTES / 4;

    private final Tunnel tunnel;
    private final long id;
    private final SocketChannel client;
    private final SocketChannel upstream;
    private final BufferPool buffers;
    private final Counters counters;
    private final Scheduler scheduler;
    private final String schedulerName;
    private final WaterMarks marks;
    private final FlowInfo info;
    private final LoopContext loop;
    private final Timings timings;
    /** When each queued chunk was queued, in step with {@link #queue}: for the queueing-delay histogram. */
    private final ChunkClock chunkClock = new ChunkClock();

    private final ChunkQueue queue = new ChunkQueue();
    /** Scratch array for the scattering read: reused, so a read allocates nothing. */
    private final ByteBuffer[] scatter = new ByteBuffer[READS_PER_EVENT];
    private final EmaChunkStats chunkStats = new EmaChunkStats();
    private Object schedulerState;
    private boolean eligible;
    private boolean knownToScheduler;
    private boolean upstreamBlocked;
    private boolean clientEof;
    private boolean upstreamOutputShut;
    private boolean clientReadPaused;
    private boolean waitingForMemory;
    /** Whether the service round holds this flow in its list of flows to write (it has staged chunks). */
    private boolean awaitingWrite;
    private long bytesWritten;
    /** Reads the first client bytes for the SNI check; {@code null} when the check is off or has decided. */
    private ClientHelloPeek peek;
    /** enforce, before the peek's verdict: queued chunks are not offered to the scheduler. */
    private boolean held;
    /** Whether the tunnel was told that bytes are held (once). */
    private boolean holdReported;

    UploadFlow(Tunnel tunnel, long id, ConnectionServices services, SocketChannel client, SocketChannel upstream,
               FlowInfo info) {
        this.tunnel = tunnel;
        this.info = info;
        this.id = id;
        this.client = client;
        this.upstream = upstream;
        this.buffers = services.loop.buffers();
        this.counters = services.counters;
        this.scheduler = services.scheduler;
        this.schedulerName = services.schedulerName;
        this.marks = services.waterMarks;
        this.loop = services.loop;
        this.timings = services.timings;
        if (services.sni.enabled()) {
            this.peek = new ClientHelloPeek();
            this.held = services.sni.holds();
        }
    }

    /** Fixed at admission (the scheduler's view of where the flow goes); allocation-free. */
    @Override
    public FlowInfo info() {
        return info;
    }

    /** Queues a chunk read before the tunnel was up (pooled; this flow now owns it), if any. */
    void startWith(ByteBuffer pipelined) {
        if (pipelined != null) {
            enqueue(pipelined);
            reportHold();
        }
    }

    /** Tells the tunnel once that bytes are held, so that it bounds how long. */
    private void reportHold() {
        if (held && !holdReported && !queue.isEmpty()) {
            holdReported = true;
            tunnel.holdStarted();
        }
    }

    /** Whether the flow holds its client's bytes until the SNI check's verdict (enforce). */
    boolean held() {
        return held;
    }

    /**
     * enforce: the held ClientHello did not complete in time; it is judged as cut short.
     *
     * @return whether the tunnel goes on (if not, it has been reset)
     */
    boolean giveUpHold(String why) {
        if (peek != null) {
            peek.giveUp(why);
        }
        return judgeIfDecided();
    }

    /**
     * Reads what the client has sent into up to {@link #READS_PER_EVENT} pooled chunks with one scattering read:
     * each filled buffer is a chunk of at most 16 KiB, but the kernel is entered once, not once per chunk (on
     * loopback this cut the proxy's CPU per GiB by about a fifth).
     */
    void readClient() throws IOException {
        if (held) {
            readHeld();
            return;
        }
        int limit = chunkLimit();
        int room = Math.min(READS_PER_EVENT, limit - queue.size());
        if (clientEof || waitingForMemory || room <= 0 || marks.atHigh(queue.bytes(), queue.size(), limit)) {
            return;
        }
        ByteBuffer[] chunks = scatter;
        int got = 0;
        for (; got < room; got++) {
            ByteBuffer b = got == 0 && isSparse() ? buffers.acquireReserved() : buffers.acquire();
            if (b == null) {
                break;
            }
            chunks[got] = b;
        }
        if (got == 0) {
            waitingForMemory = true; // reading stops until chunks are free: TCP slows the client meanwhile
            buffers.awaitMemory(this);
            return;
        }
        long n = -1;
        try {
            n = client.read(chunks, 0, got);
        } finally {
            // Every buffer goes to the queue or back to the pool, whatever the read did.
            for (int i = 0; i < got; i++) {
                ByteBuffer b = chunks[i];
                chunks[i] = null;
                if (n > 0 && b.position() > 0) {
                    enqueue(b.flip());
                } else {
                    buffers.release(b);
                }
            }
        }
        if (peek != null && n < 0) {
            peek.finish();
        }
        if (!judgeIfDecided()) {
            return; // reset: everything is released
        }
        if (n < 0) {
            clientEof = true;
            if (queue.isEmpty()) {
                shutdownUpstreamOutput();
            }
        } else if (n > 0) {
            tunnel.touch();
        }
    }

    /**
     * The most chunks this flow may queue now: the configured bound, shrunk to the flow's share of the memory
     * budget as tunnels multiply (never below one chunk).
     */
    private int chunkLimit() {
        return Math.min(marks.highChunks(), buffers.shareChunks(counters.openTunnels));
    }

    @Override
    public void onMemoryAvailable() {
        waitingForMemory = false;
        if (!tunnel.isReleased()) {
            tunnel.updateInterest();
        }
    }

    /**
     * Whether this flow is sparse (interactive): nothing queued, and its chunks so far small on average. Only such
     * a flow may read into the budget's reserve; a bulk flow whose queue just drained may not.
     */
    private boolean isSparse() {
        return queue.isEmpty() && (chunkStats.chunks() == 0 || chunkStats.averageChunkBytes() < SPARSE_CHUNK_BYTES);
    }

    /** Whether this direction holds no buffer (nothing queued). */
    boolean holdsNothing() {
        return queue.isEmpty();
    }

    private void enqueue(ByteBuffer chunk) {
        int n = chunk.remaining();
        if (peek != null) {
            peek.feed(chunk);
        }
        queue.addLast(chunk);
        chunkClock.queued(loop.turnNanoTime());
        counters.queuedBytes += n;
        chunkStats.record(n);
        if (!eligible && !upstreamBlocked && !held) {
            becomeEligible();
        }
    }

    /**
     * enforce, before the verdict: reads into the last queued chunk while it has room (a hello sent a byte at a time
     * fills one chunk, not one chunk per byte), else into a new one, never more than the peek's budget, whatever the
     * queue's marks say (the budget bounds it: one TLS record).
     */
    private void readHeld() throws IOException {
        if (clientEof || waitingForMemory) {
            return;
        }
        ByteBuffer tail = queue.peekLast();
        int budget = peek.budgetLeft();
        int n;
        if (tail != null && tail.limit() < tail.capacity()) {
            int start = tail.position();
            int end = tail.limit();
            tail.position(end).limit(Math.min(tail.capacity(), end + budget));
            try {
                n = client.read(tail);
            } finally {
                tail.limit(tail.position()).position(start);
            }
            if (n > 0) {
                queue.grewLast(n);
                counters.queuedBytes += n;
                peek.feed(tail, end, end + n);
            }
        } else {
            ByteBuffer b = isSparse() ? buffers.acquireReserved() : buffers.acquire();
            if (b == null) {
                waitingForMemory = true;
                buffers.awaitMemory(this);
                return;
            }
            b.limit(Math.min(b.capacity(), budget));
            try {
                n = client.read(b);
            } catch (IOException e) {
                buffers.release(b);
                throw e;
            }
            if (n > 0) {
                enqueue(b.flip());
            } else {
                buffers.release(b);
            }
        }
        if (n > 0) {
            tunnel.touch();
            reportHold();
        } else if (n < 0) {
            peek.finish();
        }
        if (!judgeIfDecided()) {
            return;
        }
        if (n < 0) {
            clientEof = true;
            if (queue.isEmpty()) {
                shutdownUpstreamOutput();
            }
        }
    }

    /**
     * When the peek has decided: lets the tunnel judge it, drops it, and offers what was held to the scheduler.
     *
     * @return whether the tunnel goes on (if not, it has been reset and everything released)
     */
    boolean judgeIfDecided() {
        ClientHelloPeek decided = peek;
        if (decided == null || !decided.decided()) {
            return true;
        }
        peek = null;
        held = false;
        if (!tunnel.judgeClientHello(decided)) {
            return false;
        }
        if (queue.hasUnstaged() && !eligible && !upstreamBlocked) {
            becomeEligible();
        }
        return true;
    }

    private void becomeEligible() {
        eligible = true;
        knownToScheduler = true;
        counters.flowsBacklogged++;
        if (isSparseFlow()) {
            counters.sparseWakeups++; // the service round looks for these between its writes
        }
        scheduler.onBacklogged(this);
    }

    /** Whether this flow's chunks are small on average: an interactive flow, worth serving between bulk writes. */
    private boolean isSparseFlow() {
        return chunkStats.averageChunkBytes() < SPARSE_CHUNK_BYTES;
    }

    /**
     * Grants this flow its next chunk, or its first {@code maxBytes} under a rate cap, for this round's write;
     * called by the service round when the scheduler picked this flow. The scheduler is told at once, as if the
     * chunk were written, so that it decides chunk by chunk as before; the bytes go out in {@link #flushStaged}.
     *
     * @return the bytes granted, 0 if none could be (then the scheduler has been told)
     */
    @Override
    public int stage(int maxBytes) {
        if (!eligible || upstreamBlocked || held || tunnel.isReleased() || !queue.hasUnstaged()) {
            // The scheduler returned a flow that is not eligible: a scheduler bug. Resync it.
            NOT_ELIGIBLE.warn(() -> "flow " + id + ": scheduler " + schedulerName + " returned a flow that is not "
                    + "eligible");
            eligible = false;
            scheduler.onIdle(this);
            return 0;
        }
        int n = queue.stageNext(maxBytes);
        scheduler.onSent(this, n);
        if (!queue.hasUnstaged()) {
            eligible = false; // all it has is granted; it is eligible again if more arrives, or if the write falls short
            scheduler.onIdle(this);
        }
        return n;
    }

    /** Whether the service round has listed this flow for a write this round. */
    @Override
    public boolean listedForWrite() {
        return awaitingWrite;
    }

    /**
     * Marks this flow as listed for a write in the current round.
     *
     * @return whether it was not listed yet (the caller lists it)
     */
    @Override
    public boolean listForWrite() {
        if (awaitingWrite) {
            return false;
        }
        awaitingWrite = true;
        return true;
    }

    /**
     * Writes every staged chunk upstream with one gathering write. What the socket does not take waits for
     * {@code OP_WRITE}: the scheduler hears that the flow is blocked (and first that it is backlogged again, if its
     * whole queue had been granted). Returns the bytes written.
     */
    @Override
    public long flushStaged() {
        awaitingWrite = false;
        if (tunnel.isReleased() || !queue.hasStaged()) {
            return 0;
        }
        long n;
        int chunksBefore = queue.size();
        try {
            n = queue.writeStaged(upstream, buffers);
            chunksWritten(chunksBefore - queue.size());
        } catch (IOException e) {
            tunnel.reset("upstream write failed: " + e.getMessage());
            return 0;
        }
        bytesWritten += n;
        counters.bytesUpstream += n;
        counters.queuedBytes -= n;
        if (n > 0) {
            tunnel.touch();
        }
        if (queue.isEmpty()) {
            if (clientEof) {
                try {
                    shutdownUpstreamOutput();
                } catch (IOException e) {
                    tunnel.reset("upstream shutdown failed: " + e.getMessage());
                    return n;
                }
            }
        } else if (queue.lastWriteFellShort()) {
            upstreamBlocked = true;
            if (!eligible) {
                scheduler.onBacklogged(this); // so that it leaves as blocked, not as gone quiet
            }
            eligible = false;
            knownToScheduler = true;
            scheduler.onBlocked(this);
        } else if (!eligible && !held && queue.hasUnstaged()) {
            becomeEligible(); // a capped chunk's tail (--max-rate) waits for the next round
        }
        tunnel.updateInterest();
        return n;
    }

    /** OP_WRITE on the upstream: a blocked flow may write again. */
    void onUpstreamWritable() {
        if (upstreamBlocked) {
            upstreamBlocked = false;
            if (queue.hasUnstaged()) {
                becomeEligible();
            }
        }
    }

    private void shutdownUpstreamOutput() throws IOException {
        if (!upstreamOutputShut) {
            upstreamOutputShut = true;
            upstream.shutdownOutput();
            tunnel.closeIfBothDone();
        }
    }

    /** Whether this direction is over: the client's EOF reached the upstream. */
    boolean finished() {
        return upstreamOutputShut;
    }

    /**
     * The interest this direction wants on the client: read, unless the client is done, the queue is full
     * (reading stops at the high marks and resumes at the low ones), or no memory is left.
     */
    int clientOps() {
        if (clientEof || waitingForMemory) {
            return 0;
        }
        if (held) {
            return SelectionKey.OP_READ; // the peek's budget bounds what is held; the marks would stop it short
        }
        int limit = chunkLimit();
        clientReadPaused = clientReadPaused ? !marks.atOrBelowLow(queue.bytes(), queue.size(), limit)
                : marks.atHigh(queue.bytes(), queue.size(), limit);
        return clientReadPaused ? 0 : SelectionKey.OP_READ;
    }

    /** The first {@code chunks} queued chunks were written in full: their queueing delays go to the histogram. */
    private void chunksWritten(int chunks) {
        long now = loop.turnNanoTime();
        for (int i = 0; i < chunks; i++) { // bounded by the queue's size
            timings.chunkWritten(chunkClock.written(now), now);
        }
    }

    /** The interest this direction wants on the upstream: write, while a partial write waits. */
    int upstreamOps() {
        return upstreamBlocked ? SelectionKey.OP_WRITE : 0;
    }

    /** Returns every queued buffer and tells the scheduler the flow is gone. Idempotent. */
    void release() {
        // Our buffers first: a scheduler is plug-in code, and its failure must not leak them.
        counters.queuedBytes -= queue.bytes();
        queue.clear(buffers);
        chunkClock.clear();
        if (knownToScheduler) {
            knownToScheduler = false;
            eligible = false;
            scheduler.onClosed(this);
        }
    }

    /** The scheduler was replaced ({@link GuardedScheduler}): forget its state, and rejoin if eligible. */
    @Override
    public void rejoin(Scheduler replacement) {
        schedulerState = null;
        if (eligible) {
            replacement.onBacklogged(this);
        }
    }

    /** For the service round: a failure while serving this flow resets its tunnel. */
    @Override
    public void reset(String reason) {
        tunnel.reset(reason);
    }

    long bytesWritten() {
        return bytesWritten;
    }

    // ---- Flow -------------------------------------------------------------------------------------------

    @Override
    public long id() {
        return id;
    }

    @Override
    public int headChunkBytes() {
        return queue.firstUnstagedBytes();
    }

    @Override
    public long queuedBytes() {
        return queue.unstagedBytes();
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
        return tunnel.toString();
    }
}
