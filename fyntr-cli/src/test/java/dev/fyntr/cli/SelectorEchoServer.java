package dev.fyntr.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * Echoes bytes back on 127.0.0.1, for thousands of connections from one thread (a selector): each connection has
 * one small buffer, reading stops while it holds bytes the peer has not taken yet (so a slow peer slows its sender,
 * as TCP would), and after the peer's EOF it sends what is left, shuts its output and closes. A thread per
 * connection would not scale to a storm of 1,000 tunnels on a small machine. A second thread does nothing but
 * accept, so that a storm of connects is taken off the listen queue at once even while the selector thread is busy
 * echoing (a full queue drops SYNs, and the proxy's dial would then wait for the retransmission).
 */
final class SelectorEchoServer implements AutoCloseable {

    private static final int BUFFER_BYTES = 8 * 1024;

    private final ServerSocketChannel server;
    private final Selector selector;
    private final Thread thread;
    private final Thread acceptor;
    private final ConcurrentLinkedQueue<SocketChannel> accepted = new ConcurrentLinkedQueue<>();
    private volatile boolean closing;
    private volatile Throwable failure;

    /** Listens on 127.0.0.1 on any free port, with a backlog large enough for a storm. */
    SelectorEchoServer() throws IOException {
        selector = Selector.open();
        server = ServerSocketChannel.open();
        try {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        } catch (IOException | RuntimeException e) {
            server.close();
            selector.close();
            throw e;
        }
        thread = new Thread(this::loop, "echo-selector");
        thread.setDaemon(true);
        thread.start();
        acceptor = new Thread(this::acceptLoop, "echo-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.socket().getLocalPort();
    }

    /** What made the loop stop early, or {@code null}. */
    Throwable failure() {
        return failure;
    }

    private void loop() {
        try {
            while (!closing) {
                selector.select(1000);
                for (SocketChannel ch = accepted.poll(); ch != null; ch = accepted.poll()) {
                    ch.configureBlocking(false);
                    ch.register(selector, SelectionKey.OP_READ, new Connection(ch));
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    if (!key.isValid()) {
                        continue;
                    }
                    Connection c = (Connection) key.attachment();
                    try {
                        c.onReady(key);
                    } catch (IOException e) {
                        c.close(key); // a peer that went away: its connection ends, the others go on
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | RuntimeException | Error e) {
            failure = e;
        } finally {
            for (SelectionKey key : selector.keys()) {
                try {
                    key.channel().close();
                } catch (IOException ignored) {
                    // closing everything anyway
                }
            }
        }
    }

    /** Blocking accepts, handed to the selector thread; ends when the server socket is closed. */
    private void acceptLoop() {
        try {
            while (!closing) {
                SocketChannel ch = server.accept();
                accepted.add(ch);
                selector.wakeup();
            }
        } catch (IOException e) {
            if (!closing) {
                failure = e;
            }
        }
    }

    private static final class Connection {
        private final SocketChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES); // write mode between events
        private boolean eof;

        Connection(SocketChannel channel) {
            this.channel = channel;
        }

        void onReady(SelectionKey key) throws IOException {
            if (key.isReadable() && !eof && buffer.hasRemaining()) {
                if (channel.read(buffer) < 0) {
                    eof = true;
                }
            }
            buffer.flip();
            if (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            buffer.compact();
            if (eof && buffer.position() == 0) {
                channel.shutdownOutput();
                close(key);
                return;
            }
            int ops = 0;
            if (!eof && buffer.hasRemaining()) {
                ops |= SelectionKey.OP_READ;
            }
            if (buffer.position() > 0) {
                ops |= SelectionKey.OP_WRITE;
            }
            key.interestOps(ops);
        }

        void close(SelectionKey key) {
            key.cancel();
            try {
                channel.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }

    /** Stops the loop and closes every connection; waits for the loop thread, bounded. */
    @Override
    public void close() throws IOException {
        closing = true;
        server.close(); // ends the blocking accept
        selector.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
            acceptor.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            selector.close();
            for (SocketChannel ch = accepted.poll(); ch != null; ch = accepted.poll()) {
                ch.close(); // accepted after the loop stopped
            }
        }
    }
}
