package dev.fyntr.transport.nio.internal.handshake;

import dev.fyntr.api.spi.FlowInfo;
import dev.fyntr.transport.nio.internal.auth.AuthDecision;
import dev.fyntr.transport.nio.internal.loop.BufferPool;
import dev.fyntr.transport.nio.internal.net.ConnectTarget;
import dev.fyntr.transport.nio.internal.net.Formats;
import dev.fyntr.transport.nio.internal.net.HandshakeFailure;
import dev.fyntr.transport.nio.internal.net.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One connection's handshake, from the first byte to a connected upstream or an error answer: it feeds the
 * client's bytes to the {@link FrontEnd}, applies the port check and the host's threat check, lets an
 * {@link UpstreamSetup} resolve, check and dial, and either hands the upstream socket to its {@link Owner} or
 * answers with the failure and lingers so that the client reads it. Event-loop thread only.
 *
 * <p>Buffers: bytes the client sent after its head (a pipelined TLS ClientHello) are held in one pooled buffer
 * until the owner takes them with the upstream; replies of ours are small heap buffers.
 */
public final class Handshake implements BufferPool.MemoryWaiter {

    /** What the handshake needs from the connection that owns it. Loop thread only. */
    public interface Owner {
        long id();

        SocketChannel client();

        InetSocketAddress clientAddress();

        /** When the connection was accepted (loop clock): the handshake deadline counts from there. */
        long acceptedAt();

        /** Arms the connection's one deadline; it calls {@link Handshake#onDeadline()} when it fires. */
        void deadline(long at);

        void cancelDeadline();

        /** Sets the client key's interest. */
        void clientInterest(int ops);

        /** The handshake failed and its answer is on its way; the connection counts it. */
        void onRejecting(HandshakeFailure failure);

        /** Whether the connection may linger after its error answer, so that the client reads it. */
        boolean mayLinger();

        /**
         * The upstream is connected: the owner takes {@code upstream}, {@link #takeReply()} and
         * {@link #takePipelined()} and starts the tunnel.
         */
        void onEstablished(Handshake handshake, SocketChannel upstream, InetSocketAddress address);

        /**
         * A plain-HTTP request passed the checks made before any lookup: the owner takes
         * {@link #plainRequest()} and {@link #takePipelined()} and forwards it (docs/plain-http.md); it resolves,
         * checks and dials itself, so that it may reuse a pooled connection.
         */
        void onPlainRequest(Handshake handshake);

        /** Closes the connection (the owner then calls {@link #release()}). */
        void close(String reason);

        /** Closes with a reset (the owner then calls {@link #release()}). */
        void reset(String reason);
    }

    /**
     * AUTHENTICATING: the credentials are being checked (off the loop; reading paused). CONNECTING: from the end
     * of the head to a connected upstream (resolving, checking, dialling).
     */
    private enum Phase { READING_HEAD, AUTHENTICATING, CONNECTING, REJECTING, HANDED_OVER, CLOSED }

    private static final Logger LOG = LoggerFactory.getLogger(Handshake.class);
    /** Reads per readiness event while draining a rejected client. */
    private static final int READS_PER_EVENT = 4;
    /** How long a rejected client may keep sending before we close (so it can read the error response). */
    private static final long LINGER_NANOS = 2_000_000_000L;

    private final HandshakeServices services;
    private final Owner owner;
    private final FrontEnd frontEnd;
    private final BufferPool buffers;
    private Phase phase = Phase.READING_HEAD;
    private ConnectTarget target;
    private UpstreamSetup upstream;
    private boolean waitingForMemory;
    /** Whether the client has authenticated, or needs not: the proxy has no auth file. */
    private boolean authenticated;
    /** Client bytes after the head (pooled), forwarded first once connected. */
    private ByteBuffer pipelined;
    /** A reply of ours not yet written (heap). */
    private ByteBuffer reply;

    public Handshake(HandshakeServices services, Owner owner, FrontEnd frontEnd) {
        this.services = services;
        this.owner = owner;
        this.frontEnd = frontEnd;
        this.buffers = services.loop().buffers();
        this.authenticated = services.authenticator() == null;
    }

    /**
     * Starts reading the request head, with the whole-head deadline counted from accept. Clients send the head
     * right after connecting, and it has often arrived by the time the listener's turn accepts the connection:
     * reading it at once saves a whole loop turn on the way to {@code 200} (docs/benchmarks.md, "CONNECT + 1 B").
     * When nothing is there yet, the read returns 0 and the head is read when the socket becomes readable.
     *
     * @throws IOException when the client's socket fails; the owner closes the connection as for any read error
     */
    public void start() throws IOException {
        assert services.loop().inLoop();
        owner.deadline(owner.acceptedAt() + services.handshakeTimeout().toNanos());
        readHead();
        updateInterest();
    }

    /** Answers 503 at once, without reading the request: the proxy is at its connection limit. */
    public void rejectAtCapacity() {
        reject(HandshakeFailure.connectionLimit(services.maxConnections(), 1));
    }

    public ConnectTarget target() {
        return target;
    }

    /** The plain-HTTP request to forward once connected, or {@code null} for a tunnel (docs/plain-http.md). */
    public PlainRequest plainRequest() {
        return target == null ? null : frontEnd.plainRequest(); // set once the head is complete
    }

    /** For log lines: {@code CONNECT}, {@code HTTP} or {@code SOCKS5}. */
    public String protocol() {
        return frontEnd.protocol();
    }

    /** The front end as a scheduler sees it. */
    public FlowInfo.FrontEnd frontEndKind() {
        return frontEnd.kind();
    }

    /** The client socket is ready for {@code readyOps}. */
    public void onClientReady(int readyOps) throws IOException {
        assert services.loop().inLoop();
        if ((readyOps & SelectionKey.OP_WRITE) != 0) {
            flushReply();
        }
        if ((readyOps & SelectionKey.OP_READ) != 0) {
            switch (phase) {
                case READING_HEAD -> readHead();
                case CONNECTING -> readWhileWaiting();
                case REJECTING -> drainRejected();
                default -> { }
            }
        }
        updateInterest();
    }

    /** The owner's deadline fired. */
    public void onDeadline() {
        switch (phase) {
            case READING_HEAD -> reject(HandshakeFailure.requestTimeout(services.handshakeTimeout()));
            case AUTHENTICATING -> reject(HandshakeFailure.unavailable("checking the credentials took longer than "
                    + "the handshake timeout", 1));
            case CONNECTING -> upstream.onDeadline();
            case REJECTING -> owner.close("rejected");
            default -> { }
        }
    }

    private void readHead() throws IOException {
        ByteBuffer buf = buffers.acquireReserved();
        if (buf == null) {
            waitForMemory();
            return;
        }
        int n;
        try {
            n = owner.client().read(buf);
        } catch (IOException e) {
            buffers.release(buf);
            throw e;
        }
        if (n <= 0) {
            buffers.release(buf);
            if (n < 0) {
                owner.close("client closed before completing the request head");
            }
            return;
        }
        buf.flip();
        process(buf);
    }

    /** Feeds {@code buf} (pooled; this takes it) to the front end and acts on its progress. */
    private void process(ByteBuffer buf) throws IOException {
        FrontEnd.Progress progress = frontEnd.feed(buf);
        byte[] interim = frontEnd.takeInterimReply();
        if (interim != null) {
            try {
                reply = append(reply, interim); // mid-handshake bytes (the SOCKS5 method selection)
                flushReply();
            } catch (IOException e) {
                buffers.release(buf);
                throw e;
            }
        }
        switch (progress) {
            case NEED_MORE -> buffers.release(buf);
            case FAILED -> {
                buffers.release(buf);
                reject(frontEnd.failure());
            }
            case AUTHENTICATE -> {
                keepOrRelease(buf); // bytes sent before our answer: fed on once the credentials are accepted
                authenticate();
            }
            case COMPLETE -> {
                target = frontEnd.target();
                keepOrRelease(buf); // a TLS ClientHello sent with the head: forwarded first once connected
                if (authenticated) {
                    onHeadComplete();
                } else {
                    authenticate();
                }
            }
        }
    }

    private void keepOrRelease(ByteBuffer buf) {
        if (buf.hasRemaining()) {
            pipelined = buf;
        } else {
            buffers.release(buf);
        }
    }

    /** Asks the proxy's authenticator about the client's credentials; reading pauses until it answers. */
    private void authenticate() throws IOException {
        phase = Phase.AUTHENTICATING;
        AuthDecision now = frontEnd.authenticate(services.authenticator(), owner.clientAddress(), this::onDecision);
        if (now.outcome() != AuthDecision.Outcome.PENDING) {
            decided(now);
        }
    }

    /** A decision that came later, on the loop: the connection may have ended or timed out meanwhile. */
    private void onDecision(AuthDecision decision) {
        if (phase != Phase.AUTHENTICATING) {
            return;
        }
        try {
            decided(decision);
        } catch (IOException e) {
            owner.close("client gone while its credentials were checked");
            return;
        }
        updateInterest();
    }

    private void decided(AuthDecision decision) throws IOException {
        if (!decision.accepted()) {
            reject(decision.failure());
            return;
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("flow {} from {}: authenticated as {}", owner.id(), owner.clientAddress(),
                    LogSafe.quote(decision.user(), 64));
        }
        authenticated = true;
        phase = Phase.READING_HEAD;
        frontEnd.authenticated();
        if (target != null) {
            byte[] interim = frontEnd.takeInterimReply();
            if (interim != null) {
                reply = append(reply, interim);
            }
            onHeadComplete(); // HTTP: the credentials came with the head
            return;
        }
        byte[] interim = frontEnd.takeInterimReply(); // SOCKS5's 01 00
        if (interim != null) {
            reply = append(reply, interim);
            flushReply();
        }
        ByteBuffer early = pipelined;
        pipelined = null;
        if (early != null) {
            process(early); // the request, sent before our answer
        }
    }

    private void onHeadComplete() {
        owner.cancelDeadline();
        HandshakeFailure denied = services.checkBeforeLookup(target, owner.clientAddress(),
                frontEnd.plainRequest() != null);
        if (denied != null) {
            reject(denied);
            return;
        }
        if (frontEnd.plainRequest() != null) {
            phase = Phase.HANDED_OVER;
            owner.onPlainRequest(this);
            return;
        }
        phase = Phase.CONNECTING;
        upstream = new UpstreamSetup(services, owner, target, new UpstreamSetup.Outcome() {
            @Override
            public void connected(SocketChannel channel, InetSocketAddress address) {
                phase = Phase.HANDED_OVER;
                owner.onEstablished(Handshake.this, channel, address);
            }

            @Override
            public void refused(HandshakeFailure failure) {
                reject(failure);
            }
        });
        upstream.start();
    }

    /**
     * While the name resolves and the upstream connects, the client's bytes (a pipelined ClientHello) are read
     * into the one pipelined chunk, so that a client that goes away is noticed at once: its lookup is abandoned
     * and its dial stopped. A full chunk stops the reading.
     */
    private void readWhileWaiting() throws IOException {
        if (pipelined == null) {
            pipelined = buffers.acquireReserved();
            if (pipelined == null) {
                waitForMemory();
                return;
            }
            pipelined.flip(); // empty, ready to be read from
        }
        int n;
        pipelined.compact();
        try {
            n = owner.client().read(pipelined);
        } finally {
            pipelined.flip();
        }
        if (n < 0) {
            owner.close("client closed before the tunnel was up");
        } else if (!pipelined.hasRemaining()) {
            releasePipelined(); // held nothing: give the chunk back
        }
    }

    private void waitForMemory() {
        waitingForMemory = true;
        buffers.awaitMemory(this);
    }

    @Override
    public void onMemoryAvailable() {
        waitingForMemory = false;
        updateInterest();
    }

    /**
     * Answers the client with an error response, then closes once it is written and the client has stopped
     * sending (or after a short linger), so the client reads the answer instead of a reset.
     */
    public void reject(HandshakeFailure failure) {
        if (phase == Phase.REJECTING || phase == Phase.HANDED_OVER || phase == Phase.CLOSED) {
            return;
        }
        owner.onRejecting(failure);
        releaseUpstream();
        if (LOG.isDebugEnabled()) {
            LOG.debug("flow {} from {}: {} {}", owner.id(), Formats.endpoint(owner.clientAddress()), failure.status(),
                    failure.message());
        }
        phase = Phase.REJECTING;
        releasePipelined();
        reply = append(reply, frontEnd.failureReply(failure));
        try {
            flushReply();
        } catch (IOException e) {
            owner.close("client gone before the error response");
            return;
        }
        if (phase == Phase.CLOSED) {
            return;
        }
        if (!owner.mayLinger()) {
            owner.close("rejected"); // lingering is bounded: past the bound, the answer is all the client gets
            return;
        }
        owner.deadline(services.loop().nanoTime() + LINGER_NANOS);
        updateInterest();
    }

    /** Writes our pending reply; once an error answer is out, ends the client's half of the connection. */
    private void flushReply() throws IOException {
        if (reply == null) {
            return;
        }
        owner.client().write(reply);
        if (reply.hasRemaining()) {
            return; // OP_WRITE: see updateInterest()
        }
        reply = null;
        if (phase == Phase.REJECTING) {
            owner.client().shutdownOutput();
        }
    }

    private void drainRejected() throws IOException {
        ByteBuffer scratch = buffers.acquireReserved();
        if (scratch == null) {
            owner.close("rejected"); // no memory even to discard bytes: the answer is written, end now
            return;
        }
        try {
            for (int i = 0; i < READS_PER_EVENT; i++) {
                scratch.clear();
                int n = owner.client().read(scratch);
                if (n < 0) {
                    owner.close("rejected");
                    return;
                }
                if (n == 0) {
                    return;
                }
            }
        } finally {
            buffers.release(scratch);
        }
    }

    private void updateInterest() {
        if (phase == Phase.HANDED_OVER || phase == Phase.CLOSED) {
            return;
        }
        int ops = 0;
        if (!waitingForMemory) {
            if (phase == Phase.READING_HEAD || phase == Phase.REJECTING || (phase == Phase.CONNECTING
                    && (pipelined == null || pipelined.limit() < pipelined.capacity()))) {
                ops = SelectionKey.OP_READ;
            }
        }
        if (reply != null) {
            ops |= SelectionKey.OP_WRITE;
        }
        owner.clientInterest(ops);
    }

    /**
     * For the tunnel: our reply still owed to the client (an interim reply not yet taken, then the success
     * reply), in a heap buffer.
     */
    public ByteBuffer takeReply(InetSocketAddress upstreamLocal) {
        ByteBuffer ok = append(reply, frontEnd.successReply(upstreamLocal)); // an interim reply not taken goes first
        reply = null;
        return ok;
    }

    /** For the tunnel: the pipelined client bytes (pooled; the caller now owns them), or {@code null}. */
    public ByteBuffer takePipelined() {
        ByteBuffer b = pipelined;
        pipelined = null;
        return b;
    }

    /** The connection is closing: stops dialling and frees what the handshake holds. Idempotent. */
    public void release() {
        phase = Phase.CLOSED;
        releaseUpstream();
        releasePipelined();
        reply = null;
    }

    private void releaseUpstream() {
        if (upstream != null) {
            upstream.release();
            upstream = null;
        }
    }

    private void releasePipelined() {
        if (pipelined != null) {
            buffers.release(pipelined);
            pipelined = null;
        }
    }

    /** {@code bytes} after what is left of {@code pending} (heap buffers: replies are small). */
    private static ByteBuffer append(ByteBuffer pending, byte[] bytes) {
        if (pending == null || !pending.hasRemaining()) {
            return ByteBuffer.wrap(bytes);
        }
        ByteBuffer both = ByteBuffer.allocate(pending.remaining() + bytes.length);
        both.put(pending).put(bytes).flip();
        return both;
    }
}
