package dev.fyntr.transport.nio.internal.tunnel;

import dev.fyntr.transport.nio.internal.handshake.FrontEnd;
import dev.fyntr.transport.nio.internal.loop.IoHandler;
import dev.fyntr.transport.nio.internal.loop.LoopContext;
import dev.fyntr.transport.nio.internal.loop.LoopTimer;
import dev.fyntr.transport.nio.internal.net.LogHandoff;
import dev.fyntr.transport.nio.internal.net.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.function.Supplier;

/**
 * One listen socket, and the protocol its connections speak. Accept errors (EMFILE and friends) pause it for a
 * moment instead of spinning on a socket that stays ready. Event-loop thread only.
 */
final class Acceptor implements IoHandler {

    private static final Logger LOG = LoggerFactory.getLogger(Acceptor.class);
    private static final RateLimitedLog ACCEPT_FAILURES = RateLimitedLog.warnings(LOG);
    private static final int ACCEPTS_PER_EVENT = 64;
    private static final long ACCEPT_PAUSE_NANOS = 100_000_000L;

    private final LoopContext loop;
    private final Connections connections;
    private final ServerSocketChannel channel;
    private final Supplier<FrontEnd> protocol;
    private final SelectionKey key;
    private final LoopTimer resume = new LoopTimer(this::resume);

    Acceptor(LoopContext loop, Connections connections, ServerSocketChannel channel, Supplier<FrontEnd> protocol)
            throws IOException {
        this.loop = loop;
        this.connections = connections;
        this.channel = channel;
        this.protocol = protocol;
        this.key = loop.register(channel, SelectionKey.OP_ACCEPT, this);
    }

    @Override
    public void onReady(SelectionKey key) {
        for (int i = 0; i < ACCEPTS_PER_EVENT && !connections.isShuttingDown(); i++) {
            SocketChannel ch;
            try {
                ch = channel.accept();
            } catch (IOException e) {
                onAcceptError(e);
                return;
            }
            if (ch == null) {
                return;
            }
            connections.accepted(ch, protocol.get());
        }
    }

    @Override
    public void onFailure(Throwable failure) {
        LogHandoff.submit(() -> LOG.error("accept failed", failure));
    }

    /** EMFILE and friends: log (at most once a second, with a count of the others) and stop accepting a moment. */
    private void onAcceptError(IOException e) {
        long now = loop.nanoTime();
        String why = e.getMessage();
        int open = connections.open();
        ACCEPT_FAILURES.warn(() -> "accept failed: " + why + " (open connections " + open + "); pausing accepts for "
                + "100 ms. If this says 'Too many open files', raise the limit (ulimit -n) or lower --max-connections");
        if (key.isValid()) {
            key.interestOps(0);
            loop.timers().arm(resume, now + ACCEPT_PAUSE_NANOS);
        }
    }

    private void resume() {
        if (!connections.isShuttingDown() && key.isValid()) {
            key.interestOps(SelectionKey.OP_ACCEPT);
        }
    }

    void close() {
        key.cancel();
        try {
            channel.close();
        } catch (IOException ignored) {
            // Already closed or never bound: nothing to release.
        }
    }
}
