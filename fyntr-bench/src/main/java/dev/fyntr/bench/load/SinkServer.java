package dev.fyntr.bench.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** Reads and discards everything, on 127.0.0.1, counting bytes per connection. One selector thread. */
public final class SinkServer extends LoopbackServer {

    private final List<AtomicLong> counters = new CopyOnWriteArrayList<>();
    /** Shared by all connections: what is read is discarded. Only the selector thread touches it. */
    private final ByteBuffer discard = ByteBuffer.allocateDirect(256 * 1024);

    private SinkServer() throws IOException {
        super("sink-server", 1024);
    }

    /** Starts a sink on an ephemeral loopback port. */
    public static SinkServer start() throws IOException {
        SinkServer s = new SinkServer();
        s.startThread();
        return s;
    }

    /** Bytes received so far by each connection accepted so far, in accept order. */
    public long[] bytesPerConnection() {
        List<AtomicLong> snapshot = new ArrayList<>(counters);
        long[] out = new long[snapshot.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = snapshot.get(i).get();
        }
        return out;
    }

    /** Bytes received so far by all connections. */
    public long totalBytes() {
        long sum = 0;
        for (long b : bytesPerConnection()) {
            sum += b;
        }
        return sum;
    }

    @Override
    void onAccepted(SocketChannel ch) throws IOException {
        AtomicLong counter = new AtomicLong();
        counters.add(counter);
        ch.register(selector, SelectionKey.OP_READ, counter);
    }

    @Override
    void onReady(SelectionKey key) throws IOException {
        discard.clear();
        int n = ((SocketChannel) key.channel()).read(discard);
        if (n < 0) {
            closeQuietly(key);
        } else {
            ((AtomicLong) key.attachment()).addAndGet(n);
        }
    }
}
