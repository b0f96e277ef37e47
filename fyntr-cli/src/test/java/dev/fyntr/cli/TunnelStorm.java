package dev.fyntr.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens many CONNECT tunnels through a proxy at once and drives them all from one thread (a selector), since a
 * thread per tunnel would not fit a storm of 1,000 on a small machine. Each tunnel sends {@code CONNECT}, waits for
 * its {@code 200}, then sends {@code bytesPerTunnel} bytes of a pattern of its own to an echo server, checks every
 * byte that comes back in order, half-closes when all is sent, and is intact when the echo has returned exactly
 * what it sent before EOF. The run is bounded by a deadline: a tunnel still unfinished then is reported with how
 * far it got, never waited for.
 */
final class TunnelStorm {

    /**
     * @param failures one line per tunnel that did not come through intact (refused, reset, short, corrupted or
     *                 unfinished at the deadline), by tunnel number
     */
    record Result(int tunnels, int intact, List<String> failures, Duration elapsed) {
        boolean allIntact() {
            return intact == tunnels && failures.isEmpty();
        }

        /** The counts and the first few failures, for an assertion message. */
        String describe() {
            return intact + " of " + tunnels + " tunnels intact in " + elapsed.toMillis() + " ms"
                    + (failures.isEmpty() ? "" : "; " + failures.size() + " failed, first: "
                    + String.join("; ", failures.subList(0, Math.min(10, failures.size()))));
        }
    }

    private final InetSocketAddress proxy;
    private final String target;
    private final int bytesPerTunnel;

    /**
     * @param proxyPort  the proxy, on 127.0.0.1
     * @param targetPort the echo server, on 127.0.0.1, as the CONNECT target
     */
    TunnelStorm(int proxyPort, int targetPort, int bytesPerTunnel) {
        this.proxy = new InetSocketAddress(InetAddress.getLoopbackAddress(), proxyPort);
        this.target = "127.0.0.1:" + targetPort;
        this.bytesPerTunnel = bytesPerTunnel;
    }

    /** The byte at {@code offset} of tunnel {@code id}'s stream: a different sequence for every tunnel. */
    static byte pattern(int id, long offset) {
        return (byte) (((offset + 1) * (2L * id + 1)) >>> 3);
    }

    /** Starts all {@code tunnels} connects at once, then drives them until each is done or the timeout passes. */
    Result run(int tunnels, Duration timeout) throws IOException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        List<String> failures = new ArrayList<>();
        int intact = 0;
        List<Tunnel> all = new ArrayList<>(tunnels);
        try (Selector selector = Selector.open()) {
            try {
                for (int i = 0; i < tunnels; i++) {
                    Tunnel t = new Tunnel(i);
                    all.add(t);
                    t.start(selector);
                }
                int open = tunnels;
                while (open > 0 && System.nanoTime() < deadline) {
                    selector.select(100);
                    for (SelectionKey key : selector.selectedKeys()) {
                        Tunnel t = (Tunnel) key.attachment();
                        if (t.done) {
                            continue;
                        }
                        try {
                            t.onReady(key);
                        } catch (IOException | RuntimeException e) {
                            t.fail(e.toString());
                        }
                        if (t.done) {
                            open--;
                            key.cancel();
                            t.channel.close();
                            if (t.failure == null) {
                                intact++;
                            } else {
                                failures.add("tunnel " + t.id + ": " + t.failure + " (" + t.progress() + ")");
                            }
                        }
                    }
                    selector.selectedKeys().clear();
                }
            } finally {
                for (Tunnel t : all) {
                    if (!t.done) {
                        failures.add("tunnel " + t.id + ": unfinished after " + timeout.toMillis() + " ms ("
                                + t.progress() + ")");
                    }
                    t.channel.close();
                }
            }
        }
        return new Result(tunnels, intact, failures, Duration.ofNanos(System.nanoTime() - start));
    }

    private final class Tunnel {
        final int id;
        final SocketChannel channel;
        private final ByteBuffer out = ByteBuffer.allocate(8 * 1024);
        private final ByteBuffer in = ByteBuffer.allocate(8 * 1024);
        private final StringBuilder head = new StringBuilder();
        private boolean connected;
        private boolean established;
        private long sent;
        private long received;
        private boolean outputShut;
        boolean done;
        String failure;

        Tunnel(int id) throws IOException {
            this.id = id;
            this.channel = SocketChannel.open();
        }

        void start(Selector selector) throws IOException {
            channel.configureBlocking(false);
            out.put(("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII)).flip();
            connected = channel.connect(proxy);
            channel.register(selector, connected ? SelectionKey.OP_WRITE | SelectionKey.OP_READ
                    : SelectionKey.OP_CONNECT, this);
        }

        void onReady(SelectionKey key) throws IOException {
            if (!connected) {
                if (!key.isConnectable() || !channel.finishConnect()) {
                    return;
                }
                connected = true;
                key.interestOps(SelectionKey.OP_WRITE | SelectionKey.OP_READ);
                return; // writable next time round
            }
            if (key.isReadable()) {
                if (established) {
                    readEcho();
                } else {
                    readHead(key);
                }
            }
            if (!done && key.isValid() && key.isWritable()) {
                write(key);
            }
        }

        /** The CONNECT request first, then (once established) the pattern, then the half-close. */
        private void write(SelectionKey key) throws IOException {
            if (established && !out.hasRemaining() && sent < bytesPerTunnel) {
                out.clear();
                int n = (int) Math.min(out.capacity(), bytesPerTunnel - sent);
                for (int i = 0; i < n; i++) {
                    out.put(pattern(id, sent + i));
                }
                out.flip();
            }
            if (out.hasRemaining()) {
                int n = channel.write(out);
                if (established) {
                    sent += n;
                }
            }
            if (established && !out.hasRemaining() && sent == bytesPerTunnel && !outputShut) {
                channel.shutdownOutput();
                outputShut = true;
            }
            if (!out.hasRemaining() && (!established || outputShut)) {
                key.interestOps(SelectionKey.OP_READ); // nothing to write until the 200, or ever again
            }
        }

        /** The proxy's response head, byte by byte up to the blank line: nothing may follow it yet. */
        private void readHead(SelectionKey key) throws IOException {
            in.clear();
            int n = channel.read(in);
            if (n < 0) {
                fail("refused: EOF before a response" + (head.length() == 0 ? "" : " after '" + head + "'"));
                return;
            }
            in.flip();
            while (in.hasRemaining()) {
                if (head.length() > 4096) {
                    fail("response head over 4096 bytes");
                    return;
                }
                head.append((char) (in.get() & 0xff));
                if (head.length() >= 4 && head.lastIndexOf("\r\n\r\n") == head.length() - 4) {
                    if (!head.toString().startsWith("HTTP/1.1 200")) {
                        fail("refused: " + head.toString().lines().findFirst().orElse(""));
                    } else if (in.hasRemaining()) {
                        fail(in.remaining() + " bytes after the 200 before anything was sent");
                    } else {
                        established = true;
                        key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                    }
                    return;
                }
            }
        }

        private void readEcho() throws IOException {
            in.clear();
            int n = channel.read(in);
            if (n < 0) {
                if (received == bytesPerTunnel && sent == bytesPerTunnel) {
                    done = true; // intact
                } else {
                    fail("EOF after " + received + " of " + bytesPerTunnel + " echoed bytes");
                }
                return;
            }
            in.flip();
            while (in.hasRemaining()) {
                byte b = in.get();
                if (received >= bytesPerTunnel) {
                    fail("more bytes echoed than sent");
                    return;
                }
                if (b != pattern(id, received)) {
                    fail("echoed byte " + received + " differs");
                    return;
                }
                received++;
            }
        }

        void fail(String why) {
            if (!done) {
                failure = why;
                done = true;
            }
        }

        String progress() {
            return (!connected ? "connecting" : !established ? "in the handshake" : "established")
                    + ", sent " + sent + ", echoed " + received;
        }
    }
}
