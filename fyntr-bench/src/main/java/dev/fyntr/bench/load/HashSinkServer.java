package dev.fyntr.bench.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * A sink that proves an upload arrived intact: it reads everything a connection sends, and when the client
 * half-closes, answers with 12 bytes, the byte count (8, big-endian) and the CRC32C (4) of what it read, then
 * closes. The client compares them with what it wrote. One selector thread on 127.0.0.1.
 */
final class HashSinkServer extends LoopbackServer {

    /** Size of the answer after the client's end of stream. */
    static final int TRAILER_BYTES = 12;

    /** Shared by all connections: what is read is hashed and discarded. Only the selector thread touches it. */
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(256 * 1024);
    private final AtomicLong bytes = new AtomicLong();

    /** Per connection. */
    private static final class Upload {
        final CRC32C crc = new CRC32C();
        long length;
        ByteBuffer trailer;
    }

    private HashSinkServer() throws IOException {
        super("hash-sink", 1024);
    }

    static HashSinkServer start() throws IOException {
        HashSinkServer s = new HashSinkServer();
        s.startThread();
        return s;
    }

    /** Bytes read from all connections so far. */
    long totalBytes() {
        return bytes.get();
    }

    /** The trailer for {@code length} bytes with checksum {@code crc}. */
    static ByteBuffer trailer(long length, int crc) {
        return ByteBuffer.allocate(TRAILER_BYTES).putLong(length).putInt(crc).flip();
    }

    @Override
    void onAccepted(SocketChannel ch) throws IOException {
        ch.register(selector, SelectionKey.OP_READ, new Upload());
    }

    @Override
    void onReady(SelectionKey key) throws IOException {
        SocketChannel ch = (SocketChannel) key.channel();
        Upload u = (Upload) key.attachment();
        if (u.trailer == null && key.isReadable()) {
            buffer.clear();
            int n = ch.read(buffer);
            if (n < 0) {
                u.trailer = trailer(u.length, (int) u.crc.getValue());
            } else {
                buffer.flip();
                u.crc.update(buffer);
                u.length += n;
                bytes.addAndGet(n);
            }
        }
        if (u.trailer != null) {
            ch.write(u.trailer);
            if (u.trailer.hasRemaining()) {
                key.interestOps(SelectionKey.OP_WRITE);
            } else {
                closeQuietly(key);
            }
        }
    }
}
