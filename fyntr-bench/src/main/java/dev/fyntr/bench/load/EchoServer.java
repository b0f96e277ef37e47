package dev.fyntr.bench.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Echoes every byte back, on 127.0.0.1, from one selector thread. A connection whose peer does not read is
 * not read either (its pending echo is bounded by one buffer), so a slow client cannot grow memory.
 */
public final class EchoServer extends LoopbackServer {

    private static final int BUFFER_BYTES = 64 * 1024;

    private final AtomicLong accepted = new AtomicLong();

    private EchoServer() throws IOException {
        super("echo-server", 4096);
    }

    /** Starts an echo server on an ephemeral loopback port. */
    public static EchoServer start() throws IOException {
        EchoServer s = new EchoServer();
        s.startThread();
        return s;
    }

    /** Connections accepted so far. */
    public long accepted() {
        return accepted.get();
    }

    @Override
    void onAccepted(SocketChannel ch) throws IOException {
        accepted.incrementAndGet();
        ch.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
        ch.register(selector, SelectionKey.OP_READ, ByteBuffer.allocate(BUFFER_BYTES));
    }

    @Override
    void onReady(SelectionKey key) throws IOException {
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
}
