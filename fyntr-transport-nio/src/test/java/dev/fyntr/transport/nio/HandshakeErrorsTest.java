package dev.fyntr.transport.nio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every status code of docs/policy-and-errors.md#error-responses through raw sockets, and the exact shape of an error response. */
class HandshakeErrorsTest {

    @RegisterExtension
    final Closer closer = new Closer();

    private FyntrProxy proxy(FyntrProxyBuilder b) throws IOException {
        return closer.add(b.start());
    }

    private static void assertErrorShape(ProxyClient.Response r, int status, String proxyStatusError) {
        assertEquals(status, r.status(), r.head() + r.body());
        assertTrue(r.statusLine().startsWith("HTTP/1.1 " + status + " "), r.statusLine());
        assertEquals("close", r.header("Connection"));
        assertNotNull(r.header("Content-Length"));
        assertEquals(r.body().getBytes(StandardCharsets.UTF_8).length, Integer.parseInt(r.header("Content-Length")));
        assertTrue(r.body().endsWith("\n") && r.body().indexOf('\n') == r.body().length() - 1,
                "one-line body: " + r.body());
        String ps = r.header("Proxy-Status");
        assertNotNull(ps, "Proxy-Status header");
        assertTrue(ps.startsWith("fyntr; error=" + proxyStatusError), ps);
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
        "CONNECT 127.0.0.1:443|400",                         // no version
        "CONNECT  127.0.0.1:443 HTTP/1.1|400",               // double space
        "CONNECT 127.0.0.1 HTTP/1.1|400",                    // no port
        "CONNECT 127.0.0.1:0 HTTP/1.1|400",                  // port 0
        "CONNECT 127.0.0.1:65536 HTTP/1.1|400",              // port too big
        "CONNECT http://example.test:443 HTTP/1.1|400",      // not authority form
        "CONNECT ::1:443 HTTP/1.1|400",                      // unbracketed IPv6
        "CONNECT user@example.test:443 HTTP/1.1|400",        // userinfo
        "CONNECT 127.1:443 HTTP/1.1|400",                    // numeric-looking name
        "GET / HTTP/1.1|400",                                // origin form: a proxy needs the absolute URI
        "GET https://example.test/ HTTP/1.1|501",            // the proxy never originates TLS
        "GET http://u@example.test/ HTTP/1.1|400",           // userinfo
        "GET http://example.test/#f HTTP/1.1|400",           // fragment
        "CONNECT example.test:443 HTTP/2|505",
        "CONNECT example.test:443 HTTP/2.0|505",
    })
    void shouldAnswerMalformedRequestsWithThePreciseStatus(String requestLine, int status) throws Exception {
        FyntrProxy proxy = proxy(Fixtures.proxyTo());
        try (ProxyClient c = new ProxyClient(proxy)) {
            ProxyClient.Response r = c.send(requestLine + "\r\nHost: x\r\n\r\n").readResponse();
            assertErrorShape(r, status, status == 405 ? "http_request_denied" : "http_request_error");
            if (status == 405) {
                assertEquals("CONNECT", r.header("Allow"));
            }
            assertEquals(-1, c.socket.getInputStream().read(), "connection closed after the error");
        }
        assertEquals(1, proxy.stats().rejections(status));
    }

    @Test
    void shouldAnswer405ToAPlainRequestWhenPlainHttpIsOff() throws Exception {
        FyntrProxy proxy = proxy(Fixtures.proxyTo().plainHttp(false));
        try (ProxyClient c = new ProxyClient(proxy)) {
            ProxyClient.Response r = c.send("GET http://example.test/ HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
            assertErrorShape(r, 405, "http_request_denied");
            assertEquals("CONNECT", r.header("Allow"));
        }
        assertEquals(1, proxy.stats().rejections(405));
    }

    @Test
    void shouldAnswer414ForAnOverlongRequestLine() throws Exception {
        FyntrProxy proxy = proxy(Fixtures.proxyTo());
        try (ProxyClient c = new ProxyClient(proxy)) {
            // No end of line yet: the proxy must not wait for it.
            ProxyClient.Response r = c.send("CONNECT " + "a".repeat(9000)).readResponse();
            assertErrorShape(r, 414, "http_request_error");
        }
    }

    @Test
    void shouldAnswer431ForTooManyOrTooLongHeaders() throws Exception {
        FyntrProxy proxy = proxy(Fixtures.proxyTo());
        try (ProxyClient c = new ProxyClient(proxy)) {
            c.send("CONNECT a.test:443 HTTP/1.1\r\nX-Long: " + "v".repeat(9000) + "\r\n\r\n");
            assertErrorShape(c.readResponse(), 431, "http_request_error");
        }
        try (ProxyClient c = new ProxyClient(proxy)) {
            c.send("CONNECT a.test:443 HTTP/1.1\r\n" + "X-H: v\r\n".repeat(101) + "\r\n");
            assertErrorShape(c.readResponse(), 431, "http_request_error");
        }
        try (ProxyClient c = new ProxyClient(proxy)) {
            c.send("CONNECT a.test:443 HTTP/1.1\r\n" + ("X-H: " + "v".repeat(8000) + "\r\n").repeat(5) + "\r\n");
            assertErrorShape(c.readResponse(), 431, "http_request_error");
        }
        assertEquals(3, proxy.stats().rejections(431));
    }

    @Test
    void shouldAnswer408WhenTheHeadDoesNotArriveInTime() throws Exception {
        FyntrProxy proxy = proxy(Fixtures.proxyTo().handshakeTimeout(Duration.ofMillis(300)));
        try (ProxyClient c = new ProxyClient(proxy)) {
            c.send("CONNECT a.test:443 HTTP/1.1\r\n"); // and then nothing
            assertErrorShape(c.readResponse(), 408, "http_request_error");
        }
    }

    @Test
    void shouldAnswer403ForAPortThatIsNotAllowedNamingTheAllowedOnes() throws Exception {
        FyntrProxy proxy = proxy(Fixtures.proxyTo());
        try (ProxyClient c = new ProxyClient(proxy)) {
            ProxyClient.Response r = c.connect("example.test:22");
            assertEquals(403, r.status());
            assertTrue(r.body().contains("22") && r.body().contains("443"), r.body());
        }
    }

    @Test
    void shouldAnswer403ForADeniedDestinationRange() throws Exception {
        try (TestServers.Server echo = TestServers.echo()) {
            // No allowCidrs: 127.0.0.0/8 is denied by default.
            FyntrProxy proxy = proxy(FyntrProxy.builder().port(0).allowPorts(echo.port())
                    .resolver(Fixtures.TEST_RESOLVER).shutdownGrace(Duration.ZERO));
            try (ProxyClient c = new ProxyClient(proxy)) {
                ProxyClient.Response r = c.connect("echo.test:" + echo.port());
                assertErrorShape(r, 403, "destination_ip_prohibited");
                assertTrue(r.body().contains("127.0.0.1"), r.body());
            }
            try (ProxyClient c = new ProxyClient(proxy)) {
                assertEquals(403, c.connect("127.0.0.1:" + echo.port()).status());
            }
            try (ProxyClient c = new ProxyClient(proxy)) {
                assertEquals(403, c.connect("[::ffff:127.0.0.1]:" + echo.port()).status(), "IPv4-mapped IPv6");
            }
        }
    }

    @Test
    void shouldAnswer502WhenTheNameDoesNotResolve() throws Exception {
        FyntrProxy proxy = proxy(Fixtures.proxyTo(443));
        try (ProxyClient c = new ProxyClient(proxy)) {
            ProxyClient.Response r = c.connect("nowhere.invalid:443");
            assertErrorShape(r, 502, "dns_error");
        }
    }

    @Test
    void shouldAnswer502WhenTheResolverHangs() throws Exception {
        CountDownLatch answer = new CountDownLatch(1);
        FyntrProxy proxy = proxy(Fixtures.proxyTo(443).resolveTimeout(Duration.ofMillis(200)).resolver(host -> {
            try {
                answer.await(20, TimeUnit.SECONDS); // hangs until the test has its 502
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return List.of(TestServers.LOOPBACK);
        }));
        try (ProxyClient c = new ProxyClient(proxy)) {
            assertErrorShape(c.connect("slow.test:443"), 502, "dns_timeout");
        } finally {
            answer.countDown(); // the late answer must be ignored, not crash the loop
        }
        assertEquals(0, proxy.stats().openHandshakes());
    }

    @Test
    void shouldAnswer502WhenTheUpstreamRefuses() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, TestServers.LOOPBACK)) {
            port = s.getLocalPort(); // closed again: connecting to it is refused
        }
        FyntrProxy proxy = proxy(Fixtures.proxyTo(port));
        try (ProxyClient c = new ProxyClient(proxy)) {
            assertErrorShape(c.connect("127.0.0.1:" + port), 502, "connection_refused");
        }
    }

    @Test
    void shouldAnswer502WhenEveryOneOfManyAddressesRefusesAtOnce() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, TestServers.LOOPBACK)) {
            port = s.getLocalPort(); // closed again: connecting to it is refused, on loopback within connect()
        }
        // A resolver may answer with thousands of distinct addresses, and on loopback each refusal comes back within
        // connect(): the dialler goes through such refusals in a loop rather than nesting one attempt in the last
        // (DialerTest), and the policy uses at most DestinationPolicy.MAX_ADDRESSES of them.
        List<InetAddress> many = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            many.add(InetAddress.getByAddress(new byte[] {127, 0, (byte) (1 + i / 250), (byte) (1 + i % 250)}));
        }
        FyntrProxy proxy = proxy(Fixtures.proxyTo(port).allowCidrs("127.0.0.0/8").resolver(host -> many));
        try (ProxyClient c = new ProxyClient(proxy)) {
            assertErrorShape(c.connect("many.test:" + port), 502, "connection_refused");
        }
        try (ProxyClient c = new ProxyClient(proxy)) { // the loop is still serving
            assertErrorShape(c.connect("127.0.0.1:" + port), 502, "connection_refused");
        }
        assertEquals(0, proxy.stats().internalErrors());
    }

    @Test
    void shouldAnswer504WhenEveryConnectAttemptTimesOut() throws Exception {
        // A listener that never accepts, with its backlog filled, drops further SYNs: a real connect timeout.
        try (ServerSocket full = new ServerSocket(0, 1, TestServers.LOOPBACK)) {
            List<Socket> fillers = TestServers.fillBacklog(full);
            try {
                FyntrProxy proxy = proxy(Fixtures.proxyTo(full.getLocalPort()).connectTimeout(Duration.ofMillis(300)));
                try (ProxyClient c = new ProxyClient(proxy)) {
                    assertErrorShape(c.connect("127.0.0.1:" + full.getLocalPort()), 504, "connection_timeout");
                }
            } finally {
                for (Socket s : fillers) {
                    s.close();
                }
            }
        }
    }

    @Test
    void shouldAnswer503AtAcceptWhenAtTheConnectionLimit() throws Exception {
        FyntrProxy proxy = proxy(Fixtures.proxyTo().maxConnections(1));
        try (ProxyClient first = new ProxyClient(proxy)) {
            first.send("CONNECT a.test:443 HTTP/1.1\r\n"); // holds the only slot, mid-handshake
            Fixtures.await("first handshake counted", Duration.ofSeconds(10),
                    () -> proxy.stats().openHandshakes() == 1);
            try (ProxyClient second = new ProxyClient(proxy)) {
                ProxyClient.Response r = second.readResponse(); // answered without sending anything
                assertErrorShape(r, 503, "connection_limit_reached");
                assertNotNull(r.header("Retry-After"));
            }
        }
        assertEquals(1, proxy.stats().rejections(503));
    }
}
