package dev.fyntr.micrometer;

import dev.fyntr.transport.nio.FyntrProxy;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class FyntrMetricsTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    /** Every meter name docs/operations.md lists; a renamed or dropped meter fails here. */
    static final Set<String> DOCUMENTED = Set.of("fyntr.tunnels.open", "fyntr.handshakes.open", "fyntr.tunnels.opened",
            "fyntr.connections.accepted", "fyntr.bytes", "fyntr.queued", "fyntr.rejections", "fyntr.rejections.all",
            "fyntr.rejections.lingering", "fyntr.lookups.inflight", "fyntr.internal.errors",
            "fyntr.scheduler.replacements", "fyntr.sni.mismatches", "fyntr.sni.refusals", "fyntr.memory.limit",
            "fyntr.memory.used", "fyntr.memory.peak", "fyntr.memory.readers.waiting", "fyntr.memory.refusals",
            "fyntr.connects.waiting", "fyntr.access.log.dropped", "fyntr.tunnel.duration", "fyntr.tunnel.duration.max",
            "fyntr.tunnel.duration.quantile", "fyntr.tunnel.establish", "fyntr.tunnel.establish.max",
            "fyntr.tunnel.establish.quantile", "fyntr.chunk.queue.delay", "fyntr.chunk.queue.delay.max",
            "fyntr.chunk.queue.delay.quantile");

    @Test
    void shouldRegisterEveryDocumentedMeterAndFollowTheProxy() throws Exception {
        try (ServerSocket echo = new ServerSocket(0, 50, LOOPBACK);
             FyntrProxy proxy = FyntrProxy.builder().port(0).allowPorts(echo.getLocalPort())
                     .allowCidrs("127.0.0.1/32").jmx(false).shutdownGrace(Duration.ZERO).start()) {
            Thread echoer = echoOnce(echo);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            new FyntrMetrics(proxy, Tags.of("proxy", "test")).maxAge(Duration.ZERO).bindTo(registry);

            Set<String> names = registry.getMeters().stream().map(m -> m.getId().getName())
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(new TreeSet<>(DOCUMENTED), names);
            for (Meter m : registry.getMeters()) {
                assertEquals("test", m.getId().getTag("proxy"), m.getId().toString());
            }
            assertEquals(0.0, registry.get("fyntr.bytes").tag("direction", "up").functionCounter().count());
            assertTrue(registry.get("fyntr.memory.limit").gauge().value() > 0);

            try (Socket c = new Socket()) {
                c.setSoTimeout(20_000);
                c.connect(new InetSocketAddress(LOOPBACK, proxy.port()), 10_000);
                OutputStream out = c.getOutputStream();
                out.write(("CONNECT 127.0.0.1:" + echo.getLocalPort() + " HTTP/1.1\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                InputStream in = c.getInputStream();
                String head = readHead(in);
                assertTrue(head.startsWith("HTTP/1.1 200"), head);
                assertEquals(1.0, registry.get("fyntr.tunnels.open").gauge().value());
                out.write("hello".getBytes(StandardCharsets.US_ASCII));
                assertEquals("hellohello", new String(in.readNBytes(10), StandardCharsets.US_ASCII));
            }
            echoer.join(10_000);
            await(() -> registry.get("fyntr.tunnels.open").gauge().value() == 0.0);

            assertEquals(1.0, registry.get("fyntr.tunnels.opened").functionCounter().count());
            assertEquals(5.0, registry.get("fyntr.bytes").tag("direction", "up").functionCounter().count());
            assertEquals(10.0, registry.get("fyntr.bytes").tag("direction", "down").functionCounter().count());
            FunctionTimer establish = registry.get("fyntr.tunnel.establish").functionTimer();
            assertEquals(1.0, establish.count());
            assertTrue(establish.totalTime(TimeUnit.NANOSECONDS) > 0);
            assertEquals(1.0, registry.get("fyntr.tunnel.duration").functionTimer().count());
            assertTrue(registry.get("fyntr.chunk.queue.delay").functionTimer().count() >= 1);
            Gauge p99 = registry.get("fyntr.tunnel.establish.quantile").tag("quantile", "0.99").gauge();
            assertTrue(p99.value() > 0, "p99 " + p99.value());

            try (Socket c = new Socket()) {
                c.setSoTimeout(20_000);
                c.connect(new InetSocketAddress(LOOPBACK, proxy.port()), 10_000);
                c.getOutputStream().write("CONNECT 127.0.0.1:25 HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertTrue(readHead(c.getInputStream()).startsWith("HTTP/1.1 403"));
            }
            FunctionCounter forbidden = registry.get("fyntr.rejections").tag("status", "403").functionCounter();
            await(() -> forbidden.count() == 1.0);
            assertEquals(1.0, registry.get("fyntr.rejections.all").functionCounter().count());
            assertEquals(0.0, registry.get("fyntr.rejections").tag("status", "502").functionCounter().count());
        }
    }

    @Test
    void shouldReuseOneSnapshotWithinTheMaxAge() throws Exception {
        try (FyntrProxy proxy = FyntrProxy.builder().port(0).jmx(false).shutdownGrace(Duration.ZERO).start()) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            new FyntrMetrics(proxy).maxAge(Duration.ofHours(1)).bindTo(registry);
            FunctionCounter accepted = registry.get("fyntr.connections.accepted").functionCounter();
            assertEquals(0.0, accepted.count());
            try (Socket c = new Socket()) {
                c.connect(new InetSocketAddress(LOOPBACK, proxy.port()), 10_000);
            }
            await(() -> proxy.stats().connectionsAccepted() == 1);
            assertEquals(0.0, accepted.count(), "the hour-old snapshot is still served");
        }
    }

    @Test
    void shouldRejectANegativeMaxAge() {
        try (FyntrProxy proxy = FyntrProxy.builder().port(0).jmx(false).start()) {
            assertThrows(IllegalArgumentException.class, () -> new FyntrMetrics(proxy).maxAge(Duration.ofSeconds(-1)));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Thread echoOnce(ServerSocket server) {
        Thread t = new Thread(() -> {
            try (Socket s = server.accept()) {
                s.setSoTimeout(20_000);
                // Every byte twice, so that the two directions' counts differ.
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                byte[] buf = new byte[4096];
                for (int n; (n = in.read(buf)) >= 0; ) {
                    out.write(buf, 0, n);
                    out.write(buf, 0, n);
                }
            } catch (IOException ignored) {
                // The test fails on its own assertions.
            }
        }, "echo");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (sb.length() < 4096 && !sb.toString().endsWith("\r\n\r\n")) { // bounded, and by SO_TIMEOUT
            int b = in.read();
            if (b < 0) {
                break;
            }
            sb.append((char) b);
        }
        return sb.toString();
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(10);
        }
    }
}
