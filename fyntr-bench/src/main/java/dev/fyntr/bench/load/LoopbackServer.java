package dev.fyntr.bench.load;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The load tool's servers: one selector thread on an ephemeral 127.0.0.1 port. Subclasses say what to do with a new
 * connection and with a ready one; a peer's I/O error closes that connection only.
 */
abstract class LoopbackServer implements AutoCloseable {

    private final ServerSocketChannel server;
    final Selector selector;
    private final Thread thread;
    private volatile boolean running = true;

    LoopbackServer(String name, int backlog) throws IOException {
        selector = Selector.open();
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), backlog);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        thread = new Thread(this::loop, name);
        thread.setDaemon(true);
    }

    /** Starts the selector thread; called once by the subclass's factory, after construction. */
    final void startThread() {
        thread.start();
    }

    /** The bound address. */
    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.socket().getLocalPort());
    }

    /** A new, non-blocking connection: register it with {@link #selector}. */
    abstract void onAccepted(SocketChannel ch) throws IOException;

    /** A registered connection is ready. */
    abstract void onReady(SelectionKey key) throws IOException;

    private void loop() {
        try {
            while (running) {
                selector.select(200);
                for (var it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                    SelectionKey key = it.next();
                    it.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    try {
                        if (key.isAcceptable()) {
                            for (SocketChannel ch = server.accept(); ch != null; ch = server.accept()) {
                                ch.configureBlocking(false);
                                onAccepted(ch);
                            }
                        } else {
                            onReady(key);
                        }
                    } catch (IOException e) {
                        if (key.channel() != server) {
                            closeQuietly(key); // one peer's reset ends that connection only
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            if (running) {
                System.err.println(thread.getName() + " stopped: " + e);
            }
        }
    }

    static void closeQuietly(SelectionKey key) {
        key.cancel();
        try {
            key.channel().close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (SelectionKey key : selector.keys()) {
            closeQuietly(key);
        }
        try {
            selector.close();
            server.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }
}
