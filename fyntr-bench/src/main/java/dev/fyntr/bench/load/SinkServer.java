package dev.fyntr.bench.load;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** Reads and discards everything, on 127.0.0.1, counting bytes per connection. One selector thread. */
public final class SinkServer implements AutoCloseable {

    private final ServerSocketChannel server;
    private final Selector selector;
    private final Thread thread;
    private final List<AtomicLong> counters = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;

    private SinkServer() throws IOException {
        selector = Selector.open();
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        thread = new Thread(this::loop, "sink-server");
        thread.setDaemon(true);
    }

    /** Starts a sink on an ephemeral loopback port. */
    public static SinkServer start() throws IOException {
        SinkServer s = new SinkServer();
        s.thread.start();
        return s;
    }

    /** The bound address. */
    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.socket().getLocalPort());
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

    private void loop() {
        ByteBuffer buf = ByteBuffer.allocateDirect(256 * 1024);
        try {
            while (running) {
                selector.select(200);
                for (var it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                    SelectionKey key = it.next();
                    it.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        for (SocketChannel ch = server.accept(); ch != null; ch = server.accept()) {
                            ch.configureBlocking(false);
                            AtomicLong counter = new AtomicLong();
                            counters.add(counter);
                            ch.register(selector, SelectionKey.OP_READ, counter);
                        }
                        continue;
                    }
                    SocketChannel ch = (SocketChannel) key.channel();
                    try {
                        buf.clear();
                        int n = ch.read(buf);
                        if (n < 0) {
                            key.cancel();
                            ch.close();
                        } else {
                            ((AtomicLong) key.attachment()).addAndGet(n);
                        }
                    } catch (IOException e) {
                        key.cancel();
                        ch.close();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            if (running) {
                System.err.println("sink server stopped: " + e);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (SelectionKey key : selector.keys()) {
            try {
                key.channel().close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        try {
            selector.close();
            server.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }
}
