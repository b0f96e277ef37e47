package dev.fyntr.bench.load;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code n} threads, each uploading as fast as it can over its own connection, until it has written its byte
 * limit (then it half-closes) or until {@link #close()}.
 */
final class Uploaders implements AutoCloseable {

    private static final int BLOCK_BYTES = 64 * 1024;

    private final List<Socket> sockets = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicReference<IOException> failure = new AtomicReference<>();
    private final long bytesPerStream;
    private volatile boolean stop;

    private Uploaders(long bytesPerStream) {
        this.bytesPerStream = bytesPerStream;
    }

    /**
     * Opens {@code n} connections to {@code target} over {@code route} and starts writing on all of them, without
     * end. Returns once every connection is open.
     *
     * @throws IOException if a connection cannot be opened (the others are closed)
     */
    static Uploaders start(Route route, InetSocketAddress target, int n) throws IOException {
        Uploaders u = open(route, target, n, Long.MAX_VALUE);
        u.begin();
        return u;
    }

    /**
     * Opens {@code n} connections to {@code target} over {@code route}; nothing is written before {@link #begin()},
     * so that a caller can time the uploads without the handshakes. Each stream writes {@code bytesPerStream} bytes
     * ({@link Long#MAX_VALUE}: until closed), then shuts its output down.
     *
     * @throws IOException if a connection cannot be opened (the others are closed)
     */
    static Uploaders open(Route route, InetSocketAddress target, int n, long bytesPerStream) throws IOException {
        if (bytesPerStream < 1) {
            throw new IllegalArgumentException("bytesPerStream < 1: " + bytesPerStream);
        }
        Uploaders u = new Uploaders(bytesPerStream);
        try {
            for (int i = 0; i < n; i++) {
                u.sockets.add(route.open(target));
            }
        } catch (IOException e) {
            u.close();
            throw e;
        }
        return u;
    }

    /** Starts one writer thread per connection; returns once all of them run. */
    void begin() {
        int n = sockets.size();
        CountDownLatch started = new CountDownLatch(n);
        byte[] block = new byte[BLOCK_BYTES];
        for (int i = 0; i < block.length; i++) {
            block[i] = (byte) (i * 13);
        }
        for (int i = 0; i < n; i++) {
            Socket socket = sockets.get(i);
            Thread t = new Thread(null, () -> {
                started.countDown();
                try {
                    OutputStream out = socket.getOutputStream();
                    for (long left = bytesPerStream; left > 0 && !stop; ) {
                        int len = (int) Math.min(block.length, left);
                        out.write(block, 0, len);
                        if (left != Long.MAX_VALUE) {
                            left -= len;
                        }
                    }
                    if (!stop) {
                        socket.shutdownOutput();
                    }
                } catch (IOException e) {
                    if (!stop) {
                        failure.compareAndSet(null, e);
                    }
                }
            }, "uploader-" + i, 256 * 1024);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        try {
            started.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The first write failure while running, if any. */
    IOException failure() {
        return failure.get();
    }

    @Override
    public void close() {
        stop = true;
        // Closing the sockets unblocks writers stuck in write().
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        for (Thread t : threads) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
