package dev.fyntr.transport.nio.internal.forward;

import dev.fyntr.transport.nio.internal.loop.IoHandler;
import dev.fyntr.transport.nio.internal.loop.KeyInterest;
import dev.fyntr.transport.nio.internal.net.ConnectTarget;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * A connection to an origin, used by one plain-HTTP exchange at a time and pooled in between. While it is pooled,
 * it watches its socket: any readiness then (the origin closed it, or sent bytes nobody asked for) means it cannot
 * be reused, and it closes. Event-loop thread only.
 */
final class Upstream implements UpstreamPool.Idle, IoHandler {

    final SocketChannel channel;
    final InetSocketAddress address;
    final ConnectTarget target;
    private final UpstreamPool<Upstream> pool;
    /** Exchanges this connection has carried before the current one. */
    int reuses;
    private boolean closed;

    Upstream(SocketChannel channel, InetSocketAddress address, ConnectTarget target, UpstreamPool<Upstream> pool) {
        this.channel = channel;
        this.address = address;
        this.target = target;
        this.pool = pool;
    }

    /** Registers the socket with {@code handler} (an exchange's) and returns its interest. */
    KeyInterest attach(ForwardServices services, IoHandler handler) throws IOException {
        // A channel registered before keeps its key: this sets the attachment and the interest (none yet).
        return new KeyInterest(services.loop.register(channel, 0, handler));
    }

    /** Goes back to the pool: watches the socket for the origin's close. */
    void park(ForwardServices services) throws IOException {
        services.loop.register(channel, SelectionKey.OP_READ, this);
        reuses++;
        pool.offer(target.authority(), this);
    }

    @Override
    public void onReady(SelectionKey key) {
        pool.remove(this); // closed by the origin, or bytes nobody asked for: unusable
        close();
    }

    @Override
    public void onFailure(Throwable failure) {
        pool.remove(this);
        close();
    }

    /** Closes with a reset: the exchange failed, and the origin should not take it for a clean end. */
    void reset() {
        try {
            if (channel.isOpen()) {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            }
        } catch (IOException | RuntimeException ignored) {
            // Best effort: the socket may already be half torn down.
        }
        close();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // The descriptor is released either way.
        }
    }

    boolean isClosed() {
        return closed;
    }
}
