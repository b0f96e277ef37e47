package dev.fyntr.bench.load;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Echoes every byte back, on 127.0.0.1, from one selector thread. A connection whose peer does not read is
 * not read either (its pending echo is bounded by one buffer), so a slow client cannot grow memory.
 */
public final class EchoServer implements AutoCloseable {

    private static final int BUFFER_BYTES = 64 * 1024;

    private final ServerSocketChannel server;
    private final Selector selector;
    private final Thread thread;
    private final AtomicLong accepted = new AtomicLong();
    private volatile boolean running = true;

    private EchoServer() throws IOException {
        selector = Selector.open();
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        thread = new Thread(this::loop, "echo-server");
        thread.setDaemon(true);
    }

    /** Starts an echo server on an ephemeral loopback port. */
    public static EchoServer start() throws IOException {
        EchoServer s = new EchoServer();
        s.thread.start();
        return s;
    }

    /** The bound address. */
    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.socket().getLocalPort());
    }

    /** Connections accepted so far. */
    public long accepted() {
        return accepted.get();
    }

    private void loop() {
        try {
            while (running) {
                selector.select(200);
                for (var it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                    SelectionKey key = it.next();
                    it.remove();
                    try {
                        handle(key);
                    } catch (IOException e) {
                        // One peer's reset ends that connection only.
                        closeQuietly(key);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            if (running) {
                System.err.println("echo server stopped: " + e);
            }
        }
    }

    private void handle(SelectionKey key) throws IOException {
        if (!key.isValid()) {
            return;
        }
        if (key.isAcceptable()) {
            for (SocketChannel ch = server.accept(); ch != null; ch = server.accept()) {
                accepted.incrementAndGet();
                ch.configureBlocking(false);
                ch.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
                ch.register(selector, SelectionKey.OP_READ, ByteBuffer.allocate(BUFFER_BYTES));
            }
            return;
        }
        SocketChannel ch = (SocketChannel) key.channel();
        ByteBuffer buf = (ByteBuffer) key.attachment();
        if (key.isReadable()) {
            int n = ch.read(buf);
            if (n < 0) {
                closeQuietly(key);
                return;
            }
        }
        buf.flip();
        ch.write(buf);
        buf.compact();
        // Pending echo: wait for writability; buffer full: stop reading until it drains.
        int ops = (buf.position() > 0 ? SelectionKey.OP_WRITE : 0) | (buf.hasRemaining() ? SelectionKey.OP_READ : 0);
        key.interestOps(ops);
    }

    private static void closeQuietly(SelectionKey key) {
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
