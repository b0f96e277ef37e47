package dev.fyntr.transport.nio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TunnelTest {

    @RegisterExtension
    final Closer closer = new Closer();

    @Test
    void shouldRelayBothWaysThroughAnEstablishedTunnel() throws Exception {
        TestServers.Server echo = closer.add(TestServers.echo());
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(echo.port()).start());
        try (ProxyClient c = new ProxyClient(proxy)) {
            ProxyClient.Response r = c.connect("127.0.0.1:" + echo.port());
            assertEquals("HTTP/1.1 200 Connection Established", r.statusLine());
            assertEquals("HTTP/1.1 200 Connection Established\r\n\r\n", r.head());
            c.send("hello through fyntr");
            assertEquals("hello through fyntr", new String(c.socket.getInputStream().readNBytes(19),
                    StandardCharsets.US_ASCII));
        }
        Fixtures.await("tunnel closed", Duration.ofSeconds(10), () -> proxy.stats().openTunnels() == 0);
        ProxyStats s = proxy.stats();
        assertEquals(1, s.tunnelsOpened());
        assertEquals(19, s.bytesUpstream());
        assertEquals(19, s.bytesDownstream());
    }

    @Test
    void shouldResolveNamesThroughTheResolverHook() throws Exception {
        TestServers.Server echo = closer.add(TestServers.echo());
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(echo.port()).start());
        try (ProxyClient c = new ProxyClient(proxy)) {
            assertEquals(200, c.connect("echo.test:" + echo.port()).status());
            c.send("x");
            assertEquals('x', c.socket.getInputStream().read());
        }
    }

    @Test
    void shouldRelayThroughACustomSchedulerFromAnotherJarChosenByName() throws Exception {
        TestServers.Server echo = closer.add(TestServers.echo());
        // "rr" lives in fyntr-example-scheduler, a separate jar that Fyntr's code never names.
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(echo.port()).scheduler("rr").start());
        assertEquals("rr", proxy.schedulerName());
        try (ProxyClient c = new ProxyClient(proxy)) {
            assertEquals(200, c.connect("127.0.0.1:" + echo.port()).status());
            byte[] data = random(300_000, 11);
            c.send(data);
            assertArrayEquals(data, c.socket.getInputStream().readNBytes(data.length));
        }
    }

    @Test
    void shouldForwardBytesPipelinedAfterTheRequestHead() throws Exception {
        TestServers.Server echo = closer.add(TestServers.echo());
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(echo.port()).start());
        try (ProxyClient c = new ProxyClient(proxy)) {
            // Head and payload in one write, as a client that sends its ClientHello without waiting does.
            c.send("CONNECT 127.0.0.1:" + echo.port() + " HTTP/1.1\r\n\r\nPIPELINED-HELLO");
            assertEquals(200, c.readResponse().status());
            assertEquals("PIPELINED-HELLO", new String(c.socket.getInputStream().readNBytes(15),
                    StandardCharsets.US_ASCII));
        }
    }

    @Test
    void shouldDeliverEverythingWhenTheClientHalfClosesFirst() throws Exception {
        ConcurrentLinkedQueue<String> results = new ConcurrentLinkedQueue<>();
        TestServers.Server sink = closer.add(TestServers.sink(results::add));
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(sink.port()).start());
        byte[] data = random(1_000_003, 7);
        try (ProxyClient c = new ProxyClient(proxy)) {
            assertEquals(200, c.connect("127.0.0.1:" + sink.port()).status());
            c.send(data);
            c.socket.shutdownOutput(); // the sink answers only after EOF: the other direction must stay open
            String reply = new String(c.readToEnd(), StandardCharsets.US_ASCII).strip();
            assertEquals(sha256(data), reply);
        }
        Fixtures.await("sink result", Duration.ofSeconds(10), () -> !results.isEmpty());
        assertEquals(data.length + ":" + sha256(data), results.peek());
    }

    /**
     * The client's FIN reaches the proxy while its bytes are still queued there, because the upstream is not reading
     * yet. The proxy must pass the FIN on only after the last queued byte, and keep the other direction open.
     *
     * <p>To get there for certain, the client sends more than the kernel buffers between the proxy and a non-reading
     * upstream can take (so bytes must stay in the proxy's queue), and the queue is made large enough for all of
     * them (so the proxy reads everything, and then the EOF, before the upstream reads a byte).
     */
    @Test
    void shouldDeliverBytesStillQueuedAtTheClientsFinThenTheReply() throws Exception {
        int upstreamReceiveBuffer = 16 * 1024;
        // The proxy's send buffer towards the upstream can autotune up to tcp_wmem's maximum; 2 MiB more must queue.
        long kernelPath = Fixtures.tcpBufferMax("tcp_wmem") + Fixtures.kernelBufferBytes(upstreamReceiveBuffer);
        byte[] data = random(Math.toIntExact(kernelPath + 2 * 1024 * 1024), 11);
        CountDownLatch startReading = new CountDownLatch(1);
        ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
        TestServers.Server upstream = closer.add(new TestServers.Server(s -> {
            s.setSoTimeout(20_000);
            try {
                if (!startReading.await(30, TimeUnit.SECONDS)) {
                    throw new AssertionError("never told to read");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return; // the server is closing
            }
            MessageDigest md = TestServers.sha256();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = in.read(buf)) >= 0; ) { // to the EOF the proxy passes on (or a 20 s timeout)
                md.update(buf, 0, n);
                total += n;
            }
            String got = total + ":" + HexFormat.of().formatHex(md.digest());
            received.add(got);
            BoundedWrites.outputOf(s).write(("reply to " + got + "\n").getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
        }, 16, upstreamReceiveBuffer));
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(upstream.port())
                .maxQueuedBytesPerFlow(4 * data.length) // room for every byte, in chunks as short as 4 KiB
                .maxBufferMemory(8L * data.length) // and a memory budget that does not shrink that room
                .start());
        ProxyClient c = closer.add(new ProxyClient(proxy));
        assertEquals(200, c.connect("127.0.0.1:" + upstream.port()).status());
        c.send(data); // the proxy reads it all (its queue has room for everything), so this write completes

        Fixtures.await("the proxy has read every byte and still queues some", Duration.ofSeconds(20), () -> {
            ProxyStats st = proxy.stats();
            return st.bytesUpstream() + st.queuedBytes() == data.length && st.queuedBytes() > 0;
        });
        c.socket.shutdownOutput(); // the client's FIN
        // On loopback the FIN is in the proxy's socket once shutdownOutput returns, and the loop handles ready sockets
        // before messages such as this stats request: the proxy has seen the EOF, with bytes still queued.
        ProxyStats atFin = proxy.stats();
        assertTrue(atFin.queuedBytes() > 0, "nothing queued at the client's FIN: " + atFin);
        assertTrue(received.isEmpty(), "the upstream has not read yet");

        startReading.countDown();
        String expected = data.length + ":" + sha256(data);
        // The reverse direction still works: the upstream's reply, then its EOF.
        assertEquals("reply to " + expected + "\n", new String(c.readToEnd(), StandardCharsets.US_ASCII));
        assertEquals(List.of(expected), List.copyOf(received), "the upstream got every byte, then the EOF");
        Fixtures.await("tunnel closed", Duration.ofSeconds(10), () -> proxy.stats().openTunnels() == 0);
        assertEquals(0, proxy.stats().queuedBytes());
    }

    @Test
    void shouldDeliverEverythingWhenTheUpstreamHalfClosesFirst() throws Exception {
        byte[] greeting = random(300_000, 3);
        ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
        // The server talks first, half-closes, and only then reads what the client sends.
        TestServers.Server server = closer.add(new TestServers.Server(s -> {
            BoundedWrites.outputOf(s).write(greeting);
            s.shutdownOutput();
            received.add(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
        }));
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(server.port()).start());
        try (ProxyClient c = new ProxyClient(proxy)) {
            assertEquals(200, c.connect("127.0.0.1:" + server.port()).status());
            assertArrayEquals(greeting, c.readToEnd()); // ends with EOF: the upstream's FIN was relayed
            c.send("after your FIN");
            c.socket.shutdownOutput();
        }
        Fixtures.await("server received the client's bytes", Duration.ofSeconds(10), () -> !received.isEmpty());
        assertEquals("after your FIN", received.peek());
    }

    @Test
    void shouldKeepHundredConcurrentTunnelsByteExact() throws Exception {
        ConcurrentLinkedQueue<String> results = new ConcurrentLinkedQueue<>();
        TestServers.Server sink = closer.add(TestServers.sink(results::add));
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(sink.port()).start());
        int tunnels = 100;
        ExecutorService pool = Executors.newFixedThreadPool(tunnels);
        try {
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < tunnels; i++) {
                int seed = i;
                futures.add(pool.submit(() -> {
                    byte[] data = random(256 * 1024 + seed, seed);
                    try (ProxyClient c = new ProxyClient(proxy)) {
                        assertEquals(200, c.connect("127.0.0.1:" + sink.port()).status());
                        c.send(data);
                        c.socket.shutdownOutput();
                        String reply = new String(c.readToEnd(), StandardCharsets.US_ASCII).strip();
                        assertEquals(sha256(data), reply, "tunnel " + seed);
                    }
                    return data.length + ":" + sha256(data);
                }));
            }
            List<String> expected = new ArrayList<>();
            for (Future<String> f : futures) {
                expected.add(f.get(60, TimeUnit.SECONDS));
            }
            Fixtures.await("all sink results", Duration.ofSeconds(10), () -> results.size() == tunnels);
            assertEquals(expected.stream().sorted().toList(), results.stream().sorted().toList());
        } finally {
            pool.shutdownNow();
        }
        Fixtures.await("all tunnels closed", Duration.ofSeconds(10), () -> proxy.stats().openTunnels() == 0);
        assertEquals(0, proxy.stats().queuedBytes());
    }

    @Test
    void shouldRelaySixtyFourMebibytesThroughOneTunnelIntact() throws Exception {
        ConcurrentLinkedQueue<String> results = new ConcurrentLinkedQueue<>();
        TestServers.Server sink = closer.add(TestServers.sink(results::add));
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(sink.port()).start());
        MessageDigest md = TestServers.sha256();
        Random random = new Random(64);
        byte[] block = new byte[64 * 1024];
        long total = 64L * 1024 * 1024;
        try (ProxyClient c = new ProxyClient(proxy)) {
            assertEquals(200, c.connect("127.0.0.1:" + sink.port()).status());
            OutputStream out = c.out;
            for (long sent = 0; sent < total; sent += block.length) {
                random.nextBytes(block);
                md.update(block);
                out.write(block);
            }
            c.socket.shutdownOutput();
            String hex = HexFormat.of().formatHex(md.digest());
            assertEquals(hex, new String(c.readToEnd(), StandardCharsets.US_ASCII).strip());
            Fixtures.await("sink result", Duration.ofSeconds(10), () -> !results.isEmpty());
            assertEquals(total + ":" + hex, results.peek());
        }
    }

    @Test
    void shouldCloseIdleTunnels() throws Exception {
        TestServers.Server echo = closer.add(TestServers.echo());
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(echo.port()).idleTimeout(Duration.ofMillis(300)).start());
        try (ProxyClient c = new ProxyClient(proxy)) {
            assertEquals(200, c.connect("127.0.0.1:" + echo.port()).status());
            InputStream in = c.socket.getInputStream();
            // No bytes either way: the proxy must end the tunnel by itself (the read is bounded by SO_TIMEOUT).
            assertEquals(-1, in.read());
        }
        assertEquals(0, proxy.stats().openTunnels());
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String sha256(byte[] data) {
        return HexFormat.of().formatHex(TestServers.sha256().digest(data));
    }

    static void assertClosedByPeer(Socket s) throws IOException {
        assertTrue(s.getInputStream().read() < 0);
    }
}
