package dev.fyntr.bench.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Reads and discards everything, on 127.0.0.1, counting bytes per connection and, optionally, per time window
 * (all connections together). One selector thread.
 */
public final class SinkServer extends LoopbackServer {

    private final List<AtomicLong> counters = new CopyOnWriteArrayList<>();
    /** Shared by all connections: what is read is discarded. Only the selector thread touches it. */
    private final ByteBuffer discard = ByteBuffer.allocateDirect(256 * 1024);
    private final long startNanos = System.nanoTime();
    private final long windowNanos;
    private final AtomicLongArray windows;

    private SinkServer(long windowNanos, int windowCount) throws IOException {
        super("sink-server", 1024);
        this.windowNanos = windowNanos;
        this.windows = new AtomicLongArray(windowCount);
    }

    /** Starts a sink on an ephemeral loopback port. */
    public static SinkServer start() throws IOException {
        SinkServer s = new SinkServer(1, 0);
        s.startThread();
        return s;
    }

    /**
     * Starts a sink that also counts the bytes it reads in each window of {@code windowNanos}, from its start
     * ({@link #startNanos()}) for {@code windowCount} windows; bytes read later are counted per connection only.
     */
    public static SinkServer startWindowed(long windowNanos, int windowCount) throws IOException {
        if (windowNanos <= 0 || windowCount < 0) {
            throw new IllegalArgumentException("windows of " + windowNanos + " ns, " + windowCount + " of them");
        }
        SinkServer s = new SinkServer(windowNanos, windowCount);
        s.startThread();
        return s;
    }

    /** {@link System#nanoTime()} when this sink was created: the start of window 0. */
    public long startNanos() {
        return startNanos;
    }

    /** Bytes read in window {@code i} so far (all connections), or 0 beyond the last window. */
    public long windowBytes(int i) {
        return i < windows.length() ? windows.get(i) : 0;
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
            if (windows.length() > 0) {
                long w = (System.nanoTime() - startNanos) / windowNanos;
                if (w < windows.length()) {
                    windows.addAndGet((int) w, n);
                }
            }
        }
    }
}
