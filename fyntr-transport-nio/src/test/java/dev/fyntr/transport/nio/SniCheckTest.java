package dev.fyntr.transport.nio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SNI check end to end (docs/threats-and-socks5.md#the-sni-check): real ClientHellos from the JDK's
 * {@code SSLEngine}, sent whole, a byte at a time (each byte its own TCP segment) or with the CONNECT, through a
 * proxy in each mode, to an upstream that records every byte it gets. Only 127.0.0.1; names resolve through
 * {@link Fixtures#TEST_RESOLVER}.
 */
class SniCheckTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    final Closer closer = new Closer();

    @TempDir
    Path dir;

    /** An upstream that records what it receives until EOF or a reset; it may speak first. */
    static final class Recorder implements AutoCloseable {

        /** One connection's bytes, and whether it ended with a reset rather than an EOF. */
        record Received(byte[] bytes, boolean reset) {
        }

        private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
        private final TestServers.Server server;

        Recorder(byte[] banner) throws IOException {
            server = new TestServers.Server(s -> {
                s.setSoTimeout(20_000);
                if (banner != null) {
                    OutputStream out = BoundedWrites.outputOf(s);
                    out.write(banner);
                    out.flush();
                }
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                boolean reset = false;
                InputStream in = s.getInputStream();
                byte[] buf = new byte[8192];
                try {
                    for (int n; (n = in.read(buf)) >= 0; ) {
                        got.write(buf, 0, n);
                    }
                } catch (SocketTimeoutException e) {
                    throw e; // neither an end nor a reset within 20 s: the test fails
                } catch (SocketException e) {
                    reset = true;
                }
                received.add(new Received(got.toByteArray(), reset));
            });
        }

        int port() {
            return server.port();
        }

        /** The next connection's record, once it has ended. */
        Received next() throws InterruptedException {
            Received r = received.poll(20, TimeUnit.SECONDS);
            if (r == null) {
                throw new AssertionError("the upstream saw no connection end within 20 s");
            }
            return r;
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    private Recorder recorder() throws IOException {
        return closer.add(new Recorder(null));
    }

    private FyntrProxy start(FyntrProxyBuilder builder) throws IOException {
        return closer.add(builder.start());
    }

    /** Writes one byte per write call; with TCP_NODELAY (set by ProxyClient) each is its own segment. */
    private static void sendByteAtATime(ProxyClient c, byte[] bytes) throws IOException {
        for (byte b : bytes) {
            c.out.write(b);
            c.out.flush();
        }
    }

    /** The proxy ends the client's connection without sending a byte of the tunnel: EOF or a reset. */
    private static void assertClosedWithoutData(Socket s) throws IOException {
        try {
            assertEquals(-1, s.getInputStream().read(), "no byte may come back");
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the proxy did not close the connection", e);
        } catch (SocketException e) {
            // a reset: what enforce does
        }
    }

    private static void awaitStats(FyntrProxy proxy, long mismatches, long refusals) {
        Fixtures.await(mismatches + " mismatch(es) and " + refusals + " refusal(s)", WAIT, () -> {
            ProxyStats s = proxy.stats();
            return s.sniMismatches() == mismatches && s.sniRefusals() == refusals;
        });
    }

    /**
     * Counted by the proxy, not by the upstream: a reset makes the upstream's kernel drop what it had received but
     * not yet handed to the reading thread, so an upstream that saw nothing proves little on its own.
     */
    private static void assertNothingWrittenUpstream(FyntrProxy proxy) {
        assertEquals(0, proxy.stats().bytesUpstream(), "bytes written upstream");
    }

    /** A matching ClientHello goes through byte for byte in every mode, a byte at a time included. */
    @ParameterizedTest
    @EnumSource(SniCheck.class)
    void shouldForwardAMatchingClientHelloByteForByte(SniCheck mode) throws Exception {
        Recorder upstream = recorder();
        FyntrProxy proxy = start(Fixtures.proxyTo(upstream.port()).sniCheck(mode));
        byte[] hello = ClientHellos.jdk("peer.TEST");
        try (ProxyClient c = new ProxyClient(proxy)) {
            assertEquals(200, c.connect("Peer.test.:" + upstream.port()).status());
            sendByteAtATime(c, hello);
            c.socket.shutdownOutput();
            Recorder.Received r = upstream.next();
            assertArrayEquals(hello, r.bytes());
            assertEquals(false, r.reset());
            assertEquals(-1, c.socket.getInputStream().read());
        }
        awaitStats(proxy, 0, 0);
    }

    @Test
    void shouldLogAMismatchAndForwardTheHelloWhenWarning() throws Exception {
        Recorder upstream = recorder();
        FyntrProxy proxy = start(Fixtures.proxyTo(upstream.port())); // warn is the default
        byte[] hello = ClientHellos.jdk("other.test");
        String log = captureStderrUntil("sni_check=mismatch", () -> {
            try (ProxyClient c = new ProxyClient(proxy)) {
                assertEquals(200, c.connect("peer.test:" + upstream.port()).status());
                sendByteAtATime(c, hello);
                c.socket.shutdownOutput();
                assertArrayEquals(hello, upstream.next().bytes());
            }
        });
        assertTrue(log.contains("sni_check=mismatch action=warn reason=different_name connect=peer.test:"
                + upstream.port() + " sni=other.test client=127.0.0.1:"), log);
        awaitStats(proxy, 1, 0);
    }

    /** Warn never holds: each piece of a hello reaches the upstream before the client sends the next. */
    @Test
    void shouldForwardEachPieceOfAClientHelloAsItComesWhenWarning() throws Exception {
        byte[] hello = ClientHellos.jdk("other.test");
        byte[] head = Arrays.copyOf(hello, 50);
        byte[] rest = Arrays.copyOfRange(hello, 50, hello.length);
        BlockingQueue<byte[]> pieces = new LinkedBlockingQueue<>();
        TestServers.Server upstream = closer.add(new TestServers.Server(s -> {
            s.setSoTimeout(20_000);
            InputStream in = s.getInputStream();
            pieces.add(in.readNBytes(head.length));
            pieces.add(in.readAllBytes());
        }));
        FyntrProxy proxy = start(Fixtures.proxyTo(upstream.port()));
        try (ProxyClient c = new ProxyClient(proxy)) {
            assertEquals(200, c.connect("peer.test:" + upstream.port()).status());
            c.send(head);
            assertArrayEquals(head, pieces.poll(10, TimeUnit.SECONDS), "the first piece, before the rest is sent");
            c.send(rest);
            c.socket.shutdownOutput();
            assertArrayEquals(rest, pieces.poll(10, TimeUnit.SECONDS));
        }
        awaitStats(proxy, 1, 0);
    }

    @Test
    void shouldResetAMismatchBeforeAnyByteReachesTheUpstreamWhenEnforcing() throws Exception {
        Recorder upstream = recorder();
        FyntrProxy proxy = start(Fixtures.proxyTo(upstream.port()).sniCheck(SniCheck.ENFORCE));
        try (ProxyClient c = new ProxyClient(proxy)) {
            assertEquals(200, c.connect("peer.test:" + upstream.port()).status());
            sendByteAtATime(c, ClientHellos.jdk("other.test"));
            assertClosedWithoutData(c.socket);
        }
        Recorder.Received r = upstream.next();
        assertEquals(0, r.bytes().length, "not one byte of a refused ClientHello reaches the upstream");
        assertTrue(r.reset(), "the upstream sees a reset, not an orderly end");
        awaitStats(proxy, 1, 1);
        assertNothingWrittenUpstream(proxy);
    }

    @Test
    void shouldNotLookWhenOff() throws Exception {
        Recorder upstream = recorder();
        FyntrProxy proxy = start(Fixtures.proxyTo(upstream.port()).sniCheck(SniCheck.OFF));
        byte[] hello = ClientHellos.jdk("other.test");
        try (ProxyClient c = new ProxyClient(proxy)) {
            assertEquals(200, c.connect("127.0.0.1:" + upstream.port()).status());
            c.send(hello);
            c.socket.shutdownOutput();
            assertArrayEquals(hello, upstream.next().bytes());
        }
        awaitStats(proxy, 0, 0);
    }

    @Test
    void shouldTreatANameSentToAnIpLiteralAsAMismatch() throws Exception {
        Recorder upstream = recorder();
        FyntrProxy warn = start(Fixtures.proxyTo(upstream.port()));
        FyntrProxy enforce = start(Fixtures.proxyTo(upstream.port()).sniCheck(SniCheck.ENFORCE));
        byte[] hello = ClientHellos.jdk("peer.test");
        try (ProxyClient c = new ProxyClient(warn)) {
            assertEquals(200, c.connect("127.0.0.1:" + upstream.port()).status());
            c.send(hello);
            c.socket.shutdownOutput();
            assertArrayEquals(hello, upstream.next().bytes());
        }
        awaitStats(warn, 1, 0);
        try (ProxyClient c = new ProxyClient(enforce)) {
            assertEquals(200, c.connect("127.0.0.1:" + upstream.port()).status());
            c.send(hello);
            assertClosedWithoutData(c.socket);
        }
        assertEquals(0, upstream.next().bytes().length);
        awaitStats(enforce, 1, 1);
        assertNothingWrittenUpstream(enforce);
    }

    @Test
    void shouldCheckAClientHelloPipelinedWithTheConnect() throws Exception {
        Recorder upstream = recorder();
        FyntrProxy proxy = start(Fixtures.proxyTo(upstream.port()).sniCheck(SniCheck.ENFORCE));
        byte[] good = ClientHellos.jdk("peer.test");
        try (ProxyClient c = new ProxyClient(proxy)) {
            c.send(concat(connectHead("peer.test:" + upstream.port()), good));
            assertEquals(200, c.readResponse().status());
            c.socket.shutdownOutput();
            assertArrayEquals(good, upstream.next().bytes());
        }
        try (ProxyClient c = new ProxyClient(proxy)) {
            c.send(concat(connectHead("peer.test:" + upstream.port()), ClientHellos.jdk("other.test")));
            try {
                // The 200 may or may not arrive before the reset: the tunnel was up when the hello was judged.
                assertEquals(200, c.readResponse().status());
                assertClosedWithoutData(c.socket);
            } catch (SocketException e) {
                // reset before the 200 was read
            }
        }
        assertEquals(0, upstream.next().bytes().length);
        awaitStats(proxy, 1, 1);
        assertEquals(good.length, proxy.stats().bytesUpstream(), "the good hello only");
    }

    @Test
    void shouldCheckTheClientHelloOfASocks5Tunnel() throws Exception {
        Recorder upstream = recorder();
        FyntrProxy proxy = start(Fixtures.proxyTo(upstream.port()).socks5Port(0).sniCheck(SniCheck.ENFORCE));
        try (SocksClient c = new SocksClient(proxy)) {
            assertEquals(0, c.connect("peer.test", upstream.port()).code());
            c.send(ClientHellos.jdk("other.test"));
            assertClosedWithoutData(c.socket);
        }
        assertEquals(0, upstream.next().bytes().length);
        awaitStats(proxy, 1, 1);
        assertNothingWrittenUpstream(proxy);
    }

    @Test
    void shouldLetAHelloWithoutSniAndNonTlsBytesThroughWhenEnforcing() throws Exception {
        Recorder upstream = recorder();
        FyntrProxy proxy = start(Fixtures.proxyTo(upstream.port()).sniCheck(SniCheck.ENFORCE));
        byte[] nameless = ClientHellos.jdk(null);
        byte[] text = "GET / HTTP/1.1\r\nHost: peer.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        for (byte[] first : List.of(nameless, text)) {
            try (ProxyClient c = new ProxyClient(proxy)) {
                assertEquals(200, c.connect("peer.test:" + upstream.port()).status());
                sendByteAtATime(c, first);
                c.socket.shutdownOutput();
                assertArrayEquals(first, upstream.next().bytes());
            }
        }
        awaitStats(proxy, 0, 0);
    }

    /** A record header claiming 64 KiB (TLS allows 16 KiB), then 64 KiB of garbage. */
    private static byte[] garbageRecord() {
        byte[] garbage = new byte[5 + 64 * 1024];
        new Random(5).nextBytes(garbage);
        System.arraycopy(new byte[] {22, 3, 1, (byte) 0xFF, (byte) 0xFF}, 0, garbage, 0, 5);
        return garbage;
    }

    @Test
    void shouldResetA64KibGarbageRecordHoldingNoMoreThanOneChunkWhenEnforcing() throws Exception {
        Recorder upstream = recorder();
        FyntrProxy proxy = start(Fixtures.proxyTo(upstream.port()).sniCheck(SniCheck.ENFORCE));
        try (ProxyClient c = new ProxyClient(proxy)) {
            assertEquals(200, c.connect("peer.test:" + upstream.port()).status());
            try {
                c.send(garbageRecord());
            } catch (IOException e) {
                // the proxy may reset before it has taken every byte
            }
            assertClosedWithoutData(c.socket);
        }
        assertEquals(0, upstream.next().bytes().length);
        awaitStats(proxy, 0, 1);
        assertNothingWrittenUpstream(proxy);
        long peak = proxy.stats().memory().peakBytes();
        assertTrue(peak <= 16 * 1024, "the proxy held " + peak + " B at most: one chunk");
    }

    @Test
    void shouldForwardA64KibGarbageRecordWhenWarning() throws Exception {
        Recorder upstream = recorder();
        FyntrProxy proxy = start(Fixtures.proxyTo(upstream.port()));
        byte[] garbage = garbageRecord();
        String log = captureStderrUntil("sni_check=unreadable", () -> {
            try (ProxyClient c = new ProxyClient(proxy)) {
                assertEquals(200, c.connect("peer.test:" + upstream.port()).status());
                c.send(garbage);
                c.socket.shutdownOutput();
                assertArrayEquals(garbage, upstream.next().bytes());
            }
        });
        assertTrue(log.contains("sni_check=unreadable action=warn result=malformed connect=peer.test:"
                + upstream.port() + " detail=\"a TLS record of 65535 bytes (1-16384 allowed)\""), log);
        awaitStats(proxy, 0, 0);
    }

    @Test
    void shouldResetAHelloThatDoesNotEndWithinOneRecordWhenEnforcing() throws Exception {
        Recorder upstream = recorder();
        // The smallest queue bound: its marks would stop reading at 16 KiB, short of one record; the held bytes may
        // go beyond them (the peek's budget bounds them), or the tunnel would wait for the idle timeout.
        FyntrProxy proxy = start(Fixtures.proxyTo(upstream.port()).sniCheck(SniCheck.ENFORCE)
                .maxQueuedBytesPerFlow(16 * 1024));
        // A full-size record whose ClientHello claims 64 KiB, its cipher suites running past the record.
        byte[] endless = new byte[64 * 1024];
        System.arraycopy(new byte[] {22, 3, 1, 0x40, 0, 1, 0, (byte) 0xFF, (byte) 0xFF}, 0, endless, 0, 9);
        endless[5 + 4 + 34 + 1] = 0x7F;
        try (ProxyClient c = new ProxyClient(proxy)) {
            assertEquals(200, c.connect("peer.test:" + upstream.port()).status());
            try {
                sendByteAtATimeUpTo(c, endless, 100);
                c.send(Arrays.copyOfRange(endless, 100, endless.length));
            } catch (IOException e) {
                // the proxy resets once it has one record's worth
            }
            assertClosedWithoutData(c.socket);
        }
        assertEquals(0, upstream.next().bytes().length);
        awaitStats(proxy, 0, 1);
        assertNothingWrittenUpstream(proxy);
        long peak = proxy.stats().memory().peakBytes();
        assertTrue(peak <= 2 * 16 * 1024, "the proxy held " + peak + " B at most: one record in two chunks");
    }

    @Test
    void shouldResetAHelloThatStopsHalfwayWithinTheHandshakeTimeoutWhenEnforcing() throws Exception {
        Recorder upstream = recorder();
        FyntrProxy proxy = start(Fixtures.proxyTo(upstream.port()).sniCheck(SniCheck.ENFORCE)
                .handshakeTimeout(Duration.ofSeconds(1)));
        byte[] hello = ClientHellos.jdk("peer.test");
        long took;
        try (ProxyClient c = new ProxyClient(proxy)) {
            assertEquals(200, c.connect("peer.test:" + upstream.port()).status());
            long start = System.nanoTime();
            c.send(Arrays.copyOf(hello, 50)); // and nothing more: the record never completes
            assertClosedWithoutData(c.socket);
            took = (System.nanoTime() - start) / 1_000_000;
        }
        assertTrue(took >= 900 && took < 10_000, "reset after " + took + " ms; the idle timeout is 300 s");
        assertEquals(0, upstream.next().bytes().length);
        awaitStats(proxy, 0, 1);
        assertNothingWrittenUpstream(proxy);
    }

    @Test
    void shouldHoldNothingAgainstAClientThatSendsNothingWhenEnforcing() throws Exception {
        byte[] banner = "220 peer.test ready\r\n".getBytes(StandardCharsets.US_ASCII);
        Recorder upstream = closer.add(new Recorder(banner));
        FyntrProxy proxy = start(Fixtures.proxyTo(upstream.port()).sniCheck(SniCheck.ENFORCE)
                .handshakeTimeout(Duration.ofSeconds(1)));
        try (ProxyClient c = new ProxyClient(proxy)) {
            assertEquals(200, c.connect("peer.test:" + upstream.port()).status());
            assertArrayEquals(banner, c.socket.getInputStream().readNBytes(banner.length));
            // A silent client outlasts the ClientHello deadline on purpose: with no byte held, it must not apply.
            Thread.sleep(1_500);
            byte[] quit = "QUIT\r\n".getBytes(StandardCharsets.US_ASCII);
            c.send(quit);
            c.socket.shutdownOutput();
            assertArrayEquals(quit, upstream.next().bytes());
        }
        awaitStats(proxy, 0, 0);
    }

    private static void sendByteAtATimeUpTo(ProxyClient c, byte[] bytes, int n) throws IOException {
        for (int i = 0; i < n; i++) {
            c.out.write(bytes[i]);
            c.out.flush();
        }
    }

    /** The server speaks first: the client reads its banner through the tunnel before sending anything. */
    @ParameterizedTest
    @EnumSource(SniCheck.class)
    void shouldNotWaitForTheClientWhenTheServerSpeaksFirst(SniCheck mode) throws Exception {
        byte[] banner = "220 peer.test ESMTP ready\r\n".getBytes(StandardCharsets.US_ASCII);
        Recorder upstream = closer.add(new Recorder(banner));
        FyntrProxy proxy = start(Fixtures.proxyTo(upstream.port()).sniCheck(mode));
        try (ProxyClient c = new ProxyClient(proxy)) {
            assertEquals(200, c.connect("peer.test:" + upstream.port()).status());
            assertArrayEquals(banner, c.socket.getInputStream().readNBytes(banner.length));
            byte[] quit = "QUIT\r\n".getBytes(StandardCharsets.US_ASCII);
            c.send(quit);
            c.socket.shutdownOutput();
            assertArrayEquals(quit, upstream.next().bytes());
        }
        awaitStats(proxy, 0, 0);
    }

    @Test
    void shouldApplyTheThreatFeedsToTheClientHellosName() throws Exception {
        Recorder upstream = recorder();
        Path feed = Files.writeString(dir.resolve("feed.txt"), "evil.test\n");
        FyntrProxy proxy = start(Fixtures.proxyTo(upstream.port()).threatFeedFiles(feed)
                .threatAction(ThreatAction.BLOCK));
        byte[] hello = ClientHellos.jdk("api.evil.test");
        String log = captureStderrUntil("threat_match=true", () -> {
            try (ProxyClient c = new ProxyClient(proxy)) {
                assertEquals(200, c.connect("peer.test:" + upstream.port()).status());
                c.send(hello);
                assertClosedWithoutData(c.socket);
            }
        });
        assertTrue(log.contains("threat_match=true action=block match_type=domain source=sni host=peer.test "
                + "sni=api.evil.test matched=evil.test feed=feed.txt client=127.0.0.1:"), log);
        assertTrue(upstream.next().bytes().length < hello.length, "the upstream never gets the whole hello");
        awaitStats(proxy, 1, 1);
        assertTrue(proxy.stats().bytesUpstream() < hello.length, "never the whole hello");
    }

    @Test
    void shouldTrustNamesUnderAnAllowedDomain() throws Exception {
        Recorder upstream = recorder();
        FyntrProxy proxy = start(Fixtures.proxyTo(upstream.port()).allowDomains("corp.test")
                .sniCheck(SniCheck.ENFORCE));
        byte[] hello = ClientHellos.jdk("api.corp.test");
        try (ProxyClient c = new ProxyClient(proxy)) {
            assertEquals(200, c.connect("127.0.0.1:" + upstream.port()).status());
            c.send(hello);
            c.socket.shutdownOutput();
            assertArrayEquals(hello, upstream.next().bytes());
        }
        awaitStats(proxy, 0, 0);
    }

    @Test
    void shouldCarryARealTlsHandshakeWithTheRightNameWhenEnforcing() throws Exception {
        HelloTlsServer https = closer.add(HelloTlsServer.start(dir));
        FyntrProxy proxy = start(Fixtures.proxyTo(https.port()).sniCheck(SniCheck.ENFORCE));
        HttpClient client = HttpClient.newBuilder()
                .proxy(ProxySelector.of(new InetSocketAddress(TestServers.LOOPBACK, proxy.port())))
                .sslContext(https.context)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create("https://" + HelloTlsServer.HOST + ":" + https.port() + "/"))
                        .timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals(HelloTlsServer.BODY, response.body());
        awaitStats(proxy, 0, 0);
    }

    @Test
    void shouldRefuseARealTlsClientNamingAnotherHostWhenEnforcing() throws Exception {
        Recorder upstream = recorder();
        FyntrProxy proxy = start(Fixtures.proxyTo(upstream.port()).sniCheck(SniCheck.ENFORCE));
        try (ProxyClient c = new ProxyClient(proxy)) {
            assertEquals(200, c.connect("peer.test:" + upstream.port()).status());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, null, null);
            SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(c.socket, "peer.test",
                    upstream.port(), false);
            SSLParameters parameters = tls.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName("other.test")));
            tls.setSSLParameters(parameters);
            assertThrows(IOException.class, tls::startHandshake);
        }
        assertEquals(0, upstream.next().bytes().length);
        awaitStats(proxy, 1, 1);
        assertNothingWrittenUpstream(proxy);
    }

    private static byte[] connectHead(String target) {
        return ("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    @FunctionalInterface
    interface IoRunnable {
        void run() throws Exception;
    }

    /**
     * Runs {@code body} with System.err captured (slf4j-simple writes there, WARN and above in tests), waits until
     * the capture holds {@code expected} (log lines are written by a thread of their own), and returns it.
     */
    private static String captureStderrUntil(String expected, IoRunnable body) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            body.run();
            Fixtures.await("a log line with " + expected, WAIT,
                    () -> bytes.toString(StandardCharsets.UTF_8).contains(expected));
        } finally {
            System.setErr(original);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
