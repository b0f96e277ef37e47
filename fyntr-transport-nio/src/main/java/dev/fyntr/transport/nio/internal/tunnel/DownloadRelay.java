package dev.fyntr.transport.nio.internal.tunnel;

import dev.fyntr.transport.nio.internal.loop.BufferPool;
import dev.fyntr.transport.nio.internal.shaping.DownloadShaper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * The upstream→client direction of a tunnel: bytes are written straight through, with at most one pooled
 * chunk held while the client is slow; while it is held, reading from the upstream stops, and so does it while
 * {@code --max-download-rate} has no tokens (TCP then slows the sender). Event-loop thread only.
 */
final class DownloadRelay implements DownloadShaper.Parked, BufferPool.MemoryWaiter {

    /** Reads per readiness event: amortises the wake-up without letting one socket hog the turn. */
    private static final int READS_PER_EVENT = 4;

    private final Tunnel tunnel;
    private final SocketChannel client;
    private final SocketChannel upstream;
    private final BufferPool buffers;
    private final Counters counters;
    private final DownloadShaper shaper;

    /** The bytes being written to the client, or null: a pooled chunk of upstream bytes, or our own reply. */
    private ByteBuffer pending;
    /** Whether {@link #pending} holds relayed upstream bytes (pooled, counted) rather than our reply (heap). */
    private boolean pendingRelayed;
    private boolean waitingForMemory;
    /** The last read filled its buffer: a bulk download, which must not use the budget's reserve. */
    private boolean lastReadFull;
    private boolean upstreamEof;
    private boolean clientOutputShut;
    /** Upstream reads paused by the download shaper until tokens are due. */
    private boolean parked;
    private long bytesRelayed;

    DownloadRelay(Tunnel tunnel, ConnectionServices services, SocketChannel client, SocketChannel upstream) {
        this.tunnel = tunnel;
        this.client = client;
        this.upstream = upstream;
        this.buffers = services.loop.buffers();
        this.counters = services.counters;
        this.shaper = services.downloads;
    }

    /** Sends our reply (a heap buffer) before any upstream byte. */
    void startWith(ByteBuffer reply) throws IOException {
        pending = reply;
        pendingRelayed = false;
        flush();
    }

    void readUpstream() throws IOException {
        for (int i = 0; i < READS_PER_EVENT && pending == null && !upstreamEof && !parked && !waitingForMemory; i++) {
            int allowed = shaper.allowance();
            if (allowed == 0) {
                parked = true; // OP_READ off until the shaper resumes us: TCP slows the sender
                shaper.park(this);
                return;
            }
            // Only a tunnel that holds nothing and whose last read was short (interactive) may use the reserve.
            ByteBuffer buf = !lastReadFull && tunnel.holdsNothing() ? buffers.acquireReserved() : buffers.acquire();
            if (buf == null) {
                waitingForMemory = true; // OP_READ off until chunks are free: TCP slows the sender
                buffers.awaitMemory(this);
                return;
            }
            if (allowed < buf.capacity()) {
                buf.limit(allowed);
            }
            int want = buf.remaining();
            int n;
            try {
                n = upstream.read(buf);
            } catch (IOException e) {
                buffers.release(buf);
                throw e;
            }
            if (n <= 0) {
                buffers.release(buf);
                if (n < 0) {
                    upstreamEof = true;
                    shutdownClientOutput();
                }
                return;
            }
            lastReadFull = n == want;
            buf.flip();
            tunnel.touch();
            shaper.consumed(n);
            pending = buf;
            pendingRelayed = true;
            flush();
            if (n < want) {
                return;
            }
        }
    }

    /** Writes the held chunk to the client; frees it when done. */
    void flush() throws IOException {
        ByteBuffer buf = pending;
        if (buf == null) {
            return;
        }
        int n = client.write(buf);
        if (pendingRelayed) {
            bytesRelayed += n;
            counters.bytesDownstream += n;
        }
        if (buf.hasRemaining()) {
            return; // OP_WRITE on the client, reads from upstream paused: see the ops below
        }
        pending = null;
        if (pendingRelayed) {
            buffers.release(buf);
        }
        pendingRelayed = false;
        if (upstreamEof) {
            shutdownClientOutput();
        }
    }

    private void shutdownClientOutput() throws IOException {
        if (pending == null && !clientOutputShut) {
            clientOutputShut = true;
            client.shutdownOutput();
            tunnel.closeIfBothDone();
        }
    }

    /** Whether this direction is over: the upstream's EOF reached the client. */
    boolean finished() {
        return clientOutputShut;
    }

    /** The download shaper has tokens again: read the upstream. */
    @Override
    public void resume() {
        parked = false;
        tunnel.updateInterest();
    }

    @Override
    public void onMemoryAvailable() {
        waitingForMemory = false;
        tunnel.updateInterest();
    }

    /** Whether this direction holds no buffer. */
    boolean holdsNothing() {
        return pending == null;
    }

    /** The interest this direction wants on the client: write, while a chunk is held. */
    int clientOps() {
        return pending != null ? SelectionKey.OP_WRITE : 0;
    }

    /**
     * The interest this direction wants on the upstream: read, unless a chunk is held, EOF came, or it waits for
     * tokens or memory.
     */
    int upstreamOps() {
        return pending == null && !upstreamEof && !parked && !waitingForMemory ? SelectionKey.OP_READ : 0;
    }

    /** Returns the held chunk to the pool. Idempotent. */
    void release() {
        if (pending != null && pendingRelayed) {
            buffers.release(pending);
        }
        pending = null;
    }

    long bytesRelayed() {
        return bytesRelayed;
    }
}
