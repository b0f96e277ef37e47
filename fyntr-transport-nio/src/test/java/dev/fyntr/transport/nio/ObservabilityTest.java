package dev.fyntr.transport.nio;

import dev.fyntr.transport.nio.internal.FyntrProxyImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.TabularData;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JMX MBean, the latency histograms and the access log, end to end through real sockets. */
class ObservabilityTest {

    /** The access log's fixed key order (docs/operations.md#access-log). */
    static final Pattern LINE = Pattern.compile("kind=(connect|socks5|http)( method=\\S+)? client=\\S+ target=\\S+ "
            + "resolved=\\S+ status=(\\d{3}|-) error=\\S+ up=\\d+ down=\\d+ duration_ms=\\d+ close=(\"[^\"]*\"|\\S+)");

    @RegisterExtension
    final Closer closer = new Closer();

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    /** Answers every byte twice, so that the two directions' counts differ. */
    private static TestServers.Server doubler() throws java.io.IOException {
        return new TestServers.Server(s -> {
            java.io.InputStream in = s.getInputStream();
            java.io.OutputStream out = BoundedWrites.outputOf(s);
            byte[] buf = new byte[4096];
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
                out.write(buf, 0, n);
            }
            s.shutdownOutput();
        });
    }

    @Test
    void shouldShowATunnelInTheMBeanAndTheHistograms() throws Exception {
        TestServers.Server echo = closer.add(doubler());
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(echo.port()).start());
        ObjectName name = new ObjectName(proxy.jmxName().orElseThrow());
        assertEquals("dev.fyntr", name.getDomain());
        assertEquals("Proxy", name.getKeyProperty("type"));
        assertEquals("fyntr-" + proxy.port(), name.getKeyProperty("name"));
        try (ProxyClient c = new ProxyClient(proxy)) {
            assertEquals(200, c.connect("127.0.0.1:" + echo.port()).status());
            c.send("twelve bytes");
            assertEquals("twelve bytestwelve bytes", new String(c.socket.getInputStream().readNBytes(24),
                    StandardCharsets.US_ASCII));
        }
        Fixtures.await("tunnel closed", Duration.ofSeconds(10), () -> proxy.timings().tunnelDuration().count() == 1);
        ProxyTimings t = proxy.timings();
        assertEquals(1, t.timeToEstablish().count());
        assertTrue(t.chunkQueueDelay().count() >= 1, t.chunkQueueDelay().toString());
        // The MBean caches its figures for up to a second: wait for fresh ones rather than sleeping.
        Fixtures.await("MBean shows the closed tunnel", Duration.ofSeconds(10),
                () -> attr(name, "TunnelDurationCount").equals(1L));
        assertEquals(1L, attr(name, "TunnelsOpened"));
        assertEquals(0, attr(name, "OpenTunnels"));
        assertEquals(12L, attr(name, "BytesUpstream"));
        assertEquals(24L, attr(name, "BytesDownstream"));
        assertEquals(1L, attr(name, "TimeToEstablishCount"));
        assertTrue((Long) attr(name, "ChunkQueueDelayCount") >= 1);
        assertTrue((Double) attr(name, "TimeToEstablishMaxMillis") > 0);
        assertEquals(proxy.schedulerName(), attr(name, "SchedulerName"));
        assertTrue((Long) attr(name, "MemoryLimitBytes") > 0);
    }

    @Test
    void shouldCountRefusalsByStatusInTheMBean() throws Exception {
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(443).start());
        ObjectName name = new ObjectName(proxy.jmxName().orElseThrow());
        try (ProxyClient c = new ProxyClient(proxy)) {
            assertEquals(403, c.connect("127.0.0.1:25").status());
        }
        Fixtures.await("MBean shows the refusal", Duration.ofSeconds(10), () -> attr(name, "Rejections").equals(1L));
        TabularData byStatus = (TabularData) attr(name, "RejectionsByStatus");
        assertEquals(1L, byStatus.get(new Object[] {403}).get("value"));
    }

    @Test
    void shouldGiveTwoProxiesDistinctNamesAndUnregisterOnClose() throws Exception {
        FyntrProxy a = closer.add(Fixtures.proxyTo(443).jmxName("twin").start());
        FyntrProxy b = closer.add(Fixtures.proxyTo(443).start());
        assertNotEquals(a.jmxName(), b.jmxName());
        ObjectName an = new ObjectName(a.jmxName().orElseThrow());
        assertEquals("twin", an.getKeyProperty("name"));
        assertTrue(server.isRegistered(an));
        IllegalStateException taken = assertThrows(IllegalStateException.class,
                () -> Fixtures.proxyTo(443).jmxName("twin").start());
        assertTrue(taken.getMessage().contains("already registered"), taken.getMessage());
        a.close();
        assertFalse(server.isRegistered(an));
        assertTrue(server.isRegistered(new ObjectName(b.jmxName().orElseThrow())));
    }

    @Test
    void shouldRegisterNothingWithJmxOff() throws Exception {
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(443).jmx(false).start());
        assertTrue(proxy.jmxName().isEmpty());
        assertTrue(server.queryNames(new ObjectName("dev.fyntr:type=Proxy,name=fyntr-" + proxy.port()), null)
                .isEmpty());
    }

    @Test
    void shouldRejectABadJmxName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FyntrProxy.builder().jmxName("a,b=c"));
        assertTrue(e.getMessage().contains("jmxName must be"), e.getMessage());
    }

    @Test
    void shouldWriteOneAccessLogLinePerTunnelAndPerRefusal() throws Exception {
        TestServers.Server echo = closer.add(doubler());
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(echo.port()).start());
        List<String> lines = new CopyOnWriteArrayList<>();
        ((FyntrProxyImpl) proxy).accessLog().tap(lines::add);
        try (ProxyClient c = new ProxyClient(proxy)) {
            assertEquals(200, c.connect("echo.test:" + echo.port()).status());
            c.send("abc");
            assertEquals("abcabc", new String(c.socket.getInputStream().readNBytes(6), StandardCharsets.US_ASCII));
        }
        try (ProxyClient c = new ProxyClient(proxy)) {
            assertEquals(403, c.connect("127.0.0.1:25").status());
        }
        try (ProxyClient c = new ProxyClient(proxy)) {
            c.send("NONSENSE\r\n\r\n");
            assertEquals(400, c.readResponse().status());
        }
        try (ProxyClient c = new ProxyClient(proxy)) {
            assertEquals(502, c.connect("nowhere.invalid:" + echo.port()).status());
        }
        Fixtures.await("4 access-log lines", Duration.ofSeconds(10), () -> lines.size() >= 4);
        for (String line : lines) {
            assertTrue(LINE.matcher(line).matches(), line);
        }
        String tunnel = only(lines, "status=200");
        assertTrue(tunnel.startsWith("kind=connect client=127.0.0.1:"), tunnel);
        assertTrue(tunnel.contains(" target=echo.test:" + echo.port() + " resolved=127.0.0.1:" + echo.port()
                + " status=200 error=- up=3 down=6 "), tunnel);
        assertTrue(only(lines, "status=403").contains(" target=127.0.0.1:25 resolved=- status=403 "
                + "error=http_request_denied up=0 down=0 "), lines.toString());
        assertTrue(only(lines, "status=400").contains(" target=- resolved=- status=400 error=http_request_error "),
                lines.toString());
        assertTrue(only(lines, "status=502").contains(" target=nowhere.invalid:" + echo.port()
                + " resolved=- status=502 error=dns_error "), lines.toString());
    }

    @Test
    void shouldWriteAccessLogLinesForSocks5TunnelsAndRefusals() throws Exception {
        TestServers.Server echo = closer.add(doubler());
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(echo.port()).socks5Port(0).start());
        List<String> lines = new CopyOnWriteArrayList<>();
        ((FyntrProxyImpl) proxy).accessLog().tap(lines::add);
        try (SocksClient c = new SocksClient(proxy)) {
            assertEquals(0, c.connect("echo.test", echo.port()).code());
            c.send("xy".getBytes(StandardCharsets.US_ASCII));
            assertEquals("xyxy", new String(c.read(4), StandardCharsets.US_ASCII));
        }
        try (SocksClient c = new SocksClient(proxy)) {
            assertEquals(2, c.connect("echo.test", 25).code()); // not allowed by the ruleset
        }
        Fixtures.await("2 access-log lines", Duration.ofSeconds(10), () -> lines.size() >= 2);
        for (String line : lines) {
            assertTrue(LINE.matcher(line).matches(), line);
        }
        assertTrue(only(lines, "status=200").matches("kind=socks5 client=127\\.0\\.0\\.1:\\d+ target=echo\\.test:"
                + echo.port() + " resolved=127\\.0\\.0\\.1:" + echo.port() + " status=200 error=- up=2 down=4 .*"),
                lines.toString());
        assertTrue(only(lines, "status=403").matches("kind=socks5 client=\\S+ target=echo\\.test:25 resolved=- "
                + "status=403 error=http_request_denied up=0 down=0 .*"), lines.toString());
    }

    @Test
    void shouldWriteNoAccessLogLineWhenOff() throws Exception {
        TestServers.Server echo = closer.add(TestServers.echo());
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(echo.port()).accessLog(false).start());
        List<String> lines = new CopyOnWriteArrayList<>();
        ((FyntrProxyImpl) proxy).accessLog().tap(lines::add);
        try (ProxyClient c = new ProxyClient(proxy)) {
            assertEquals(403, c.connect("127.0.0.1:25").status());
        }
        Fixtures.await("refusal counted", Duration.ofSeconds(10), () -> proxy.stats().rejections() == 1);
        proxy.close();
        assertEquals(List.of(), lines);
    }

    @Test
    void shouldLogTheTotalsAtShutdown() throws Exception {
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(443).start());
        List<String> lines = new CopyOnWriteArrayList<>();
        ((FyntrProxyImpl) proxy).accessLog().tap(lines::add);
        try (ProxyClient c = new ProxyClient(proxy)) {
            assertEquals(403, c.connect("127.0.0.1:25").status());
        }
        Fixtures.await("refusal counted", Duration.ofSeconds(10), () -> proxy.stats().rejections() == 1);
        proxy.close(); // drains the log writer
        Fixtures.await("totals line", Duration.ofSeconds(10), () -> lines.stream().anyMatch(l -> l.startsWith("kind=totals")));
        String totals = only(lines, "kind=totals");
        assertTrue(totals.matches("kind=totals connections=1 tunnels=0 refusals=1 up=0 down=0 access_lines=1 "
                + "access_lines_dropped=0"), totals);
    }

    private Object attr(ObjectName name, String attribute) {
        try {
            return server.getAttribute(name, attribute);
        } catch (Exception e) {
            throw new AssertionError("reading " + attribute + " of " + name, e);
        }
    }

    private static String only(List<String> lines, String containing) {
        List<String> found = lines.stream().filter(l -> l.contains(containing)).toList();
        assertEquals(1, found.size(), "lines with " + containing + ": " + lines);
        return found.get(0);
    }
}
