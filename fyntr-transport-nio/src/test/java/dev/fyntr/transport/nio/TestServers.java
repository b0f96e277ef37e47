package dev.fyntr.transport.nio;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Blocking loopback servers for tests: a thread per connection, closed by {@link Server#close()}, which fails the
 * test if a handler failed. The echo and sink servers' writes are bounded ({@link BoundedWrites}).
 */
final class TestServers {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private TestServers() {
    }

    /**
     * A loopback server running {@code handler} for each accepted socket. What a handler throws is a failure of the
     * test that owns the server: {@link #close()} throws an {@link AssertionError} listing every such error (and
     * handler threads still running after it), so a broken server thread cannot pass silently. A test that provokes
     * a server error on purpose says so: its handler catches the exception it expects, or the test takes it with
     * {@link #takeErrors()} and checks it. I/O failures once {@code close()} has begun are not errors: they are
     * what closing the sockets under the handlers' feet causes.
     */
    static final class Server implements AutoCloseable {
        final ServerSocket socket;
        private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "test-server");
            t.setDaemon(true);
            return t;
        });
        private final List<Socket> accepted = new CopyOnWriteArrayList<>();
        private final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        private volatile boolean closing;

        Server(SocketHandler handler) throws IOException {
            this(handler, 1024);
        }

        Server(SocketHandler handler, int backlog) throws IOException {
            this(handler, backlog, 0);
        }

        /**
         * @param receiveBufferBytes if {@code > 0}, a fixed receive buffer for accepted sockets (set before bind so
         *                           it applies from the SYN; also switches off the kernel's autotuning, which on
         *                           loopback can otherwise buffer tens of MiB)
         */
        Server(SocketHandler handler, int backlog, int receiveBufferBytes) throws IOException {
            this(handler, unbound(receiveBufferBytes), backlog);
        }

        /** Serves on the given unbound server socket (e.g. an {@code SSLServerSocket}), bound here to loopback. */
        Server(SocketHandler handler, ServerSocket unbound, int backlog) throws IOException {
            socket = unbound;
            socket.bind(new InetSocketAddress(LOOPBACK, 0), backlog);
            pool.execute(() -> {
                while (!socket.isClosed()) {
                    Socket s;
                    try {
                        s = socket.accept();
                    } catch (IOException e) {
                        failed("accept", e);
                        return;
                    }
                    accepted.add(s);
                    pool.execute(() -> {
                        try (s) {
                            handler.handle(s);
                        } catch (IOException | RuntimeException | AssertionError e) {
                            failed("connection from " + s.getRemoteSocketAddress(), e);
                        }
                    });
                }
            });
        }

        private void failed(String where, Throwable e) {
            if (closing && (e instanceof IOException || e instanceof UncheckedIOException)) {
                return; // a socket closed under the handler's feet by close(): not the handler's failure
            }
            errors.add(new AssertionError(where + ": " + e, e));
        }

        private static ServerSocket unbound(int receiveBufferBytes) throws IOException {
            ServerSocket s = new ServerSocket();
            if (receiveBufferBytes > 0) {
                s.setReceiveBufferSize(receiveBufferBytes);
            }
            return s;
        }

        int port() {
            return socket.getLocalPort();
        }

        InetSocketAddress address() {
            return new InetSocketAddress(LOOPBACK, port());
        }

        /** Connections accepted so far. */
        int accepted() {
            return accepted.size();
        }

        /** The handler errors so far, removed: for a test that expects some and checks them itself. */
        List<Throwable> takeErrors() {
            List<Throwable> taken = new ArrayList<>();
            for (Throwable e = errors.poll(); e != null; e = errors.poll()) {
                taken.add(e);
            }
            return taken;
        }

        /**
         * Stops accepting, closes every accepted socket and ends the handler threads; then fails if a handler
         * threw, or if handler threads are still running 5 s later.
         */
        @Override
        public void close() throws IOException {
            closing = true;
            try {
                socket.close();
                for (Socket s : accepted) {
                    s.close();
                }
            } finally {
                pool.shutdownNow();
            }
            boolean ended;
            try {
                ended = pool.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ended = false;
            }
            List<Throwable> failures = takeErrors();
            if (!failures.isEmpty() || !ended) {
                StringBuilder message = new StringBuilder(this + ": ");
                if (!ended) {
                    message.append("handler threads still running 5 s after close; ");
                }
                message.append(failures.size()).append(" handler error(s)");
                for (Throwable f : failures) {
                    message.append("\n  ").append(f.getMessage());
                }
                AssertionError error = new AssertionError(message.toString());
                failures.forEach(error::addSuppressed);
                throw error;
            }
        }

        @Override
        public String toString() {
            return "test server on " + socket.getLocalSocketAddress();
        }
    }

    @FunctionalInterface
    interface SocketHandler {
        void handle(Socket s) throws IOException;
    }

    /** Echoes every byte back; on EOF from the client, finishes and half-closes. */
    static Server echo() throws IOException {
        return new Server(s -> {
            s.setTcpNoDelay(true);
            InputStream in = s.getInputStream();
            OutputStream out = BoundedWrites.outputOf(s);
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
            }
            s.shutdownOutput();
        });
    }

    /** Reads everything, then reports byte count and SHA-256 hex to {@code results} and replies with the hash. */
    static Server sink(Consumer<String> results) throws IOException {
        return new Server(s -> {
            MessageDigest md = sha256();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = in.read(buf)) >= 0; ) {
                md.update(buf, 0, n);
                total += n;
            }
            String hex = HexFormat.of().formatHex(md.digest());
            results.accept(total + ":" + hex);
            BoundedWrites.outputOf(s).write((hex + "\n").getBytes());
            s.shutdownOutput();
        });
    }

    /**
     * Connects to {@code listener} (which never accepts) until its backlog is full, so that the kernel drops further
     * SYNs: a connect to it then waits, and times out unless the listener accepts meanwhile.
     *
     * @return the connected sockets, to be closed by the caller
     */
    static List<Socket> fillBacklog(ServerSocket listener) throws IOException {
        List<Socket> fillers = new ArrayList<>();
        for (int i = 0; i < 8; i++) { // a backlog of 1 holds 2 on Linux
            Socket s = new Socket();
            try {
                s.connect(listener.getLocalSocketAddress(), 200);
                fillers.add(s);
            } catch (IOException e) {
                s.close();
                break; // the backlog is full: this SYN was dropped
            }
        }
        return fillers;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
