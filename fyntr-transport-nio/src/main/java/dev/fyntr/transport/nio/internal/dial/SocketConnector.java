package dev.fyntr.transport.nio.internal.dial;

import dev.fyntr.transport.nio.internal.loop.IoHandler;
import dev.fyntr.transport.nio.internal.loop.LoopContext;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * {@link Connector} on real sockets: a non-blocking connect, finished at once when the peer answered within the call
 * (loopback), otherwise when the loop's selector says so.
 */
public final class SocketConnector implements Connector {

    private static final Pending DONE = () -> { };

    private final LoopContext loop;

    public SocketConnector(LoopContext loop) {
        this.loop = loop;
    }

    @Override
    public Pending connect(InetSocketAddress address, Callback callback) {
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            // On loopback and in the same host the handshake is over by the time connect() returns "in progress";
            // asking once more costs one system call and saves the loop turn that OP_CONNECT would take.
            if (channel.connect(address) || channel.finishConnect()) {
                callback.connected(channel);
                return DONE;
            }
            PendingSocket pending = new PendingSocket(channel, callback);
            loop.register(channel, SelectionKey.OP_CONNECT, pending);
            return pending;
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            callback.failed(e);
            return DONE;
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // The descriptor is released either way.
        }
    }

    private static final class PendingSocket implements IoHandler, Pending {
        private final SocketChannel channel;
        private final Callback callback;
        private boolean over;

        PendingSocket(SocketChannel channel, Callback callback) {
            this.channel = channel;
            this.callback = callback;
        }

        @Override
        public void onReady(SelectionKey key) throws IOException {
            if (!over && channel.finishConnect()) {
                over = true;
                key.interestOps(0);
                key.attach(null);
                callback.connected(channel);
            }
        }

        @Override
        public void onFailure(Throwable failure) {
            if (!over) {
                over = true;
                closeQuietly(channel);
                callback.failed(failure);
            }
        }

        @Override
        public void cancel() {
            if (!over) {
                over = true;
                closeQuietly(channel);
            }
        }
    }
}
