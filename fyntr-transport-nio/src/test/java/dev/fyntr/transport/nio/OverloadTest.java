package dev.fyntr.transport.nio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The burst the proxy exists for must not kill it (docs/architecture.md, "Memory"): a storm of tunnels and uploads
 * that never drain stay within the memory budget, and an interactive tunnel still gets through.
 */
class OverloadTest {

    private static final long MIB = 1 << 20;

    @RegisterExtension
    final Closer closer = new Closer();

    @Test
    void shouldCarryAThousandEchoingTunnelsIntactWithinASmallBudget() throws IOException {
        TestServers.Server echo = closer.add(TestServers.echo());
        // 1 MiB is 64 chunks for 1,000 tunnels that each want one chunk per direction while they move bytes.
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(echo.port()).maxBufferMemory(MIB).maxConnections(2000)
                .start());
        TunnelStorm.Result result = new TunnelStorm(proxy, "127.0.0.1:" + echo.port(), 64 * 1024)
                .run(1000, 120_000);
        assertTrue(result.allIntact(), result.completed() + " of 1000 intact; " + result.refused() + " refused; "
                + result.failures().stream().limit(5).toList());
        ProxyStats stats = proxy.stats();
        assertEquals(MIB, stats.memory().limitBytes());
        // Whether reads had to wait for memory depends on how the storm interleaves (usually they did); the claim
        // is the bound, which an unbounded pool breaks at once with this many tunnels.
        assertTrue(stats.memory().peakBytes() <= stats.memory().limitBytes(), stats.memory().toString());
        Fixtures.await("every buffer back", Duration.ofSeconds(10), () -> proxy.stats().memory().usedBytes() == 0);
    }

    @Test
    void shouldStayWithinItsBudgetWhenUploadsNeverDrainAndStillServeAnInteractiveTunnel() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        TestServers.Server stuck = closer.add(new TestServers.Server(s -> {
            try {
                release.await(60, TimeUnit.SECONDS); // never reads until the test is over
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, 1024, 16 * 1024));
        closer.add(release::countDown); // runs before the server's close
        TestServers.Server echo = closer.add(TestServers.echo());
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(stuck.port(), echo.port()).maxBufferMemory(4 * MIB)
                .maxConnections(1000).start());
        List<SocketChannel> uploads = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            uploads.add(closer.add(openTunnel(proxy, "127.0.0.1:" + stuck.port())));
        }
        ByteBuffer junk = ByteBuffer.allocate(64 * 1024);
        // Upload flat out until the proxy has had to refuse buffers: the budget is full and reads wait for memory.
        Fixtures.await("the budget to fill", Duration.ofSeconds(60), () -> {
            for (SocketChannel ch : uploads) {
                junk.clear();
                try {
                    ch.write(junk); // non-blocking: what the socket takes now
                } catch (IOException e) {
                    throw new AssertionError("an upload failed: " + e, e);
                }
            }
            return proxy.stats().memory().refusals() > 0;
        });
        ProxyStats full = proxy.stats();
        assertTrue(full.memory().usedBytes() <= full.memory().limitBytes(), full.memory().toString());
        assertTrue(full.memory().peakBytes() <= full.memory().limitBytes(), full.memory().toString());
        assertTrue(full.memory().readersWaiting() > 0, full.memory().toString());

        try (ProxyClient interactive = new ProxyClient(proxy)) {
            assertEquals(200, interactive.connect("127.0.0.1:" + echo.port()).status());
            InputStream in = interactive.socket.getInputStream();
            for (int i = 0; i < 20; i++) {
                byte[] ping = new byte[64];
                Arrays.fill(ping, (byte) i);
                interactive.send(ping);
                assertArrayEquals(ping, in.readNBytes(64), "echo " + i + " while the budget is full");
            }
        }
        assertTrue(proxy.stats().memory().peakBytes() <= 4 * MIB);
        Fixtures.await("the stuck uploads held, not dropped, once the interactive tunnel is closed",
                Duration.ofSeconds(10), () -> proxy.stats().openTunnels() == 400);
    }

    /** A tunnel through the proxy as a non-blocking channel, its {@code 200} read within a bounded wait. */
    private static SocketChannel openTunnel(FyntrProxy proxy, String target) throws IOException {
        SocketChannel ch = SocketChannel.open(new InetSocketAddress(TestServers.LOOPBACK, proxy.port()));
        ch.configureBlocking(false);
        ch.write(ByteBuffer.wrap(("CONNECT " + target + " HTTP/1.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
        ByteBuffer head = ByteBuffer.allocate(256);
        Fixtures.await("the 200 for " + target, Duration.ofSeconds(20), () -> {
            try {
                if (ch.read(head) < 0) {
                    throw new AssertionError("EOF before the response");
                }
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            return new String(head.array(), 0, head.position(), StandardCharsets.US_ASCII).contains("\r\n\r\n");
        });
        String response = new String(head.array(), 0, head.position(), StandardCharsets.US_ASCII);
        assertTrue(response.startsWith("HTTP/1.1 200"), response);
        return ch;
    }

    @Test
    void shouldNotSpinWhileAClientDoesNotReadAndResumeWhenItDoes() throws Exception {
        byte[] payload = new byte[8 * 1024 * 1024];
        new Random(7).nextBytes(payload);
        TestServers.Server firehose = closer.add(new TestServers.Server(s -> {
            BoundedWrites.outputOf(s).write(payload);
            s.shutdownOutput();
        }));
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(firehose.port()).start());
        ProxyClient client = closer.add(new ProxyClient(proxy, 16 * 1024));
        assertEquals(200, client.connect("127.0.0.1:" + firehose.port()).status());
        InputStream in = client.socket.getInputStream();
        byte[] first = in.readNBytes(1024); // the tunnel is flowing; now the client stops reading
        Fixtures.await("the proxy to hold a chunk for the client", Duration.ofSeconds(20),
                () -> proxy.stats().memory().usedBytes() > 0);
        long loop = loopThreadId(proxy);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuBefore = threads.getThreadCpuTime(loop);
        Thread.sleep(2_000); // the measurement window itself: nothing to await
        long cpuNanos = threads.getThreadCpuTime(loop) - cpuBefore;
        assertTrue(cpuNanos < 500_000_000L, "the loop used " + cpuNanos / 1_000_000 + " ms of CPU in 2 s while "
                + "nothing could move: it spins");
        byte[] rest = in.readAllBytes();
        byte[] all = new byte[first.length + rest.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(rest, 0, all, first.length, rest.length);
        assertArrayEquals(payload, all, "every byte arrives once the client reads again");
    }

    private static long loopThreadId(FyntrProxy proxy) {
        long id = -1; // the newest loop thread is this proxy's: earlier tests' proxies are closed

        int newest = -1;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("fyntr-loop-")) {
                int n = Integer.parseInt(t.getName().substring("fyntr-loop-".length()));
                if (n > newest) {
                    newest = n;
                    id = t.getId();
                }
            }
        }
        assertTrue(id >= 0, "no loop thread for " + proxy);
        return id;
    }

    @Test
    void shouldFreeEverySlotWhenClientsResetWhileTheirConnectWaits() throws Exception {
        TestServers.Server echo = closer.add(TestServers.echo());
        int max = 16;
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(echo.port()).maxConnections(max).maxConnectRate(0.01).start());
        long fdsBefore = Fixtures.openFileDescriptors();
        // The first CONNECT takes the only token; the others wait for one, and their clients reset meanwhile.
        try (ProxyClient first = new ProxyClient(proxy)) {
            assertEquals(200, first.connect("127.0.0.1:" + echo.port()).status());
        }
        for (int round = 0; round < max; round++) {
            ProxyClient c = new ProxyClient(proxy);
            c.send("CONNECT 127.0.0.1:" + echo.port() + " HTTP/1.1\r\n\r\n");
            Fixtures.await("the CONNECT to wait for a token", Duration.ofSeconds(10),
                    () -> proxy.stats().shaping().connectsWaiting() == 1);
            c.socket.setSoLinger(true, 0);
            c.close(); // a reset while the connect waits
            Fixtures.await("the slot to be freed", Duration.ofSeconds(10), () -> proxy.stats().openHandshakes() == 0
                    && proxy.stats().shaping().connectsWaiting() == 0);
        }
        proxy.maxConnectRate(0);
        List<ProxyClient> tunnels = new ArrayList<>();
        for (int i = 0; i < max; i++) {
            ProxyClient c = closer.add(new ProxyClient(proxy));
            assertEquals(200, c.connect("127.0.0.1:" + echo.port()).status(), "tunnel " + i);
            tunnels.add(c);
        }
        assertEquals(max, proxy.stats().openTunnels());
        for (ProxyClient c : tunnels) {
            c.close();
        }
        Fixtures.await("descriptors back to the baseline", Duration.ofSeconds(10),
                () -> fdsBefore < 0 || Fixtures.openFileDescriptors() <= fdsBefore + 2);
    }

    @Test
    void shouldAnswerAtOnceForANameThatResolvesWhileHundredsOfOthersNeverDo() throws Exception {
        TestServers.Server echo = closer.add(TestServers.echo());
        CountDownLatch never = new CountDownLatch(1);
        closer.add(never::countDown);
        AtomicInteger lookups = new AtomicInteger();
        Resolver resolver = host -> {
            lookups.incrementAndGet();
            if (host.startsWith("dead")) {
                awaitForever(never); // a name whose DNS never answers
            }
            return List.of(InetAddress.getLoopbackAddress());
        };
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(echo.port()).resolver(resolver).maxConnections(1000)
                .start());
        List<ProxyClient> dead = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ProxyClient c = closer.add(new ProxyClient(proxy));
            c.send("CONNECT dead" + i + ".test:" + echo.port() + " HTTP/1.1\r\n\r\n");
            dead.add(c);
        }
        for (int i = 0; i < 10; i++) { // ten more for one dead name share one lookup
            closer.add(new ProxyClient(proxy)).send("CONNECT dead0.test:" + echo.port() + " HTTP/1.1\r\n\r\n");
        }
        Fixtures.await("200 names in flight", Duration.ofSeconds(20), () -> proxy.stats().nameLookupsInFlight() == 200
                && lookups.get() == 200);
        assertEquals(200, lookups.get(), "one lookup per distinct name");

        try (ProxyClient good = new ProxyClient(proxy)) {
            assertEquals(200, good.connect("good.test:" + echo.port()).status(),
                    "a name that answers at once is not held up by the dead ones");
        }
        // Clients that leave abandon their lookups: the slots come back at once.
        for (ProxyClient c : dead.subList(100, 200)) {
            c.close();
        }
        Fixtures.await("abandoned lookups to free their slots", Duration.ofSeconds(20),
                () -> proxy.stats().nameLookupsInFlight() == 100);
    }

    /** A lookup that never answers: it waits until the test releases it or the proxy's close interrupts it. */
    private static void awaitForever(CountDownLatch latch) throws IOException {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new IOException("test resolver gave up after 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Test
    void shouldRefuseLookupsBeyondTheBoundPerClientWith503() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        closer.add(never::countDown);
        Resolver resolver = host -> {
            awaitForever(never);
            return List.of(InetAddress.getLoopbackAddress());
        };
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(443).resolver(resolver).maxNameLookups(100, 4).start());
        for (int i = 0; i < 4; i++) {
            closer.add(new ProxyClient(proxy)).send("CONNECT slow" + i + ".test:443 HTTP/1.1\r\n\r\n");
        }
        Fixtures.await("4 lookups in flight", Duration.ofSeconds(10), () -> proxy.stats().nameLookupsInFlight() == 4);
        try (ProxyClient fifth = new ProxyClient(proxy)) {
            ProxyClient.Response r = fifth.connect("slow4.test:443");
            assertEquals(503, r.status());
            assertTrue(r.body().contains("too many name lookups from this client: 4 in flight (at most 4 per client"),
                    r.body());
            assertEquals("1", r.header("Retry-After"));
        }
    }

    @Test
    void shouldRefuseConnectionsBeyondTheShareOfOneClient() throws Exception {
        TestServers.Server echo = closer.add(TestServers.echo());
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(echo.port()).maxConnectionsPerClient(3).start());
        List<ProxyClient> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ProxyClient c = closer.add(new ProxyClient(proxy));
            assertEquals(200, c.connect("127.0.0.1:" + echo.port()).status());
            held.add(c);
        }
        try (ProxyClient fourth = new ProxyClient(proxy)) {
            ProxyClient.Response r = fourth.readResponse();
            assertEquals(503, r.status());
            assertTrue(r.body().contains("--max-connections-per-client"), r.body());
            assertTrue(r.header("Proxy-Status").startsWith("fyntr; error=connection_limit_reached"), r.head());
        }
        held.get(0).close();
        Fixtures.await("the slot to come back", Duration.ofSeconds(10), () -> proxy.stats().openTunnels() == 2);
        try (ProxyClient again = new ProxyClient(proxy)) {
            assertEquals(200, again.connect("127.0.0.1:" + echo.port()).status());
        }
    }

    @Test
    void shouldBoundTheRejectedConnectionsThatLinger() throws Exception {
        int max = 8;
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(443).maxConnections(max).start());
        List<ProxyClient> rejected = new ArrayList<>();
        // Each gets a 400 and then keeps its socket open without a word: the proxy lingers for it.
        for (int i = 0; i < 3 * max; i++) {
            ProxyClient c = closer.add(new ProxyClient(proxy));
            c.send("BAD REQUEST\r\n\r\n");
            rejected.add(c);
            Fixtures.await("rejection " + i + " counted", Duration.ofSeconds(10),
                    () -> proxy.stats().rejections() >= rejected.size());
            int lingering = proxy.stats().lingeringRejections();
            assertTrue(lingering <= max, lingering + " rejected connections linger; at most " + max + " may");
        }
        for (ProxyClient c : rejected) {
            ProxyClient.Response r = c.readResponse();
            assertTrue(r.status() == 400 || r.status() == 503, r.statusLine()); // 503: the lingerers hold the slots
        }
        assertEquals(max, proxy.stats().lingeringRejections(), "the bound is reached, not exceeded");
    }
}
