package dev.fyntr.transport.nio;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Blocking loopback servers for tests: a thread per connection, closed by {@link #close()}. */
final class TestServers {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private TestServers() {
    }

    /** A loopback server running {@code handler} for each accepted socket. */
    static final class Server implements AutoCloseable {
        final ServerSocket socket;
        private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "test-server");
            t.setDaemon(true);
            return t;
        });
        private final List<Socket> accepted = new CopyOnWriteArrayList<>();
        final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();

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
                        return;
                    }
                    accepted.add(s);
                    pool.execute(() -> {
                        try (s) {
                            handler.handle(s);
                        } catch (IOException e) {
                            errors.add(e);
                        } catch (RuntimeException | AssertionError e) {
                            errors.add(e);
                        }
                    });
                }
            });
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

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : accepted) {
                s.close();
            }
            pool.shutdownNow();
            try {
                pool.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
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
            OutputStream out = s.getOutputStream();
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
            s.getOutputStream().write((hex + "\n").getBytes());
            s.shutdownOutput();
        });
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
