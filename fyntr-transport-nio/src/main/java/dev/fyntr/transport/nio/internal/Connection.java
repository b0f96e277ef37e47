package dev.fyntr.transport.nio.internal;

import dev.fyntr.api.spi.ChunkStats;
import dev.fyntr.api.spi.EmaChunkStats;
import dev.fyntr.api.spi.Flow;
import dev.fyntr.transport.nio.internal.frontend.FrontEnd;
import dev.fyntr.transport.nio.internal.http.ConnectTarget;
import dev.fyntr.transport.nio.internal.http.HandshakeFailure;
import dev.fyntr.transport.nio.internal.http.LogSafe;
import dev.fyntr.transport.nio.internal.policy.DestinationPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.List;

/**
 * One client connection from accept to close: the handshake (HTTP CONNECT or SOCKS5, parsed and answered by
 * its {@link FrontEnd}), then the tunnel. Event-loop thread only.
 *
 * <p>Client→upstream bytes are read in chunks into a bounded per-flow queue and written when the scheduler
 * picks this flow ({@link #writeHeadChunk(int)}); upstream→client bytes are written straight through, with at most
 * one chunk held while the client is slow. Either way, a side that cannot take bytes stops reads from the other.
 */
final class Connection implements Flow, IoHandler {

    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);

    /** Chunks per scattering read and reads per readiness event: amortises syscalls without letting one socket hog the turn. */
    private static final int READS_PER_EVENT = 4;
    /** How long a rejected client may keep sending before we close (so it can read the error response). */
    private static final long LINGER_NANOS = 2_000_000_000L;

    enum State { READING_HEAD, RESOLVING, CONNECTING, ESTABLISHED, REJECTING, CLOSED }

    private final EventLoop loop;
    private final long id;
    private final SocketChannel client;
    private final SelectionKey clientKey;
    private final InetSocketAddress clientAddress;
    private final Timer phaseTimer = new Timer(this::onPhaseTimeout);
    private final UpstreamSide upstreamSide = new UpstreamSide();

    private State state;
    private final FrontEnd frontEnd;
    private ConnectTarget target;
    private Dialer dialer;
    private SocketChannel upstream;
    private SelectionKey upstreamKey;
    private InetSocketAddress upstreamAddress;

    // client → upstream, shaped by the scheduler
    private final ArrayDeque<ByteBuffer> upQueue = new ArrayDeque<>(8);
    /** Scratch array for the scattering read: reused, so a read allocates nothing. */
    private final ByteBuffer[] scatter = new ByteBuffer[READS_PER_EVENT];
    private final EmaChunkStats chunkStats = new EmaChunkStats();
    private Object schedulerState;
    private long queuedBytes;
    private boolean eligible;
    private boolean knownToScheduler;
    private boolean upstreamBlocked;
    private boolean clientEof;
    private boolean upstreamOutputShut;
    private boolean clientReadPaused;

    // upstream → client, straight through
    private ByteBuffer pendingDown;
    /** Whether {@link #pendingDown} holds relayed upstream bytes (counted) rather than a response of ours. */
    private boolean pendingDownRelayed;
    private boolean upstreamEof;
    private boolean clientOutputShut;
    /** Upstream reads paused by {@link DownloadShaper} until tokens are due. */
    private boolean downloadParked;

    private int clientInterest = -1;
    private int upstreamInterest = -1;
    private long bytesUp;
    private long bytesDown;
    private final long acceptedAt;
    private long establishedAt;
    private long lastActivity;

    Connection(EventLoop loop, long id, SocketChannel client, SelectionKey clientKey, long now, FrontEnd frontEnd) {
        this.loop = loop;
        this.frontEnd = frontEnd;
        this.id = id;
        this.client = client;
        this.clientKey = clientKey;
        this.clientAddress = remoteAddress(client);
        this.acceptedAt = now;
        this.lastActivity = now;
        clientKey.attach(this);
    }

    // ---- life cycle -------------------------------------------------------------------------------------

    /** Starts reading the request head, with the whole-head deadline counted from accept. */
    void startHandshake() {
        state = State.READING_HEAD;
        loop.counters.openHandshakes++;
        loop.timers.arm(phaseTimer, acceptedAt + loop.config.handshakeTimeout().toNanos());
        updateInterest();
    }

    /** Answers 503 at once, without reading the request: the proxy is at its connection limit. */
    void rejectAtCapacity() {
        state = State.READING_HEAD; // so that reject() accounts it like a handshake that just began
        loop.counters.openHandshakes++;
        reject(HandshakeFailure.connectionLimit(loop.config.maxConnections(), 1));
    }

    boolean isEstablished() {
        return state == State.ESTABLISHED;
    }

    // ---- client events ----------------------------------------------------------------------------------

    @Override
    public void onReady(SelectionKey key) throws IOException {
        int ready = key.readyOps();
        if ((ready & SelectionKey.OP_WRITE) != 0) {
            flushDown();
        }
        if (state != State.CLOSED && (ready & SelectionKey.OP_READ) != 0) {
            switch (state) {
                case READING_HEAD -> readHead();
                case ESTABLISHED -> readClient();
                case REJECTING -> drainRejected();
                default -> { }
            }
        }
        updateInterest();
    }

    @Override
    public void onFailure(Throwable failure) {
        fail("client", failure);
    }

    /** An I/O error on one side resets the tunnel; anything else is a bug, logged with its stack trace. */
    private void fail(String side, Throwable failure) {
        if (failure instanceof IOException) {
            abort(side + " error: " + failure.getMessage(), true);
        } else {
            LOG.error("flow {}: internal error on the {} side, closing it", id, side, failure);
            abort("internal error: " + failure, true);
        }
    }

    private void readHead() throws IOException {
        ByteBuffer buf = loop.buffers.acquire();
        int n;
        try {
            n = client.read(buf);
        } catch (IOException e) {
            loop.buffers.release(buf);
            throw e;
        }
        if (n <= 0) {
            loop.buffers.release(buf);
            if (n < 0) {
                close("client closed before completing the request head");
            }
            return;
        }
        buf.flip();
        FrontEnd.Progress progress = frontEnd.feed(buf);
        byte[] interim = frontEnd.takeInterimReply();
        if (interim != null) {
            try {
                sendInterimReply(interim);
            } catch (IOException e) {
                loop.buffers.release(buf);
                throw e;
            }
        }
        switch (progress) {
            case NEED_MORE -> loop.buffers.release(buf);
            case FAILED -> {
                loop.buffers.release(buf);
                reject(frontEnd.failure());
            }
            case COMPLETE -> {
                target = frontEnd.target();
                if (buf.hasRemaining()) {
                    enqueue(buf); // pipelined bytes (a TLS ClientHello): forwarded first once connected
                } else {
                    loop.buffers.release(buf);
                }
                onHeadComplete();
            }
        }
    }

    /** Mid-handshake bytes (the SOCKS5 method selection); written before any later reply. */
    private void sendInterimReply(byte[] reply) throws IOException {
        if (state == State.READING_HEAD) {
            pendingDown = append(pendingDown, reply);
            flushDown();
        }
    }

    /** {@code reply} after what is left of {@code pending} (a heap buffer: only handshake replies are pending). */
    private static ByteBuffer append(ByteBuffer pending, byte[] reply) {
        if (pending == null || !pending.hasRemaining()) {
            return ByteBuffer.wrap(reply);
        }
        ByteBuffer both = ByteBuffer.allocate(pending.remaining() + reply.length);
        both.put(pending).put(reply).flip();
        return both;
    }

    private void onHeadComplete() {
        loop.timers.cancel(phaseTimer);
        DestinationPolicy policy = loop.policy;
        HandshakeFailure denied = policy.checkPort(target.port());
        if (denied == null) {
            denied = loop.threats.checkHost(target, clientAddress);
        }
        if (denied != null) {
            reject(denied);
            return;
        }
        state = State.RESOLVING;
        if (target.literal() != null) {
            onResolved(List.of(target.literal()), null);
            return;
        }
        loop.timers.arm(phaseTimer, System.nanoTime() + loop.config.resolveTimeout().toNanos());
        loop.resolve(this, target.host());
    }

    /** The resolver answered (on the loop thread, via a task). Late answers are ignored. */
    void onResolved(List<InetAddress> addresses, Throwable error) {
        if (state != State.RESOLVING) {
            return;
        }
        loop.timers.cancel(phaseTimer);
        if (error != null || addresses == null || addresses.isEmpty()) {
            String why = error == null ? "no addresses" : String.valueOf(error.getMessage());
            reject(HandshakeFailure.dnsError(target.host(), LogSafe.quote(why, 200)));
            return;
        }
        HandshakeFailure threat = loop.threats.checkAddresses(target, addresses, clientAddress);
        if (threat != null) {
            reject(threat);
            return;
        }
        DestinationPolicy.Decision decision = loop.policy.check(target, addresses);
        if (decision.failure() != null) {
            if (decision.failure().status() == 403 && LOG.isWarnEnabled()) {
                LOG.warn("flow {} CONNECT {} from {} denied: {}", id, target.authority(), clientAddress,
                        decision.failure().message());
            }
            reject(decision.failure());
            return;
        }
        state = State.CONNECTING;
        dialer = new Dialer(loop, this, target, decision.usable());
        dialer.start();
    }

    /** The dialer won: the tunnel is up. Answer 200, then relay. */
    void onUpstreamConnected(SocketChannel channel, InetSocketAddress address) throws IOException {
        dialer = null;
        upstream = channel;
        upstreamAddress = address;
        upstreamKey = channel.register(loop.selector, 0, upstreamSide);
        state = State.ESTABLISHED;
        loop.counters.openHandshakes--;
        loop.counters.openTunnels++;
        loop.counters.tunnelsOpened++;
        establishedAt = System.nanoTime();
        lastActivity = establishedAt;
        if (LOG.isInfoEnabled()) {
            LOG.info("flow {} {} {} via {} from {}", id, frontEnd.protocol(), target.authority(), format(address),
                    clientAddress);
        }
        byte[] reply = frontEnd.successReply(localAddress(channel));
        ByteBuffer ok = loop.buffers.acquire();
        if (pendingDown != null) {
            ok.put(pendingDown); // an interim reply the client has not taken yet goes first
        }
        ok.put(reply).flip();
        pendingDown = ok;
        flushDown();
        if (state == State.CLOSED) {
            return;
        }
        if (!upQueue.isEmpty()) {
            becomeEligible();
        }
        armIdleTimer();
        updateInterest();
    }

    /** Every dial attempt failed. */
    void onDialFailed(HandshakeFailure failure) {
        dialer = null;
        reject(failure);
    }

    /**
     * Reads what the client has sent into up to {@link #READS_PER_EVENT} pooled chunks with one scattering read:
     * each filled buffer is a chunk of at most 16 KiB, but the kernel is entered once, not once per chunk (on
     * loopback this cut the proxy's CPU per GiB by about a fifth).
     */
    private void readClient() throws IOException {
        int room = Math.min(READS_PER_EVENT, loop.maxChunksPerFlow - upQueue.size());
        if (clientEof || room <= 0 || queueFull()) {
            return;
        }
        ByteBuffer[] buffers = scatter;
        for (int i = 0; i < room; i++) {
            buffers[i] = loop.buffers.acquire();
        }
        long n = -1;
        try {
            n = client.read(buffers, 0, room);
        } finally {
            // Every buffer goes to the queue or back to the pool, whatever the read did.
            for (int i = 0; i < room; i++) {
                ByteBuffer b = buffers[i];
                buffers[i] = null;
                if (n > 0 && b.position() > 0) {
                    enqueue(b.flip());
                } else {
                    loop.buffers.release(b);
                }
            }
        }
        if (n < 0) {
            onClientEof();
        } else if (n > 0) {
            lastActivity = System.nanoTime();
        }
    }

    private void enqueue(ByteBuffer chunk) {
        int n = chunk.remaining();
        upQueue.addLast(chunk);
        queuedBytes += n;
        loop.counters.queuedBytes += n;
        chunkStats.record(n);
        if (state == State.ESTABLISHED && !eligible && !upstreamBlocked) {
            becomeEligible();
        }
    }

    private boolean queueFull() {
        return queuedBytes >= loop.config.maxQueuedBytesPerFlow()
                || upQueue.size() >= loop.maxChunksPerFlow;
    }

    /**
     * Whether to read from the client: reading stops when the queue is full and resumes only once it has drained to
     * half, so that a flow kept busy by a fast client flips its interest (an epoll_ctl each way) once per half queue
     * rather than once per chunk.
     */
    private boolean wantsClientBytes() {
        if (clientReadPaused) {
            clientReadPaused = queuedBytes > loop.config.maxQueuedBytesPerFlow() / 2
                    || upQueue.size() > loop.maxChunksPerFlow / 2;
        } else {
            clientReadPaused = queueFull();
        }
        return !clientReadPaused;
    }

    private void becomeEligible() {
        eligible = true;
        knownToScheduler = true;
        loop.scheduler.onBacklogged(this);
    }

    private void onClientEof() throws IOException {
        clientEof = true;
        if (upQueue.isEmpty()) {
            shutdownUpstreamOutput();
        }
    }

    private void drainRejected() throws IOException {
        ByteBuffer scratch = loop.buffers.acquire();
        try {
            for (int i = 0; i < READS_PER_EVENT; i++) {
                scratch.clear();
                int n = client.read(scratch);
                if (n < 0) {
                    close("rejected");
                    return;
                }
                if (n == 0) {
                    return;
                }
            }
        } finally {
            loop.buffers.release(scratch);
        }
    }

    // ---- scheduler side ---------------------------------------------------------------------------------

    /**
     * Writes (part of) the head chunk upstream, at most {@code maxBytes}; called by the loop's service round
     * when the scheduler picked this flow. Returns the bytes written.
     */
    int writeHeadChunk(int maxBytes) {
        ByteBuffer head = upQueue.peekFirst();
        if (head == null || upstreamBlocked || state != State.ESTABLISHED) {
            // The scheduler returned a flow that is not eligible: a scheduler bug. Resync it.
            LOG.error("flow {}: scheduler {} returned a flow that is not eligible", id, loop.schedulerName);
            eligible = false;
            loop.scheduler.onIdle(this);
            return 0;
        }
        int n;
        int limit = head.limit();
        boolean capped = head.remaining() > maxBytes; // --max-rate: only part of the chunk may go now
        if (capped) {
            head.limit(head.position() + maxBytes);
        }
        try {
            n = upstream.write(head);
        } catch (IOException e) {
            head.limit(limit); // before abort() returns the buffer to the pool
            abort("upstream write failed: " + e.getMessage(), true);
            return 0;
        }
        head.limit(limit);
        loop.scheduler.onSent(this, n);
        bytesUp += n;
        queuedBytes -= n;
        loop.counters.bytesUpstream += n;
        loop.counters.queuedBytes -= n;
        if (n > 0) {
            lastActivity = System.nanoTime();
        }
        if (!head.hasRemaining()) {
            upQueue.pollFirst();
            loop.buffers.release(head);
            if (upQueue.isEmpty()) {
                eligible = false;
                loop.scheduler.onIdle(this);
                if (clientEof) {
                    try {
                        shutdownUpstreamOutput();
                    } catch (IOException e) {
                        abort("upstream shutdown failed: " + e.getMessage(), true);
                        return n;
                    }
                }
            }
        } else if (!capped || n < maxBytes) {
            eligible = false;
            upstreamBlocked = true;
            loop.scheduler.onBlocked(this);
        } // else: the socket took all it was offered; the rest waits for tokens, still eligible
        updateInterest();
        return n;
    }

    // ---- upstream events --------------------------------------------------------------------------------

    private final class UpstreamSide implements IoHandler {
        @Override
        public void onReady(SelectionKey key) throws IOException {
            int ready = key.readyOps();
            if ((ready & SelectionKey.OP_WRITE) != 0 && upstreamBlocked) {
                upstreamBlocked = false;
                if (!upQueue.isEmpty()) {
                    becomeEligible();
                }
            }
            if ((ready & SelectionKey.OP_READ) != 0 && state == State.ESTABLISHED) {
                readUpstream();
            }
            updateInterest();
        }

        @Override
        public void onFailure(Throwable failure) {
            fail("upstream", failure);
        }

        @Override
        public String toString() {
            return Connection.this + " upstream";
        }
    }

    private void readUpstream() throws IOException {
        for (int i = 0; i < READS_PER_EVENT && pendingDown == null && !upstreamEof && !downloadParked; i++) {
            int allowed = loop.shaping.download.allowance();
            if (allowed == 0) {
                downloadParked = true; // OP_READ off until the shaper resumes us: TCP slows the sender
                loop.shaping.download.park(this);
                return;
            }
            ByteBuffer buf = loop.buffers.acquire();
            if (allowed < buf.capacity()) {
                buf.limit(allowed);
            }
            int want = buf.remaining();
            int n;
            try {
                n = upstream.read(buf);
            } catch (IOException e) {
                loop.buffers.release(buf);
                throw e;
            }
            if (n <= 0) {
                loop.buffers.release(buf);
                if (n < 0) {
                    upstreamEof = true;
                    shutdownClientOutput();
                }
                return;
            }
            buf.flip();
            lastActivity = System.nanoTime();
            loop.shaping.download.consumed(n);
            pendingDown = buf;
            pendingDownRelayed = true;
            flushDown();
            if (n < want) {
                return;
            }
        }
    }

    /** Writes the held upstream→client bytes (or an error response); frees the buffer when done. */
    private void flushDown() throws IOException {
        ByteBuffer buf = pendingDown;
        if (buf == null) {
            return;
        }
        int n = client.write(buf);
        if (pendingDownRelayed) {
            bytesDown += n;
            loop.counters.bytesDownstream += n;
        }
        if (buf.hasRemaining()) {
            return; // OP_WRITE on the client, reads from upstream paused: see updateInterest()
        }
        pendingDown = null;
        pendingDownRelayed = false;
        releaseDown(buf);
        if (state == State.REJECTING) {
            clientOutputShut = true;
            client.shutdownOutput();
        } else if (upstreamEof) {
            shutdownClientOutput();
        }
    }

    private void shutdownUpstreamOutput() throws IOException {
        if (!upstreamOutputShut) {
            upstreamOutputShut = true;
            upstream.shutdownOutput();
            closeIfBothDone();
        }
    }

    private void shutdownClientOutput() throws IOException {
        if (pendingDown == null && !clientOutputShut) {
            clientOutputShut = true;
            client.shutdownOutput();
            closeIfBothDone();
        }
    }

    private void closeIfBothDone() {
        if (upstreamOutputShut && clientOutputShut) {
            close("both directions finished");
        }
    }

    /** Sets each key's interest from the state, touching the kernel only on change. */
    private void updateInterest() {
        if (state == State.CLOSED) {
            return;
        }
        int wantClient = 0;
        switch (state) {
            case READING_HEAD, REJECTING -> wantClient = SelectionKey.OP_READ;
            case ESTABLISHED -> {
                if (!clientEof && wantsClientBytes()) {
                    wantClient = SelectionKey.OP_READ;
                }
            }
            default -> { }
        }
        if (pendingDown != null) {
            wantClient |= SelectionKey.OP_WRITE;
        }
        if (wantClient != clientInterest) {
            clientInterest = wantClient;
            clientKey.interestOps(wantClient);
        }
        if (upstreamKey != null) {
            int wantUp = 0;
            if (pendingDown == null && !upstreamEof && !downloadParked) {
                wantUp = SelectionKey.OP_READ;
            }
            if (upstreamBlocked) {
                wantUp |= SelectionKey.OP_WRITE;
            }
            if (wantUp != upstreamInterest) {
                upstreamInterest = wantUp;
                upstreamKey.interestOps(wantUp);
            }
        }
    }

    /** {@link DownloadShaper}: tokens are due, read the upstream again. */
    void resumeDownload() {
        downloadParked = false;
        updateInterest();
    }

    // ---- timers -----------------------------------------------------------------------------------------

    private void onPhaseTimeout() {
        long now = System.nanoTime();
        switch (state) {
            case READING_HEAD -> reject(HandshakeFailure.requestTimeout(loop.config.handshakeTimeout()));
            case RESOLVING -> reject(HandshakeFailure.dnsTimeout(target.host(), loop.config.resolveTimeout()));
            case ESTABLISHED -> {
                long idle = loop.config.idleTimeout().toNanos();
                if (now - lastActivity >= idle) {
                    close("idle for " + describe(loop.config.idleTimeout()));
                } else {
                    loop.timers.arm(phaseTimer, lastActivity + idle);
                }
            }
            case REJECTING -> close("rejected");
            default -> { }
        }
    }

    private void armIdleTimer() {
        if (!loop.config.idleTimeout().isZero()) {
            loop.timers.arm(phaseTimer, lastActivity + loop.config.idleTimeout().toNanos());
        }
    }

    // ---- endings ----------------------------------------------------------------------------------------

    /**
     * Answers the client with an error response, then closes once it is written and the client has stopped
     * sending (or after a short linger), so the client reads the answer instead of a reset.
     */
    void reject(HandshakeFailure failure) {
        if (state == State.CLOSED || state == State.REJECTING || state == State.ESTABLISHED) {
            return;
        }
        loop.counters.openHandshakes--;
        loop.counters.rejected(failure.status());
        if (dialer != null) {
            dialer.abort();
            dialer = null;
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("flow {} from {}: {} {}", id, clientAddress, failure.status(), failure.message());
        }
        state = State.REJECTING;
        releaseQueue();
        pendingDown = append(pendingDown, frontEnd.failureReply(failure));
        try {
            flushDown();
        } catch (IOException e) {
            close("client gone before the error response");
            return;
        }
        if (state != State.CLOSED) {
            loop.timers.arm(phaseTimer, System.nanoTime() + LINGER_NANOS);
            updateInterest();
        }
    }

    /** Closes at once; with {@code reset}, the peers see a reset rather than an orderly end. */
    void abort(String reason, boolean reset) {
        if (reset) {
            setLingerZero(client);
            if (upstream != null) {
                setLingerZero(upstream);
            }
        }
        close(reason);
    }

    /** Closes both sockets and frees everything. Idempotent. */
    void close(String reason) {
        State was = state;
        if (was == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        loop.timers.cancel(phaseTimer);
        if (knownToScheduler) {
            knownToScheduler = false;
            eligible = false;
            loop.scheduler.onClosed(this);
        }
        if (dialer != null) {
            dialer.abort();
            dialer = null;
        }
        releaseQueue();
        if (pendingDown != null) {
            releaseDown(pendingDown);
            pendingDown = null;
        }
        closeQuietly(client);
        if (upstream != null) {
            closeQuietly(upstream);
        }
        switch (was) {
            case READING_HEAD, RESOLVING, CONNECTING -> loop.counters.openHandshakes--;
            case ESTABLISHED -> loop.counters.openTunnels--;
            default -> { }
        }
        loop.forget(this);
        if (was == State.ESTABLISHED && LOG.isInfoEnabled()) {
            long millis = (System.nanoTime() - establishedAt) / 1_000_000;
            LOG.info("flow {} closed {} via {}: up {} B, down {} B, {} ms, {}", id, target.authority(),
                    format(upstreamAddress), bytesUp, bytesDown, millis, reason);
        } else if (LOG.isDebugEnabled()) {
            LOG.debug("flow {} from {} closed in state {}: {}", id, clientAddress, was, reason);
        }
    }

    /** Downstream buffers are pooled chunks, except error responses, which are small heap arrays. */
    private void releaseDown(ByteBuffer buf) {
        if (buf.isDirect()) {
            loop.buffers.release(buf);
        }
    }

    private void releaseQueue() {
        // Bounded by the queue's size.
        for (ByteBuffer b = upQueue.pollFirst(); b != null; b = upQueue.pollFirst()) {
            loop.buffers.release(b);
        }
        loop.counters.queuedBytes -= queuedBytes;
        queuedBytes = 0;
    }

    private static void setLingerZero(SocketChannel ch) {
        try {
            if (ch.isOpen()) {
                ch.setOption(StandardSocketOptions.SO_LINGER, 0);
            }
        } catch (IOException | RuntimeException ignored) {
            // Best effort: the socket may already be half torn down.
        }
    }

    static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // Nothing to do: the descriptor is released either way.
        }
    }

    /** The proxy's end of a socket, or 0.0.0.0:0 if it is already gone (the next write will tell). */
    private static InetSocketAddress localAddress(SocketChannel ch) {
        try {
            return (InetSocketAddress) ch.getLocalAddress();
        } catch (IOException e) {
            return new InetSocketAddress(0);
        }
    }

    private static InetSocketAddress remoteAddress(SocketChannel ch) {
        try {
            return (InetSocketAddress) ch.getRemoteAddress();
        } catch (IOException e) {
            return null;
        }
    }

    /** "300 ms" or "30 s", for messages. */
    static String describe(java.time.Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    static String format(InetSocketAddress a) {
        if (a == null) {
            return "?";
        }
        String host = a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    // ---- Flow -------------------------------------------------------------------------------------------

    @Override
    public long id() {
        return id;
    }

    @Override
    public int headChunkBytes() {
        ByteBuffer head = upQueue.peekFirst();
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

    long acceptedAt() {
        return acceptedAt;
    }

    @Override
    public String toString() {
        return "flow " + id + "[" + format(clientAddress) + " ⇄ "
                + (upstreamAddress != null ? format(upstreamAddress) : target != null ? target.authority() : "?")
                + "]";
    }
}
