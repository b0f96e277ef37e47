package dev.fyntr.bench.load;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A server that never reads: it accepts, keeps each connection for a random hold time without reading a byte,
 * then resets it (SO_LINGER 0). Uploads into it stall once the buffers on the way are full. Its receive buffer
 * is small (set before bind, so accepted sockets inherit it), so that a stalled upload holds little kernel memory
 * and the proxy's own buffering is what fills.
 */
final class StallServer implements AutoCloseable {

    /** The receive buffer of accepted sockets. */
    static final int RECEIVE_BUFFER_BYTES = 64 * 1024;

    private final ServerSocket server;
    private final Thread acceptor;
    private final ScheduledExecutorService closer;
    private final Set<Socket> held = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private final Random random;
    private final long minHoldMs;
    private final long maxHoldMs;
    private volatile boolean running = true;

    private StallServer(long minHoldMs, long maxHoldMs, long seed) throws IOException {
        this.minHoldMs = minHoldMs;
        this.maxHoldMs = maxHoldMs;
        this.random = new Random(seed);
        server = new ServerSocket();
        server.setReceiveBufferSize(RECEIVE_BUFFER_BYTES);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        server.setSoTimeout(200);
        closer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stall-server-closer");
            t.setDaemon(true);
            return t;
        });
        acceptor = new Thread(this::acceptLoop, "stall-server");
        acceptor.setDaemon(true);
    }

    /** Starts a server holding each connection for {@code minHoldMs} to {@code maxHoldMs} (uniform). */
    static StallServer start(long minHoldMs, long maxHoldMs, long seed) throws IOException {
        if (minHoldMs < 0 || maxHoldMs < minHoldMs) {
            throw new IllegalArgumentException("hold " + minHoldMs + "-" + maxHoldMs + " ms");
        }
        StallServer s = new StallServer(minHoldMs, maxHoldMs, seed);
        s.acceptor.start();
        return s;
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    }

    /** Connections accepted so far. */
    long accepted() {
        return accepted.get();
    }

    /** Connections held now. */
    int held() {
        return held.size();
    }

    private void acceptLoop() {
        while (running) {
            Socket s;
            try {
                s = server.accept();
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                if (running) {
                    System.err.println("stall-server stopped: " + e);
                }
                return;
            }
            accepted.incrementAndGet();
            held.add(s);
            long hold;
            synchronized (random) {
                hold = minHoldMs + (long) (random.nextDouble() * (maxHoldMs - minHoldMs));
            }
            closer.schedule(() -> reset(s), hold, TimeUnit.MILLISECONDS);
        }
    }

    private void reset(Socket s) {
        if (held.remove(s)) {
            try {
                s.setSoLinger(true, 0);
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** Resets every connection held now (the load is over). */
    void resetAll() {
        for (Socket s : held) {
            reset(s);
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closer.shutdownNow();
        resetAll();
        try {
            server.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }
}
