package dev.fyntr.transport.nio.internal.tunnel;

import dev.fyntr.api.spi.FlowInfo;
import dev.fyntr.transport.nio.internal.loop.IoHandler;
import dev.fyntr.transport.nio.internal.loop.KeyInterest;
import dev.fyntr.transport.nio.internal.net.ConnectTarget;
import dev.fyntr.transport.nio.internal.net.Formats;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * An established tunnel: the upstream socket and the two directions, {@link UploadFlow} (client→upstream,
 * through the scheduler) and {@link DownloadRelay} (upstream→client, straight through). Each direction owns its
 * buffers and says which interest it wants on each socket; the tunnel combines them, tracks activity for the
 * idle timeout, and ends the connection when both directions are finished (half-close). The upload direction's first
 * bytes go through the SNI check ({@link SniPolicy}), which the tunnel asks on their behalf. Event-loop thread only.
 */
final class Tunnel {

    private final ConnectionServices services;
    private final Connection connection;
    private final SocketChannel client;
    private final SocketChannel upstream;
    private final InetSocketAddress upstreamAddress;
    private final ConnectTarget target;
    private final String authority;
    private final KeyInterest clientInterest;
    private final UploadFlow up;
    private final DownloadRelay down;
    private KeyInterest upstreamInterest;
    private long establishedAt;
    private long lastActivity;
    private boolean released;
    /** enforce: when a ClientHello held since its first byte must have been judged (loop clock); 0 = none held. */
    private long holdDeadline;

    Tunnel(ConnectionServices services, Connection connection, KeyInterest clientInterest, SocketChannel upstream,
           InetSocketAddress upstreamAddress, ConnectTarget target, FlowInfo info) {
        this.services = services;
        this.connection = connection;
        this.client = connection.client();
        this.upstream = upstream;
        this.upstreamAddress = upstreamAddress;
        this.target = target;
        this.authority = target.authority();
        this.clientInterest = clientInterest;
        this.up = new UploadFlow(this, connection.id(), services, client, upstream, info);
        this.down = new DownloadRelay(this, services, client, upstream);
    }

    /**
     * Registers the upstream, sends {@code reply} (our answer to the handshake, a heap buffer) and forwards
     * {@code pipelined} client bytes first (a pooled buffer the tunnel now owns, or null). When those bytes decide the
     * SNI check against the tunnel, it is reset after the reply.
     */
    void start(ByteBuffer reply, ByteBuffer pipelined) throws IOException {
        assert services.loop.inLoop();
        establishedAt = services.loop.nanoTime();
        lastActivity = establishedAt;
        try {
            upstreamInterest = new KeyInterest(services.loop.register(upstream, 0, new UpstreamSide()));
        } catch (IOException | RuntimeException e) {
            if (pipelined != null) {
                services.loop.buffers().release(pipelined);
            }
            throw e;
        }
        up.startWith(pipelined); // from here each direction owns its buffer, and release() frees it
        down.startWith(reply);
        if (released || !up.judgeIfDecided()) {
            return;
        }
        armDeadline();
        updateInterest();
    }

    void onClientReady(int readyOps) throws IOException {
        if ((readyOps & SelectionKey.OP_WRITE) != 0) {
            down.flush();
        }
        if (!released && (readyOps & SelectionKey.OP_READ) != 0) {
            up.readClient();
        }
        updateInterest();
    }

    /** The upstream socket's events. */
    private final class UpstreamSide implements IoHandler {
        @Override
        public void onReady(SelectionKey key) throws IOException {
            int ready = key.readyOps();
            if ((ready & SelectionKey.OP_WRITE) != 0) {
                up.onUpstreamWritable();
            }
            if (!released && (ready & SelectionKey.OP_READ) != 0) {
                down.readUpstream();
            }
            updateInterest();
        }

        @Override
        public void onFailure(Throwable failure) {
            connection.fail("upstream", failure);
        }

        @Override
        public String toString() {
            return Tunnel.this + " upstream";
        }
    }

    /** Sets each key's interest from what the two directions want, touching the kernel only on change. */
    void updateInterest() {
        if (released) {
            return;
        }
        clientInterest.set(up.clientOps() | down.clientOps());
        if (upstreamInterest != null) {
            upstreamInterest.set(down.upstreamOps() | up.upstreamOps());
        }
    }

    UploadFlow uploadFlow() {
        return up;
    }

    /** Whether neither direction holds a buffer: such a tunnel may use the budget's reserve. */
    boolean holdsNothing() {
        return up.holdsNothing() && down.holdsNothing();
    }

    /** Bytes moved in either direction: the idle timeout starts again (the timer is moved lazily). */
    void touch() {
        lastActivity = services.loop.nanoTime();
    }

    /**
     * The connection's deadline while established: a ClientHello held too long (enforce) is judged as cut short;
     * a tunnel idle for the idle timeout closes; otherwise the timer moves to the next of the two.
     */
    void onIdleDeadline() {
        long now = services.loop.nanoTime();
        if (holdDeadline != 0 && up.held() && now - holdDeadline >= 0
                && !up.giveUpHold("it was not complete within " + Formats.duration(helloTimeout()))) {
            return; // reset
        }
        Duration idle = services.idleTimeout;
        if (!idle.isZero() && now - lastActivity >= idle.toNanos()) {
            connection.close("idle for " + Formats.duration(idle));
            return;
        }
        armDeadline();
    }

    /** Arms the connection's timer for the idle timeout, or for a held ClientHello's deadline if that is sooner. */
    private void armDeadline() {
        Duration idle = services.idleTimeout;
        boolean armed = !idle.isZero();
        long at = armed ? lastActivity + idle.toNanos() : 0;
        if (holdDeadline != 0 && up.held() && (!armed || holdDeadline - at < 0)) {
            at = holdDeadline;
            armed = true;
        }
        if (armed) {
            connection.deadline(at);
        }
    }

    /**
     * enforce: the upload direction holds its first ClientHello bytes; the whole hello must be judged within the
     * handshake timeout from here (a record that never completes must not hold the tunnel until the idle timeout).
     */
    void holdStarted() {
        holdDeadline = services.loop.nanoTime() + helloTimeout().toNanos();
        if (holdDeadline == 0) {
            holdDeadline = 1; // 0 means none
        }
        if (!released) {
            armDeadline();
        }
    }

    /** How long a held ClientHello may take to arrive: the handshake timeout, which bounds the request head too. */
    private Duration helloTimeout() {
        return services.handshakes.handshakeTimeout();
    }

    /**
     * The SNI check's verdict on the client's first bytes, once the upload direction's peek has decided.
     *
     * @return whether the tunnel goes on; if not, it has been reset
     */
    boolean judgeClientHello(ClientHelloPeek peek) {
        String reason = services.sni.judge(peek, target, connection.clientAddress(), connection.id(),
                services.counters);
        if (reason == null) {
            return true;
        }
        reset("SNI check: " + reason);
        return false;
    }

    void closeIfBothDone() {
        if (up.finished() && down.finished()) {
            connection.close("both directions finished");
        }
    }

    void reset(String reason) {
        connection.reset(reason);
    }

    boolean isReleased() {
        return released;
    }

    void setLingerZero() {
        Connection.setLingerZero(upstream);
    }

    /** Frees both directions and closes the upstream socket. Idempotent. */
    void release() {
        released = true;
        up.release();
        down.release();
        Connection.closeQuietly(upstream);
    }

    /** The upstream address connected to. */
    InetSocketAddress upstreamAddress() {
        return upstreamAddress;
    }

    /** Client→upstream bytes written so far. */
    long bytesUp() {
        return up.bytesWritten();
    }

    /** Upstream→client bytes written so far. */
    long bytesDown() {
        return down.bytesRelayed();
    }

    String upstreamText() {
        return Formats.endpoint(upstreamAddress);
    }

    /** For the close line: {@code example.com:443 via 93.184.215.14:443: up 10 B, down 20 B, 5 ms}. */
    String describe() {
        long millis = (services.loop.nanoTime() - establishedAt) / 1_000_000;
        return authority + " via " + upstreamText() + ": up " + up.bytesWritten() + " B, down " + down.bytesRelayed()
                + " B, " + millis + " ms";
    }

    @Override
    public String toString() {
        return connection.toString();
    }
}
