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

/** {@code n} threads, each uploading as fast as it can over its own connection, until {@link #close()}. */
final class Uploaders implements AutoCloseable {

    private final List<Socket> sockets = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicReference<IOException> failure = new AtomicReference<>();
    private volatile boolean stop;

    private Uploaders() {
    }

    /**
     * Opens {@code n} connections to {@code target} over {@code route} and starts writing on all of them.
     * Returns once every connection is open.
     *
     * @throws IOException if a connection cannot be opened (the others are closed)
     */
    static Uploaders start(Route route, InetSocketAddress target, int n) throws IOException {
        Uploaders u = new Uploaders();
        try {
            for (int i = 0; i < n; i++) {
                u.sockets.add(route.open(target));
            }
        } catch (IOException e) {
            u.close();
            throw e;
        }
        CountDownLatch started = new CountDownLatch(n);
        byte[] block = new byte[64 * 1024];
        for (int i = 0; i < block.length; i++) {
            block[i] = (byte) (i * 13);
        }
        for (int i = 0; i < n; i++) {
            Socket socket = u.sockets.get(i);
            Thread t = new Thread(null, () -> {
                started.countDown();
                try {
                    OutputStream out = socket.getOutputStream();
                    while (!u.stop) {
                        out.write(block);
                    }
                } catch (IOException e) {
                    if (!u.stop) {
                        u.failure.compareAndSet(null, e);
                    }
                }
            }, "uploader-" + i, 256 * 1024);
            t.setDaemon(true);
            u.threads.add(t);
            t.start();
        }
        try {
            started.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return u;
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
