package dev.fyntr.transport.nio.internal.tunnel;

import dev.fyntr.api.spi.FlowInfo;
import dev.fyntr.transport.nio.internal.forward.PlainHttpSession;
import dev.fyntr.transport.nio.internal.forward.ScheduledFlow;
import dev.fyntr.transport.nio.internal.handshake.FrontEnd;
import dev.fyntr.transport.nio.internal.handshake.Handshake;
import dev.fyntr.transport.nio.internal.handshake.PlainRequest;
import dev.fyntr.transport.nio.internal.loop.IoHandler;
import dev.fyntr.transport.nio.internal.loop.KeyInterest;
import dev.fyntr.transport.nio.internal.loop.LoopTimer;
import dev.fyntr.transport.nio.internal.net.Formats;
import dev.fyntr.transport.nio.internal.net.HandshakeFailure;
import dev.fyntr.transport.nio.internal.net.LogHandoff;
import dev.fyntr.transport.nio.internal.net.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Locale;

/**
 * One client connection from accept to close: it owns the client socket, its state, its one deadline timer and
 * the two ways to end ({@link #close} and {@link #reset}); the {@link Handshake} drives it until the upstream is
 * connected, the {@link Tunnel} afterwards, or for plain-HTTP requests a {@link PlainHttpSession}. Event-loop thread
 * only.
 *
 * <p>States and their deadlines: {@code HANDSHAKE} (the whole head within the handshake timeout, then the
 * name lookup's timeout, then the dialer's own), {@code REJECTING} (the linger after an error answer),
 * {@code ESTABLISHED} (the idle timeout), {@code CLOSED}.
 */
final class Connection implements IoHandler, Handshake.Owner, PlainHttpSession.Owner {

    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);
    private static final RateLimitedLog INTERNAL_ERRORS = RateLimitedLog.warnings(LOG);

    enum State { HANDSHAKE, REJECTING, ESTABLISHED, CLOSED }

    /** A client whose address the socket could not tell (it reset at once): 0.0.0.0:0 in its flow's info. */
    private static final InetSocketAddress UNKNOWN_CLIENT = new InetSocketAddress(0);

    private final ConnectionServices services;
    private final Connections registry;
    private final long id;
    private final SocketChannel client;
    private final KeyInterest clientInterest;
    private final InetSocketAddress clientAddress;
    private final long acceptedAt;
    private final LoopTimer deadline = new LoopTimer(this::onDeadline, t -> fail("deadline", t));
    private final Handshake handshake;
    private State state = State.HANDSHAKE;
    private Tunnel tunnel;
    /** Instead of a tunnel: the plain-HTTP requests of this connection. */
    private PlainHttpSession session;
    private long establishedAt;
    /** The error answer, once the handshake failed; for the access log. */
    private HandshakeFailure rejection;
    /** Refused at admission (connection limits): lingering is bounded tighter, so that refusals cannot pile up. */
    private boolean refusedAtAdmission;

    Connection(ConnectionServices services, Connections registry, long id, SocketChannel client,
               SelectionKey clientKey, FrontEnd frontEnd) {
        this.services = services;
        this.registry = registry;
        this.id = id;
        this.client = client;
        this.clientInterest = new KeyInterest(clientKey);
        this.clientAddress = remoteAddress(client);
        this.acceptedAt = services.loop.nanoTime();
        this.handshake = new Handshake(services.handshakes, this, frontEnd);
        clientKey.attach(this);
    }

    // ---- life cycle -------------------------------------------------------------------------------------

    /** Starts reading the request head; a client that fails at once is closed as a failed read would close it. */
    void startHandshake() {
        services.counters.openHandshakes++;
        try {
            handshake.start();
        } catch (IOException | RuntimeException e) {
            fail("client", e);
        }
    }

    /** Whether this connection was counted against its client's share (it was not refused at admission). */
    boolean admittedPerClient() {
        return !refusedAtAdmission;
    }

    /** Answers 503 at once, without reading the request: the proxy is at its connection limit. */
    void rejectAtCapacity() {
        refuseAtAdmission(null);
    }

    /**
     * Answers 503 at once, without reading the request, and closes without lingering.
     *
     * @param failure the answer, or null for the proxy's connection limit
     */
    void refuseAtAdmission(HandshakeFailure failure) {
        refusedAtAdmission = true;
        services.counters.openHandshakes++; // counted like a handshake that just began, so that the rejection balances it
        if (failure == null) {
            handshake.rejectAtCapacity();
        } else {
            handshake.reject(failure);
        }
    }

    boolean isEstablished() {
        return state == State.ESTABLISHED;
    }

    @Override
    public void onReady(SelectionKey key) throws IOException {
        assert services.loop.inLoop();
        int ready = key.readyOps();
        switch (state) {
            case HANDSHAKE, REJECTING -> handshake.onClientReady(ready);
            case ESTABLISHED -> {
                if (session != null) {
                    session.onClientReady(ready);
                } else {
                    tunnel.onClientReady(ready);
                }
            }
            default -> { }
        }
    }

    @Override
    public void onFailure(Throwable failure) {
        fail("client", failure);
    }

    /** An I/O error on one side resets the connection; anything else is a bug, logged with its stack trace. */
    void fail(String side, Throwable failure) {
        if (failure instanceof IOException) {
            reset(side + " error: " + failure.getMessage());
        } else {
            if (INTERNAL_ERRORS.admit()) {
                String note = INTERNAL_ERRORS.takeSuppressed();
                LogHandoff.submit(() -> LOG.error("flow {}: internal error on the {} side, closing it{}", id, side,
                        note, failure));
            }
            reset("internal error: " + failure);
        }
    }

    private void onDeadline() {
        switch (state) {
            case HANDSHAKE, REJECTING -> handshake.onDeadline();
            case ESTABLISHED -> {
                if (session != null) {
                    session.onDeadline();
                } else {
                    tunnel.onIdleDeadline();
                }
            }
            default -> { }
        }
    }

    // ---- Handshake.Owner --------------------------------------------------------------------------------

    @Override
    public long id() {
        return id;
    }

    @Override
    public SocketChannel client() {
        return client;
    }

    @Override
    public InetSocketAddress clientAddress() {
        return clientAddress;
    }

    @Override
    public long acceptedAt() {
        return acceptedAt;
    }

    @Override
    public void deadline(long at) {
        services.loop.timers().arm(deadline, at);
    }

    @Override
    public void cancelDeadline() {
        services.loop.timers().cancel(deadline);
    }

    @Override
    public void clientInterest(int ops) {
        clientInterest.set(ops);
    }

    @Override
    public void onRejecting(HandshakeFailure failure) {
        state = State.REJECTING;
        rejection = failure;
        services.counters.openHandshakes--;
        services.counters.lingering++;
        services.counters.rejected(failure.status());
    }

    @Override
    public boolean shuttingDown() {
        return registry.isShuttingDown();
    }

    /** Whether this is a plain-HTTP connection waiting for its client's next request, with nothing in flight. */
    boolean isBetweenRequests() {
        return session != null && session.betweenRequests();
    }

    @Override
    public boolean mayLinger() {
        return registry.mayLinger(refusedAtAdmission);
    }

    @Override
    public void onEstablished(Handshake done, SocketChannel upstream, InetSocketAddress address) {
        state = State.ESTABLISHED;
        establishedAt = services.loop.nanoTime();
        services.timings.tunnelEstablished(acceptedAt, establishedAt);
        services.counters.openHandshakes--;
        services.counters.openTunnels++;
        services.counters.tunnelsOpened++;
        if (LOG.isInfoEnabled()) {
            String line = "flow " + id + " " + done.protocol() + " " + done.target().authority() + " via "
                    + Formats.endpoint(address) + " from " + Formats.endpoint(clientAddress);
            LogHandoff.submit(() -> LOG.info(line));
        }
        FlowInfo info = FlowInfo.of(done.target().host(), done.target().port(), address,
                clientAddress != null ? clientAddress : UNKNOWN_CLIENT, done.frontEndKind(), acceptedAt);
        tunnel = new Tunnel(services, this, clientInterest, upstream, address, done.target(), info);
        try {
            tunnel.start(done.takeReply(localAddress(upstream)), done.takePipelined());
        } catch (IOException e) {
            reset("upstream error: " + e.getMessage());
        } catch (RuntimeException e) {
            fail("upstream", e);
        }
    }

    @Override
    public void onPlainRequest(Handshake done) {
        state = State.ESTABLISHED;
        services.counters.openHandshakes--;
        services.counters.openTunnels++;
        services.counters.tunnelsOpened++;
        session = new PlainHttpSession(services.forward, this);
        session.start(done.plainRequest(), done.takePipelined());
    }

    // ---- endings ----------------------------------------------------------------------------------------

    /** Closes at once with a reset: the peers see a reset rather than an orderly end. */
    @Override
    public void reset(String reason) {
        setLingerZero(client);
        if (tunnel != null) {
            tunnel.setLingerZero();
        }
        close(reason);
    }

    /** Closes both sockets and frees everything. Idempotent. */
    @Override
    public void close(String reason) {
        State was = state;
        if (was == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        services.loop.timers().cancel(deadline);
        handshake.release();
        if (tunnel != null) {
            tunnel.release();
        }
        if (session != null) {
            session.release();
        }
        closeQuietly(client);
        switch (was) {
            case HANDSHAKE -> services.counters.openHandshakes--;
            case REJECTING -> services.counters.lingering--;
            case ESTABLISHED -> services.counters.openTunnels--;
            default -> { }
        }
        registry.forget(this);
        long now = services.loop.nanoTime();
        if (was == State.ESTABLISHED && tunnel != null) {
            services.timings.tunnelClosed(establishedAt, now);
        }
        logAccess(was, reason, now);
        if (was == State.ESTABLISHED && tunnel != null && LOG.isInfoEnabled()) {
            String line = "flow " + id + " closed " + tunnel.describe() + ", " + reason;
            LogHandoff.submit(() -> LOG.info(line));
        } else if (LOG.isDebugEnabled()) {
            LOG.debug("flow {} from {} closed in state {}: {}", id, Formats.endpoint(clientAddress), was, reason);
        }
    }

    /** The access log's line for this connection, which ended in state {@code was}. */
    private void logAccess(State was, String reason, long now) {
        if (!services.accessLog.enabled() || session != null) {
            return; // a plain-HTTP session wrote one line per request itself
        }
        PlainRequest plain = handshake.plainRequest(); // a plain request refused before its session began
        String kind = plain != null ? "http" : handshake.protocol().toLowerCase(Locale.ROOT);
        String method = plain != null ? plain.method() : null;
        String target = plain != null ? plain.target().authority()
                : handshake.target() != null ? handshake.target().authority() : null;
        boolean tunnelled = was == State.ESTABLISHED;
        services.accessLog.connection(kind, method, clientAddress, target,
                tunnelled ? tunnel.upstreamAddress() : null,
                tunnelled ? 200 : rejection != null ? rejection.status() : 0,
                rejection != null ? rejection.proxyStatusError() : null,
                tunnelled ? tunnel.bytesUp() : 0, tunnelled ? tunnel.bytesDown() : 0, now - acceptedAt, reason);
    }

    static void setLingerZero(SocketChannel ch) {
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

    /** The upload direction, once the tunnel is up; else null. */
    UploadFlow uploadFlow() {
        return tunnel == null ? null : tunnel.uploadFlow();
    }

    /** The scheduler's flow of this connection: the tunnel's upload, a plain request's body, or null. */
    ScheduledFlow scheduledFlow() {
        return session != null ? session.flow() : uploadFlow();
    }

    InetAddress clientInetAddress() {
        return clientAddress == null ? null : clientAddress.getAddress();
    }

    @Override
    public String toString() {
        return "flow " + id + "[" + Formats.endpoint(clientAddress) + " ⇄ "
                + (tunnel != null ? tunnel.upstreamText() : session != null ? session.toString()
                        : handshake.target() != null
                        ? handshake.target().authority() : "?") + "]";
    }
}
