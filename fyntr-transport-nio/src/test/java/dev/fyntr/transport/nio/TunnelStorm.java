package dev.fyntr.transport.nio;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Many tunnels at once from one thread (a selector), for storms that a thread per socket would not survive:
 * each tunnel connects, sends {@code CONNECT}, and once it has its {@code 200} sends {@code bytes} of a pattern of
 * its own to an echo server, checks every byte that comes back, then half-closes and expects EOF. Bounded by a
 * deadline: {@link #run} reports how far each tunnel got instead of hanging.
 */
final class TunnelStorm {

    record Result(int tunnels, int completed, int refused, List<String> failures) {
        boolean allIntact() {
            return completed == tunnels && failures.isEmpty();
        }
    }

    private final InetSocketAddress proxy;
    private final String target;
    private final int bytes;

    TunnelStorm(FyntrProxy proxy, String target, int bytesPerTunnel) {
        this.proxy = new InetSocketAddress(TestServers.LOOPBACK, proxy.port());
        this.target = target;
        this.bytes = bytesPerTunnel;
    }

    /** Opens {@code tunnels} at once and drives them all until each is done or the deadline passes. */
    Result run(int tunnels, long timeoutMillis) throws IOException {
        List<String> failures = new ArrayList<>();
        int completed = 0;
        int refused = 0;
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        try (Selector selector = Selector.open()) {
            List<Tunnel> all = new ArrayList<>(tunnels);
            for (int i = 0; i < tunnels; i++) {
                Tunnel t = new Tunnel(i);
                all.add(t);
                t.channel.register(selector, SelectionKey.OP_CONNECT, t);
            }
            int open = tunnels;
            // Bounded by the deadline.
            while (open > 0 && System.nanoTime() < deadline) {
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    Tunnel t = (Tunnel) key.attachment();
                    try {
                        t.onReady(key);
                    } catch (IOException | RuntimeException e) {
                        t.fail(e.toString());
                    }
                    if (t.done) {
                        key.cancel();
                        t.channel.close();
                        open--;
                        if (t.failure == null) {
                            completed++;
                        } else if (t.failure.startsWith("refused")) {
                            refused++;
                        } else {
                            failures.add("tunnel " + t.id + ": " + t.failure);
                        }
                    }
                }
                selector.selectedKeys().clear();
            }
            for (Tunnel t : all) {
                if (!t.done) {
                    failures.add("tunnel " + t.id + " unfinished at the deadline: " + t.progress());
                    t.channel.close();
                }
            }
        }
        return new Result(tunnels, completed, refused, failures);
    }

    private final class Tunnel {
        final int id;
        final SocketChannel channel;
        final ByteBuffer head = ByteBuffer.allocate(1024);
        final ByteBuffer out = ByteBuffer.allocate(8192);
        final ByteBuffer in = ByteBuffer.allocate(8192);
        boolean established;
        long sent;
        long received;
        boolean shut;
        boolean done;
        String failure;

        Tunnel(int id) throws IOException {
            this.id = id;
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.connect(proxy);
            out.put(("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII)).flip();
        }

        byte expected(long offset) {
            return (byte) (offset * 31 + id);
        }

        void onReady(SelectionKey key) throws IOException {
            if (key.isConnectable() && channel.finishConnect()) {
                key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            }
            if (key.isValid() && key.isWritable()) {
                write(key);
            }
            if (key.isValid() && key.isReadable()) {
                read(key);
            }
        }

        private void write(SelectionKey key) throws IOException {
            if (established && !out.hasRemaining() && sent < bytes) {
                out.clear();
                int n = (int) Math.min(out.capacity(), bytes - sent);
                for (int i = 0; i < n; i++) {
                    out.put(expected(sent + i));
                }
                out.flip();
            }
            int before = out.remaining();
            if (before > 0) {
                channel.write(out);
                if (established) {
                    sent += before - out.remaining(); // what the kernel took
                }
            }
            if (established && !out.hasRemaining() && sent >= bytes && !shut) {
                channel.shutdownOutput();
                shut = true;
            }
            if (!out.hasRemaining() && (!established || shut)) {
                key.interestOps(SelectionKey.OP_READ);
            }
        }

        private void read(SelectionKey key) throws IOException {
            if (!established) {
                int n = channel.read(head);
                if (n < 0) {
                    fail("refused: EOF before a response");
                    return;
                }
                String text = new String(head.array(), 0, head.position(), StandardCharsets.ISO_8859_1);
                if (!text.contains("\r\n\r\n")) {
                    if (!head.hasRemaining()) {
                        fail("response head over " + head.capacity() + " bytes");
                    }
                    return;
                }
                if (!text.startsWith("HTTP/1.1 200")) {
                    fail("refused: " + text.lines().findFirst().orElse(""));
                    return;
                }
                established = true; // nothing was sent yet, so nothing follows the head
                key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                return;
            }
            in.clear();
            int n = channel.read(in);
            if (n < 0) {
                if (received == bytes) {
                    done = true;
                } else {
                    fail("EOF after " + received + " of " + bytes + " echoed bytes");
                }
                return;
            }
            in.flip();
            while (in.hasRemaining()) {
                byte b = in.get();
                if (b != expected(received)) {
                    fail("byte " + received + " differs");
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
            return (established ? "established" : "handshake") + ", sent " + sent + ", echoed " + received;
        }
    }
}
