package dev.fyntr.transport.nio;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * --max-rate, --max-download-rate and --max-connect-rate on real loopback sockets. No assertion depends on
 * the machine being fast: bytes and connections are counted, orders compared, and times only bounded from
 * below where the bucket makes anything faster impossible.
 */
class ShapingTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    final Closer closer = new Closer();
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "shaping-test");
        t.setDaemon(true);
        return t;
    });

    /** Registered first, so closed last: the client threads end once their sockets are closed. */
    @BeforeEach
    void stopThePoolLast() {
        closer.add(() -> {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS), "shaping-test threads still running");
        });
    }

    @Test
    void shouldDeliverEveryByteUnderMaxRateAndReportWhatWasHeldBack() throws Exception {
        long rate = 2_000_000;
        ConcurrentLinkedQueue<String> results = new ConcurrentLinkedQueue<>();
        TestServers.Server sink = closer.add(TestServers.sink(results::add));
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(sink.port()).maxRate(rate).start());
        int flows = 4;
        int size = 512 * 1024;
        List<String> expected = new ArrayList<>();
        List<Future<String>> replies = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < flows; i++) {
            byte[] data = new byte[size];
            new Random(i).nextBytes(data);
            expected.add(size + ":" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)));
            ProxyClient c = closer.add(new ProxyClient(proxy));
            c.socket.setSoTimeout(60_000); // the sink answers only after the whole upload
            assertEquals(200, c.connect("127.0.0.1:" + sink.port()).status());
            replies.add(pool.submit(() -> {
                c.send(data);
                c.socket.shutdownOutput();
                return new String(c.readToEnd()).strip();
            }));
        }
        Fixtures.await("bytes held back by the bucket", WAIT,
                () -> proxy.stats().shaping().uploadHeldBackBytes() > 0);
        for (Future<String> f : replies) {
            assertEquals(64, f.get(60, TimeUnit.SECONDS).length()); // each sink answered with its hash
        }
        long elapsed = System.nanoTime() - start;
        Fixtures.await("all sinks done", WAIT, () -> results.size() == flows);
        List<String> got = new ArrayList<>(results);
        Collections.sort(got);
        Collections.sort(expected);
        assertEquals(expected, got);

        ShapingStats s = proxy.stats().shaping();
        assertEquals(rate, s.maxRateBytesPerSecond());
        assertTrue(s.uploadThrottles() > 0, s.toString());
        assertTrue(s.uploadDelayedBytes() > size, s.toString());
        // A lower bound only: the bucket (full at 64 KiB) cannot let 2 MiB through faster than this.
        long floorNanos = (flows * (long) size - 64 * 1024) * 1_000_000_000L / rate;
        assertTrue(elapsed >= floorNanos, "took " + elapsed / 1_000_000 + " ms");
    }

    @Test
    void shouldChangeTheUploadCapAtRunTime() throws Exception {
        ConcurrentLinkedQueue<String> results = new ConcurrentLinkedQueue<>();
        TestServers.Server sink = closer.add(TestServers.sink(results::add));
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(sink.port()).start());
        assertEquals(0, proxy.stats().shaping().maxRateBytesPerSecond());
        proxy.maxRate(20_000);
        assertEquals(20_000, proxy.stats().shaping().maxRateBytesPerSecond()); // messages are handled in order

        ProxyClient c = closer.add(new ProxyClient(proxy));
        c.socket.setSoTimeout(60_000);
        assertEquals(200, c.connect("127.0.0.1:" + sink.port()).status());
        byte[] data = new byte[2 * 1024 * 1024]; // 100 s at 20 kB/s
        Future<String> reply = pool.submit(() -> {
            c.send(data);
            c.socket.shutdownOutput();
            return new String(c.readToEnd()).strip();
        });
        Fixtures.await("the cap holds bytes back", WAIT, () -> proxy.stats().shaping().uploadHeldBackBytes() > 0);
        assertTrue(proxy.stats().bytesUpstream() < data.length);
        proxy.maxRate(0);
        assertEquals(64, reply.get(60, TimeUnit.SECONDS).length());
        Fixtures.await("the sink got everything", WAIT, () -> results.size() == 1);
        assertTrue(results.peek().startsWith(data.length + ":"), results.peek());
        ShapingStats s = proxy.stats().shaping();
        assertEquals(0, s.maxRateBytesPerSecond());
        assertEquals(0, s.uploadHeldBackBytes());
        assertThrows(IllegalArgumentException.class, () -> proxy.maxRate(-1));
    }

    @Test
    void shouldPaceDownloadsByPausingUpstreamReads() throws Exception {
        long rate = 2_000_000;
        int size = 3 * 1024 * 1024;
        byte[] data = new byte[size];
        new Random(3).nextBytes(data);
        TestServers.Server source = closer.add(new TestServers.Server(s -> {
            BoundedWrites.outputOf(s).write(data);
            s.shutdownOutput();
            s.getInputStream().read(); // until the client closes
        }));
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(source.port()).maxDownloadRate(rate).start());
        ProxyClient c = closer.add(new ProxyClient(proxy));
        c.socket.setSoTimeout(60_000);
        long start = System.nanoTime();
        assertEquals(200, c.connect("127.0.0.1:" + source.port()).status());
        byte[] got = c.socket.getInputStream().readNBytes(size);
        long elapsed = System.nanoTime() - start;
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)),
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(got)));
        assertEquals(-1, c.socket.getInputStream().read()); // the upstream's EOF comes through after the data
        ShapingStats s = proxy.stats().shaping();
        assertEquals(rate, s.maxDownloadRateBytesPerSecond());
        assertTrue(s.downloadThrottles() > 0, s.toString());
        long floorNanos = (size - 64 * 1024) * 1_000_000_000L / rate;
        assertTrue(elapsed >= floorNanos, "took " + elapsed / 1_000_000 + " ms");
    }

    @Test
    void shouldEstablishPacedConnectsInArrivalOrderAndNotAllInTheFirstBurst() throws Exception {
        int n = 12;
        double perSecond = 5; // burst 5, then one every 200 ms
        OrderedServer upstream = closer.add(new OrderedServer());
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(upstream.port()).maxConnectRate(perSecond).start());
        List<ProxyClient> clients = new ArrayList<>();
        long firstSend = System.nanoTime();
        for (int i = 0; i < n; i++) {
            ProxyClient c = closer.add(new ProxyClient(proxy));
            clients.add(c);
            c.send("CONNECT 127.0.0.1:" + upstream.port() + " HTTP/1.1\r\n\r\n");
            int submitted = i + 1;
            // One at a time, so that "arrival order" is well defined.
            Fixtures.await("CONNECT " + i + " reached the pacer", WAIT, () -> {
                ProxyStats st = proxy.stats();
                return st.tunnelsOpened() + st.shaping().connectsWaiting() == submitted;
            });
        }
        ProxyStats afterSend = proxy.stats();
        double sentSeconds = (System.nanoTime() - firstSend) / 1e9;
        // The bucket holds 5 and earns 5/s: more cannot have been opened by now, however slow the machine.
        assertTrue(afterSend.tunnelsOpened() <= 5 + Math.floor(sentSeconds * perSecond) + 1,
                afterSend + " after " + sentSeconds + " s");
        for (int i = 0; i < n; i++) {
            ProxyClient c = clients.get(i);
            assertEquals(200, c.readResponse().status(), "client " + i);
            c.send(new byte[] {(byte) i});
        }
        Fixtures.await("every upstream connection named its client", WAIT, () -> upstream.order.size() == n);
        List<Integer> inOrder = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            inOrder.add(i);
        }
        assertEquals(inOrder, upstream.clientsInAcceptOrder());
        // The 12th connection needs 7 tokens after the first 5: at least 1.4 s after the first request.
        double lastSeconds = (upstream.acceptTimes.get(n - 1) - firstSend) / 1e9;
        assertTrue(lastSeconds >= 1.3, "the last upstream connection came " + lastSeconds + " s after the first");
        ShapingStats s = proxy.stats().shaping();
        assertEquals(0, s.connectsWaiting());
        assertEquals(0, s.connectsExpired());
        assertTrue(s.connectsDelayed() >= n - 5 - Math.ceil(sentSeconds * perSecond), s.toString());
        assertEquals(0, proxy.stats().rejections());
    }

    @Test
    void shouldAnswer503WithRetryAfterWhenTheHandshakeDeadlinePassesWhileWaiting() throws Exception {
        TestServers.Server echo = closer.add(TestServers.echo());
        // One connection per 1000 s: the burst of one goes to the first request, the second must wait.
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(echo.port()).maxConnectRate(0.001)
                .handshakeTimeout(Duration.ofMillis(500)).start());
        ProxyClient first = closer.add(new ProxyClient(proxy));
        assertEquals(200, first.connect("127.0.0.1:" + echo.port()).status());
        ProxyClient second = closer.add(new ProxyClient(proxy));
        ProxyClient.Response r = second.connect("127.0.0.1:" + echo.port());
        assertEquals(503, r.status());
        assertNotNull(r.header("Retry-After"), r.head());
        assertTrue(Integer.parseInt(r.header("Retry-After")) >= 1, r.head());
        assertTrue(r.header("Proxy-Status").startsWith("fyntr; error="), r.head());
        assertTrue(r.body().contains("--max-connect-rate"), r.body());
        ProxyStats s = proxy.stats();
        assertEquals(1, s.rejections(503));
        assertEquals(1, s.shaping().connectsDelayed());
        assertEquals(1, s.shaping().connectsExpired());
        assertEquals(0, s.shaping().connectsWaiting());
        // The established tunnel is unaffected.
        first.send("still here");
        assertEquals("still here", new String(first.socket.getInputStream().readNBytes(10)));
    }

    @Test
    void shouldReleaseWaitingConnectsWhenTheRateIsTurnedOffOrTheProxyCloses() throws Exception {
        TestServers.Server echo = closer.add(TestServers.echo());
        FyntrProxy proxy = Fixtures.proxyTo(echo.port()).maxConnectRate(0.001).start();
        try {
            ProxyClient first = closer.add(new ProxyClient(proxy));
            assertEquals(200, first.connect("127.0.0.1:" + echo.port()).status());
            ProxyClient second = closer.add(new ProxyClient(proxy));
            second.send("CONNECT 127.0.0.1:" + echo.port() + " HTTP/1.1\r\n\r\n");
            Fixtures.await("the second waits", WAIT, () -> proxy.stats().shaping().connectsWaiting() == 1);
            proxy.maxConnectRate(0);
            assertEquals(200, second.readResponse().status());
            assertEquals(0, proxy.stats().shaping().connectsWaiting());

            proxy.maxConnectRate(0.001); // a fresh bucket: full again, with its burst of one
            ProxyClient third = closer.add(new ProxyClient(proxy));
            assertEquals(200, third.connect("127.0.0.1:" + echo.port()).status());
            ProxyClient fourth = closer.add(new ProxyClient(proxy));
            fourth.send("CONNECT 127.0.0.1:" + echo.port() + " HTTP/1.1\r\n\r\n");
            Fixtures.await("the fourth waits", WAIT, () -> proxy.stats().shaping().connectsWaiting() == 1);
        } finally {
            proxy.close(Duration.ZERO);
        }
        ShapingStats last = proxy.stats().shaping();
        assertEquals(0, last.connectsWaiting());
        assertEquals(2, last.connectsDelayed());
    }

    @Test
    void shouldNameTheFailedCheckForRates() {
        FyntrProxyBuilder b = FyntrProxy.builder();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.maxRate(-1)).getMessage()
                .startsWith("maxRate must be 0 (off) or 1-"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.maxDownloadRate(Long.MAX_VALUE))
                .getMessage().startsWith("maxDownloadRate must be"));
        assertThrows(IllegalArgumentException.class, () -> b.maxConnectRate(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> b.maxConnectRate(0.0001));
        b.maxRate(0).maxDownloadRate(1).maxConnectRate(1_000_000);
    }

    /**
     * Records the order in which the proxy's upstream connections were accepted, and which client each one
     * belongs to (the client sends its index as the first byte through the tunnel).
     */
    private static final class OrderedServer implements AutoCloseable {
        final ServerSocket socket = new ServerSocket();
        final List<Long> acceptTimes = new CopyOnWriteArrayList<>();
        final List<int[]> order = new CopyOnWriteArrayList<>(); // {acceptIndex, clientIndex}
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private final Thread acceptor;

        OrderedServer() throws IOException {
            socket.bind(new InetSocketAddress(TestServers.LOOPBACK, 0), 128);
            acceptor = new Thread(this::acceptLoop, "ordered-server");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private void acceptLoop() {
            for (int seq = 0; !socket.isClosed(); seq++) {
                Socket s;
                try {
                    s = socket.accept();
                } catch (IOException e) {
                    return;
                }
                acceptTimes.add(System.nanoTime());
                sockets.add(s);
                int acceptIndex = seq;
                Thread reader = new Thread(() -> {
                    try {
                        s.setSoTimeout(30_000);
                        InputStream in = s.getInputStream();
                        int client = in.read();
                        order.add(new int[] {acceptIndex, client});
                        OutputStream out = s.getOutputStream();
                        out.flush();
                    } catch (IOException ignored) {
                        // the test fails on the missing entry
                    }
                }, "ordered-server-reader");
                reader.setDaemon(true);
                reader.start();
            }
        }

        int port() {
            return socket.getLocalPort();
        }

        List<Integer> clientsInAcceptOrder() {
            List<int[]> sorted = new ArrayList<>(order);
            sorted.sort((a, b) -> Integer.compare(a[0], b[0]));
            List<Integer> out = new ArrayList<>();
            for (int[] e : sorted) {
                out.add(e[1]);
            }
            return out;
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : sockets) {
                s.close();
            }
            try {
                acceptor.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
