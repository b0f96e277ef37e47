package dev.fyntr.transport.nio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.BindException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The SOCKS5 listener (docs/threats-and-socks5.md#socks5-listener) through raw sockets, one test per reply code, and through the JDK's own client. */
class Socks5Test {

    private static final HexFormat HEX = HexFormat.of();

    @RegisterExtension
    final Closer closer = new Closer();

    @TempDir
    Path dir;

    private FyntrProxy socksProxy(FyntrProxyBuilder b) throws IOException {
        return closer.add(b.socks5Port(0).start());
    }

    private SocksClient client(FyntrProxy proxy) throws IOException {
        return closer.add(new SocksClient(proxy));
    }

    /** Tells each client the port it connected from (the proxy's upstream local port), then echoes. */
    private TestServers.Server portEcho() throws IOException {
        return closer.add(new TestServers.Server(s -> {
            OutputStream out = BoundedWrites.outputOf(s);
            out.write((s.getPort() + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[16384];
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
            }
            s.shutdownOutput();
        }));
    }

    private static String readLine(Socket s) throws IOException {
        StringBuilder sb = new StringBuilder();
        InputStream in = s.getInputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("EOF after " + sb);
            }
            sb.append((char) b);
        }
        return sb.toString();
    }

    // ---- 0x00 success ------------------------------------------------------------------------------------

    @Test
    void shouldTunnelADomainNameAndReplyWithTheUpstreamLocalAddress() throws Exception {
        TestServers.Server server = portEcho();
        FyntrProxy proxy = socksProxy(Fixtures.proxyTo(server.port()));
        SocksClient c = client(proxy);
        SocksClient.Reply reply = c.connect("echo.test", server.port());
        assertEquals(0, reply.code());
        assertEquals(TestServers.LOOPBACK, reply.bound().getAddress());
        assertEquals(String.valueOf(reply.bound().getPort()), readLine(c.socket),
                "BND.PORT is the port the upstream server sees");
        c.send("ping".getBytes(StandardCharsets.US_ASCII));
        assertEquals("ping", new String(c.read(4), StandardCharsets.US_ASCII));
        Fixtures.await("tunnel counted", Duration.ofSeconds(10), () -> proxy.stats().tunnelsOpened() == 1);
    }

    @Test
    void shouldTunnelAnIpv4Address() throws Exception {
        TestServers.Server server = portEcho();
        FyntrProxy proxy = socksProxy(Fixtures.proxyTo(server.port()));
        SocksClient c = client(proxy).greet();
        c.send(SocksClient.addressRequest(TestServers.LOOPBACK, server.port()));
        assertEquals(0, c.readReply().code());
        readLine(c.socket);
    }

    @Test
    void shouldTunnelAnIpv6Address() throws Exception {
        InetAddress v6 = InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(v6, 0));
        } catch (IOException e) {
            assumeTrue(false, "no IPv6 loopback here: " + e);
        }
        TestServers.Server server = closer.add(new TestServers.Server(s -> {
            BoundedWrites.outputOf(s).write("v6\n".getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
        }, bound6(v6), 16));
        FyntrProxy proxy = socksProxy(Fixtures.proxyTo(server.port()).allowCidrs("::1/128"));
        SocksClient c = client(proxy).greet();
        c.send(SocksClient.addressRequest(v6, server.port()));
        SocksClient.Reply reply = c.readReply();
        assertEquals(0, reply.code());
        assertTrue(reply.bound().getAddress() instanceof Inet6Address, "BND.ADDR is the IPv6 local address");
        assertEquals("v6", readLine(c.socket));
    }

    /** A server socket that binds to [::1] whatever address TestServers asks for. */
    private static ServerSocket bound6(InetAddress v6) throws IOException {
        return new ServerSocket() {
            @Override
            public void bind(java.net.SocketAddress endpoint, int backlog) throws IOException {
                super.bind(new InetSocketAddress(v6, 0), backlog);
            }
        };
    }

    @Test
    void shouldForwardBytesSentTogetherWithTheRequest() throws Exception {
        TestServers.Server server = portEcho();
        FyntrProxy proxy = socksProxy(Fixtures.proxyTo(server.port()));
        SocksClient c = client(proxy);
        byte[] payload = new byte[3000];
        new Random(7).nextBytes(payload);
        byte[] request = SocksClient.domainRequest("echo.test", server.port());
        byte[] all = new byte[3 + request.length + payload.length];
        all[0] = 5;
        all[1] = 1;
        System.arraycopy(request, 0, all, 3, request.length);
        System.arraycopy(payload, 0, all, 3 + request.length, payload.length);
        c.send(all); // greeting, request and payload in one write: nothing may be lost
        assertEquals("0500", HEX.formatHex(c.read(2)));
        assertEquals(0, c.readReply().code());
        readLine(c.socket);
        assertArrayEquals(payload, c.read(payload.length));
    }

    @Test
    void shouldHalfCloseLikeHttpTunnels() throws Exception {
        List<String> results = new java.util.concurrent.CopyOnWriteArrayList<>();
        TestServers.Server sink = closer.add(TestServers.sink(results::add));
        FyntrProxy proxy = socksProxy(Fixtures.proxyTo(sink.port()));
        SocksClient c = client(proxy);
        assertEquals(0, c.connect("sink.test", sink.port()).code());
        byte[] data = new byte[200_000];
        new Random(3).nextBytes(data);
        c.send(data);
        c.socket.shutdownOutput(); // client EOF: the proxy delivers everything, then shuts upstream output
        String hash = new String(c.in.readAllBytes(), StandardCharsets.US_ASCII).strip();
        assertEquals(HEX.formatHex(TestServers.sha256().digest(data)), hash);
        assertEquals(List.of(data.length + ":" + hash), results);
        Fixtures.await("tunnel closed", Duration.ofSeconds(10), () -> proxy.stats().openTunnels() == 0);
    }

    @Test
    void shouldCloseIdleTunnels() throws Exception {
        TestServers.Server server = portEcho();
        FyntrProxy proxy = socksProxy(Fixtures.proxyTo(server.port()).idleTimeout(Duration.ofMillis(300)));
        SocksClient c = client(proxy);
        assertEquals(0, c.connect("echo.test", server.port()).code());
        readLine(c.socket);
        assertTrue(c.closedByProxy(), "closed after the idle timeout");
        Fixtures.await("tunnel closed", Duration.ofSeconds(10), () -> proxy.stats().openTunnels() == 0);
    }

    // ---- failures, one reply code each ------------------------------------------------------------------

    @Test
    void shouldAnswerGeneralFailureAtCapacityWithoutReadingTheRequest() throws Exception {
        FyntrProxy proxy = socksProxy(Fixtures.proxyTo(443).maxConnections(1));
        SocksClient first = client(proxy); // holds the only slot, still in its handshake
        Fixtures.await("first connection in its handshake", Duration.ofSeconds(10),
                () -> proxy.stats().openHandshakes() == 1);
        SocksClient second = client(proxy);
        // Method selection then the failure, already sent: the client reads them in order.
        assertEquals("0500", HEX.formatHex(second.read(2)));
        second.send(SocksClient.domainRequest("x.test", 443));
        assertEquals(0x01, second.readReply().code());
        assertTrue(second.closedByProxy());
        assertEquals(1, proxy.stats().rejections(503));
        first.close();
    }

    @Test
    void shouldAnswerNotAllowedForAPortOutsideThePolicy() throws Exception {
        FyntrProxy proxy = socksProxy(Fixtures.proxyTo(443));
        SocksClient c = client(proxy);
        assertEquals(0x02, c.connect("echo.test", 22).code());
        assertTrue(c.closedByProxy());
        assertEquals(1, proxy.stats().rejections(403));
    }

    @Test
    void shouldAnswerNotAllowedForADeniedAddress() throws Exception {
        FyntrProxy proxy = socksProxy(FyntrProxy.builder().port(0).resolver(Fixtures.TEST_RESOLVER)
                .shutdownGrace(Duration.ZERO));
        SocksClient c = client(proxy).greet();
        c.send(SocksClient.addressRequest(InetAddress.getByAddress(new byte[] {10, 1, 2, 3}), 443));
        assertEquals(0x02, c.readReply().code());
        SocksClient d = client(proxy);
        assertEquals(0x02, d.connect("loopback.test", 443).code(), "a name resolving into 127.0.0.0/8");
    }

    @Test
    void shouldAnswerNotAllowedForAThreatFeedMatchWhenBlocking() throws Exception {
        TestServers.Server server = portEcho();
        Path feed = Files.writeString(dir.resolve("feed.txt"), "||evil.test^\n");
        FyntrProxy proxy = socksProxy(Fixtures.proxyTo(server.port()).threatFeedFiles(feed)
                .threatAction(ThreatAction.BLOCK));
        SocksClient c = client(proxy);
        assertEquals(0x02, c.connect("api.evil.test", server.port()).code());
        SocksClient ok = client(proxy);
        assertEquals(0x00, ok.connect("good.test", server.port()).code());
    }

    @Test
    void shouldAnswerHostUnreachableWhenTheNameDoesNotResolve() throws Exception {
        FyntrProxy proxy = socksProxy(Fixtures.proxyTo(443));
        SocksClient c = client(proxy);
        assertEquals(0x04, c.connect("nowhere.invalid", 443).code());
        assertEquals(1, proxy.stats().rejections(502));
    }

    @Test
    void shouldAnswerConnectionRefused() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, TestServers.LOOPBACK)) {
            closedPort = s.getLocalPort();
        }
        FyntrProxy proxy = socksProxy(Fixtures.proxyTo(closedPort));
        SocksClient c = client(proxy);
        assertEquals(0x05, c.connect("closed.test", closedPort).code());
    }

    @ParameterizedTest(name = "command {0}")
    @ValueSource(ints = {2, 3, 0x7f})
    void shouldAnswerCommandNotSupportedForAnythingButConnect(int command) throws Exception {
        FyntrProxy proxy = socksProxy(Fixtures.proxyTo(443));
        SocksClient c = client(proxy).greet();
        c.send(SocksClient.request(command, 1, new byte[] {127, 0, 0, 1}, 443));
        assertEquals(0x07, c.readReply().code());
        assertTrue(c.closedByProxy());
    }

    @Test
    void shouldAnswerAddressTypeNotSupportedForAnUnknownType() throws Exception {
        FyntrProxy proxy = socksProxy(Fixtures.proxyTo(443));
        SocksClient c = client(proxy).greet();
        c.send(new byte[] {5, 1, 0, 5, 1, 2, 3, 4, 1, (byte) 187});
        assertEquals(0x08, c.readReply().code());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"127.1", "0x7f000001", "2130706433", "0177.0.0.1",
        "\uff11\uff12\uff17.\uff10.\uff10.\uff11"})
    void shouldAnswerAddressTypeNotSupportedForNumericLookingNames(String name) throws Exception {
        List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        FyntrProxy proxy = socksProxy(Fixtures.proxyTo(443).resolver(host -> {
            asked.add(host);
            return Fixtures.TEST_RESOLVER.resolve(host);
        }));
        SocksClient c = client(proxy);
        assertEquals(0x08, c.connect(name, 443).code());
        assertEquals(List.of(), asked, "never handed to the resolver");
    }

    @Test
    void shouldRefuseAGreetingWithoutNoAuthentication() throws Exception {
        FyntrProxy proxy = socksProxy(Fixtures.proxyTo(443));
        SocksClient c = client(proxy);
        c.send(new byte[] {5, 2, 1, 2}); // GSSAPI and username/password only
        assertEquals("05ff", HEX.formatHex(c.read(2)));
        assertTrue(c.closedByProxy());
        assertEquals(1, proxy.stats().rejections(400));
    }

    @Test
    void shouldAnswerGeneralFailureWhenTheRequestDoesNotArriveInTime() throws Exception {
        FyntrProxy proxy = socksProxy(Fixtures.proxyTo(443).handshakeTimeout(Duration.ofMillis(300)));
        SocksClient c = client(proxy).greet();
        c.send(new byte[] {5, 1}); // half a request, then silence
        assertEquals(0x01, c.readReply().code());
        assertTrue(c.closedByProxy());
        assertEquals(1, proxy.stats().rejections(408));
    }

    @Test
    void shouldCloseWithoutReplyWhenHttpArrivesOnTheSocksPort() throws Exception {
        FyntrProxy proxy = socksProxy(Fixtures.proxyTo(443));
        SocksClient c = client(proxy);
        c.send("CONNECT x.test:443 HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(-1, c.in.read());
    }

    // ---- the JDK's own SOCKS client ------------------------------------------------------------------------

    @Test
    void shouldServeTheJdkSocksClientWithAnUnresolvedName() throws Exception {
        TestServers.Server server = portEcho();
        FyntrProxy proxy = socksProxy(Fixtures.proxyTo(server.port()));
        Proxy socks = new Proxy(Proxy.Type.SOCKS, proxy.socks5Address().orElseThrow());
        try (Socket s = new Socket(socks)) {
            s.setSoTimeout(20_000);
            // Unresolved: the JDK sends the name (ATYP 3) instead of resolving it locally.
            s.connect(InetSocketAddress.createUnresolved("echo.test", server.port()), 10_000);
            readLine(s);
            BoundedWrites.outputOf(s).write("jdk".getBytes(StandardCharsets.US_ASCII));
            assertEquals("jdk", new String(s.getInputStream().readNBytes(3), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void shouldServeTheJdkSocksClientWithAnAddressAndReportRefusals() throws Exception {
        TestServers.Server server = portEcho();
        FyntrProxy proxy = socksProxy(Fixtures.proxyTo(server.port()));
        Proxy socks = new Proxy(Proxy.Type.SOCKS, proxy.socks5Address().orElseThrow());
        try (Socket s = new Socket(socks)) {
            s.setSoTimeout(20_000);
            s.connect(new InetSocketAddress(TestServers.LOOPBACK, server.port()), 10_000);
            try (BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(),
                    StandardCharsets.US_ASCII))) {
                assertTrue(Integer.parseInt(r.readLine()) > 0);
            }
        }
        try (Socket s = new Socket(socks)) {
            IOException e = assertThrows(IOException.class,
                    () -> s.connect(InetSocketAddress.createUnresolved("echo.test", 22), 10_000));
            assertTrue(String.valueOf(e.getMessage()).contains("not allowed"), e.toString());
        }
    }

    // ---- configuration ---------------------------------------------------------------------------------

    @Test
    void shouldBeOffByDefaultAndListenOnTheBindAddressWhenOn() throws Exception {
        FyntrProxy plain = closer.add(Fixtures.proxyTo(443).start());
        assertTrue(plain.socks5Address().isEmpty());
        FyntrProxy socks = socksProxy(Fixtures.proxyTo(443));
        InetSocketAddress a = socks.socks5Address().orElseThrow();
        assertEquals(InetAddress.getLoopbackAddress(), a.getAddress());
        assertTrue(a.getPort() > 0 && a.getPort() != socks.port());
    }

    @Test
    void shouldRefuseASocksBindWithoutAPort() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Fixtures.proxyTo(443).socks5Bind(InetAddress.getLoopbackAddress()).start());
        assertTrue(e.getMessage().contains("--socks5-port"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FyntrProxy.builder().socks5Port(65536));
    }

    @Test
    void shouldFailToStartWhenTheSocksPortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, TestServers.LOOPBACK)) {
            BindException e = assertThrows(BindException.class,
                    () -> closer.add(Fixtures.proxyTo(443).socks5Port(taken.getLocalPort()).start()));
            assertTrue(e.getMessage().contains("SOCKS5") && e.getMessage().contains(
                    String.valueOf(taken.getLocalPort())), e.getMessage());
        }
    }

    @Test
    void shouldStopListeningOnClose() throws Exception {
        FyntrProxy proxy = Fixtures.proxyTo(443).socks5Port(0).start();
        InetSocketAddress a = proxy.socks5Address().orElseThrow();
        proxy.close();
        try (Socket s = new Socket()) {
            assertThrows(ConnectException.class, () -> s.connect(a, 5_000));
        }
    }
}
