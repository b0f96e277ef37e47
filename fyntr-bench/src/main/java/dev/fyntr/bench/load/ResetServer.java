package dev.fyntr.bench.load;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A server that resets its connections in the middle of a transfer: a connection's first 4 bytes (big-endian)
 * say after how many bytes; the server echoes that many of the bytes that follow, then closes with SO_LINGER 0
 * (a TCP reset) while the client is still sending. One selector thread on 127.0.0.1.
 */
final class ResetServer extends LoopbackServer {

    private static final int BUFFER_BYTES = 16 * 1024;

    private final AtomicLong resets = new AtomicLong();

    /** Per connection. */
    private static final class State {
        final ByteBuffer header = ByteBuffer.allocate(4);
        final ByteBuffer echo = ByteBuffer.allocate(BUFFER_BYTES);
        long toRead = -1; // unknown until the header is in
    }

    private ResetServer() throws IOException {
        super("reset-server", 1024);
    }

    static ResetServer start() throws IOException {
        ResetServer s = new ResetServer();
        s.startThread();
        return s;
    }

    /** Connections reset so far. */
    long resets() {
        return resets.get();
    }

    @Override
    void onAccepted(SocketChannel ch) throws IOException {
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ch.register(selector, SelectionKey.OP_READ, new State());
    }

    @Override
    void onReady(SelectionKey key) throws IOException {
        SocketChannel ch = (SocketChannel) key.channel();
        State s = (State) key.attachment();
        if (s.header.hasRemaining()) {
            if (ch.read(s.header) < 0) {
                closeQuietly(key);
                return;
            }
            if (s.header.hasRemaining()) {
                return;
            }
            s.toRead = Math.max(0, s.header.getInt(0));
        }
        if (s.toRead > 0 && s.echo.hasRemaining()) {
            ByteBuffer window = s.echo.slice(s.echo.position(),
                    (int) Math.min(s.echo.remaining(), s.toRead));
            int n = ch.read(window);
            if (n < 0) {
                closeQuietly(key); // the client gave up before the reset point
                return;
            }
            s.echo.position(s.echo.position() + n);
            s.toRead -= n;
        }
        s.echo.flip();
        ch.write(s.echo);
        s.echo.compact();
        if (s.toRead == 0 && s.echo.position() == 0) {
            ch.setOption(StandardSocketOptions.SO_LINGER, 0);
            resets.incrementAndGet();
            closeQuietly(key); // everything promised was echoed: reset now, mid-transfer
            return;
        }
        key.interestOps((s.echo.position() > 0 ? SelectionKey.OP_WRITE : 0)
                | (s.toRead > 0 && s.echo.hasRemaining() ? SelectionKey.OP_READ : 0));
    }
}
