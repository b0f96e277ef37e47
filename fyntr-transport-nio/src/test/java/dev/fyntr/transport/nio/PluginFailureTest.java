package dev.fyntr.transport.nio;

import dev.fyntr.api.Schedulers;
import dev.fyntr.api.spi.Flow;
import dev.fyntr.api.spi.Scheduler;
import dev.fyntr.api.spi.SchedulerConfig;
import dev.fyntr.api.spi.SchedulerProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A scheduler is plug-in code: whatever it throws, from whichever callback (a timer's included), the proxy
 * replaces it with the built-in DRR, keeps relaying, and every tunnel completes intact.
 */
class PluginFailureTest {

    @RegisterExtension
    final Closer closer = new Closer();

    /** DRR that throws from the first call of one method; counts every call. */
    static final class Throwing extends ForwardingScheduler {
        final String failing;
        final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

        Throwing(Scheduler drr, String failing) {
            super(drr);
            this.failing = failing;
        }

        private void call(String method) {
            if (calls.computeIfAbsent(method, k -> new AtomicInteger()).incrementAndGet() == 1
                    && method.equals(failing)) {
                throw new IllegalStateException("planted failure in " + method);
            }
        }

        @Override
        public void onBacklogged(Flow flow) {
            call("onBacklogged");
            super.onBacklogged(flow);
        }

        @Override
        public void onIdle(Flow flow) {
            call("onIdle");
            super.onIdle(flow);
        }

        @Override
        public void onBlocked(Flow flow) {
            call("onBlocked");
            super.onBlocked(flow);
        }

        @Override
        public void onClosed(Flow flow) {
            call("onClosed");
            super.onClosed(flow);
        }

        @Override
        public Flow next() {
            call("next");
            return super.next();
        }

        @Override
        public void onSent(Flow flow, int bytes) {
            call("onSent");
            super.onSent(flow, bytes);
        }

        int count(String method) {
            AtomicInteger n = calls.get(method);
            return n == null ? 0 : n.get();
        }
    }

    private static SchedulerProvider provider(Throwing[] made, String failing) {
        SchedulerProvider drr = Schedulers.provider("drr");
        return new SchedulerProvider() {
            @Override
            public String name() {
                return "throwing";
            }

            @Override
            public Scheduler create(SchedulerConfig config) {
                made[0] = new Throwing(drr.create(config), failing);
                return made[0];
            }
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"onBacklogged", "onIdle", "onBlocked", "onSent", "next", "onClosed"})
    void shouldReplaceAThrowingSchedulerAndCompleteEveryTunnel(String failing) throws Exception {
        CountDownLatch readNow = new CountDownLatch(1);
        closer.add(readNow::countDown);
        // Holds back reading until the test says so, so that uploads fill the socket and flows block.
        TestServers.Server sink = closer.add(new TestServers.Server(s -> {
            try {
                readNow.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            MessageDigest md = TestServers.sha256();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) >= 0; ) {
                md.update(buf, 0, n);
            }
            BoundedWrites.outputOf(s).write((HexFormat.of().formatHex(md.digest()) + "\n").getBytes());
            s.shutdownOutput();
        }, 1024, 16 * 1024));
        Throwing[] made = new Throwing[1];
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(sink.port()).scheduler(provider(made, failing)).start());
        assertEquals("throwing", proxy.schedulerName());

        ExecutorService clients = Executors.newFixedThreadPool(3);
        closer.add(clients::shutdownNow);
        List<Future<String>> results = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        // More than the kernel's largest send buffer, so that the proxy's writes upstream go partial.
        int size = (int) Math.min(64L << 20, Fixtures.tcpBufferMax("tcp_wmem") + (1 << 20));
        for (int i = 0; i < 3; i++) {
            byte[] payload = new byte[size];
            new Random(i).nextBytes(payload);
            expected.add(HexFormat.of().formatHex(TestServers.sha256().digest(payload)));
            results.add(clients.submit(() -> upload(proxy, sink.port(), payload)));
        }
        // A full queue (256 KiB) means its upstream took no more: the flow blocked (whichever scheduler saw it).
        Fixtures.await("an upload to fill its upstream and block", Duration.ofSeconds(20),
                () -> proxy.stats().queuedBytes() >= 256 * 1024);
        readNow.countDown();
        for (int i = 0; i < 3; i++) {
            assertEquals(expected.get(i), results.get(i).get(30, TimeUnit.SECONDS), "upload " + i + " intact");
        }
        if (!failing.equals("onClosed")) { // onClosed first runs once a tunnel has ended
            assertTrue(made[0].count(failing) > 0, failing + " was never called: this run proves nothing");
        }
        Fixtures.await("the tunnels to close", Duration.ofSeconds(10), () -> proxy.stats().openTunnels() == 0);
        ProxyStats stats = proxy.stats();
        assertEquals(1, stats.schedulerReplacements(), "one failure, one replacement: " + stats);
        assertEquals(0, stats.internalErrors(), "the guard absorbed it; no connection failed: " + stats);
    }

    @Test
    void shouldSurviveASchedulerThatThrowsFromATimer() throws Exception {
        TestServers.Server echo = closer.add(TestServers.echo());
        Throwing[] made = new Throwing[1];
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(echo.port()).scheduler(provider(made, "onClosed"))
                .idleTimeout(Duration.ofMillis(200)).start());
        try (ProxyClient c = new ProxyClient(proxy)) {
            assertEquals(200, c.connect("127.0.0.1:" + echo.port()).status());
            c.send("ping");
            assertArrayEquals("ping".getBytes(StandardCharsets.US_ASCII), c.socket.getInputStream().readNBytes(4));
            // The idle timer closes the tunnel, and the scheduler throws from onClosed inside that timer.
            assertEquals(-1, c.socket.getInputStream().read(), "closed for idleness");
        }
        Fixtures.await("the replacement", Duration.ofSeconds(10), () -> proxy.stats().schedulerReplacements() == 1);
        try (ProxyClient again = new ProxyClient(proxy)) {
            assertEquals(200, again.connect("127.0.0.1:" + echo.port()).status(), "the loop goes on");
            again.send("pong");
            assertArrayEquals("pong".getBytes(StandardCharsets.US_ASCII),
                    again.socket.getInputStream().readNBytes(4));
        }
    }

    private static String upload(FyntrProxy proxy, int port, byte[] payload) throws IOException {
        try (ProxyClient c = new ProxyClient(proxy)) {
            assertEquals(200, c.connect("127.0.0.1:" + port).status());
            c.socket.setSoTimeout(30_000);
            c.send(payload);
            c.socket.shutdownOutput();
            Socket s = c.socket;
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        }
    }
}
