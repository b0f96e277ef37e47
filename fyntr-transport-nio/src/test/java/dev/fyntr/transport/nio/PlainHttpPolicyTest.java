package dev.fyntr.transport.nio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Plain-HTTP requests get CONNECT's policy and CONNECT's error answers (docs/plain-http.md): ports, denied
 * ranges, smuggling, what is not forwarded, and upstream failures mapped to 502/504 with Proxy-Status.
 */
class PlainHttpPolicyTest {

    @RegisterExtension
    final Closer closer = new Closer();

    private static HttpReplies.Reply ask(FyntrProxy proxy, String request) throws Exception {
        try (ProxyClient c = new ProxyClient(proxy)) {
            c.send(request);
            HttpReplies.Reply r = HttpReplies.read(c.socket.getInputStream());
            return r;
        }
    }

    private static void assertRefused(int status, String error, HttpReplies.Reply r) {
        assertEquals(status, r.status(), r.statusLine() + " " + r.text());
        String ps = r.header("proxy-status");
        assertTrue(ps != null && ps.startsWith("fyntr; error=" + error), String.valueOf(ps));
        assertEquals("close", r.header("connection"));
    }

    @Test
    void shouldDenyLoopbackByDefault() throws Exception {
        Origin origin = closer.add(Origin.echoing());
        FyntrProxy proxy = closer.add(FyntrProxy.builder().port(0).allowPorts(origin.port())
                .resolver(Fixtures.TEST_RESOLVER).shutdownGrace(Duration.ZERO).start());
        HttpReplies.Reply r = ask(proxy, "GET http://127.0.0.1:" + origin.port() + "/ HTTP/1.1\r\nHost: x\r\n\r\n");
        assertRefused(403, "destination_ip_prohibited", r);
        assertTrue(r.text().contains("--allow-cidr"), r.text());
        assertEquals(0, origin.connections());
    }

    @Test
    void shouldDenyAPortThatIsNeitherEightyNorAllowed() throws Exception {
        FyntrProxy proxy = closer.add(Fixtures.proxyTo().start());
        HttpReplies.Reply r = ask(proxy, "GET http://127.0.0.1:8081/ HTTP/1.1\r\nHost: x\r\n\r\n");
        assertRefused(403, "http_request_denied", r);
        assertTrue(r.text().contains("port 8081 is not allowed; allowed ports: 80"), r.text());
    }

    @Test
    void shouldNotTakeConnectsImplicitPortFourFourThreeForPlainHttp() throws Exception {
        FyntrProxy proxy = closer.add(Fixtures.proxyTo().start());
        assertRefused(403, "http_request_denied", ask(proxy, "GET http://example.test:443/ HTTP/1.1\r\n\r\n"));
    }

    @Test
    void shouldAllowPortEightyWithoutListingIt() throws Exception {
        // Port 80 on loopback needs root to listen on; that it passes the port check shows as the dial's answer.
        FyntrProxy proxy = closer.add(Fixtures.proxyTo().start());
        HttpReplies.Reply r = ask(proxy, "GET http://127.0.0.1/ HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(r.status() != 403, r.statusLine() + " " + r.text());
    }

    @Test
    void shouldAnswer502WithProxyStatusWhenTheOriginRefuses() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, TestServers.LOOPBACK)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(port).start());
        assertRefused(502, "connection_refused", ask(proxy, "GET http://127.0.0.1:" + port + "/ HTTP/1.1\r\n\r\n"));
        assertEquals(1, proxy.stats().rejections(502));
    }

    @Test
    void shouldAnswer502ForAMalformedResponse() throws Exception {
        Origin origin = closer.add(new Origin(r -> Origin.Reply.of("HTTP/1.1 200 OK\r\nBad Header\r\n\r\n")));
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(origin.port()).start());
        assertRefused(502, "http_response_incomplete",
                ask(proxy, "GET http://127.0.0.1:" + origin.port() + "/ HTTP/1.1\r\n\r\n"));
    }

    @Test
    void shouldAnswer502WhenTheOriginClosesWithoutAnswering() throws Exception {
        Origin origin = closer.add(new Origin(r -> new Origin.Reply(new byte[0], true)));
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(origin.port()).start());
        HttpReplies.Reply r = ask(proxy, "GET http://127.0.0.1:" + origin.port() + "/ HTTP/1.1\r\n\r\n");
        assertRefused(502, "http_response_incomplete", r);
        assertTrue(r.text().contains("before a complete response head"), r.text());
    }

    @Test
    void shouldAnswer504WhenTheOriginSendsNothingWithinTheIdleTimeout() throws Exception {
        Origin origin = closer.add(new Origin(r -> {
            try {
                Thread.sleep(30_000); // never answers within the test's idle timeout
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Origin.Reply.ok("late");
        }));
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(origin.port()).idleTimeout(Duration.ofSeconds(1)).start());
        assertRefused(504, "connection_read_timeout",
                ask(proxy, "GET http://127.0.0.1:" + origin.port() + "/ HTTP/1.1\r\n\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "POST http://127.0.0.1:PORT/ HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "POST http://127.0.0.1:PORT/ HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 40\r\n\r\nhello",
        "GET http://127.0.0.1:PORT/ HTTP/1.1\r\nX-A: 1\r\n  folded\r\n\r\n",
        "POST http://127.0.0.1:PORT/ HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    })
    void shouldRefuseSmugglingWithoutReachingTheOrigin(String request) throws Exception {
        Origin origin = closer.add(Origin.echoing());
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(origin.port()).start());
        assertRefused(400, "http_request_error", ask(proxy, request.replace("PORT",
                Integer.toString(origin.port()))));
        assertEquals(0, origin.connections());
    }

    @Test
    void shouldRefuseAMalformedChunkedBodyWithAResetAfterForwardingNothingAmbiguous() throws Exception {
        Origin origin = closer.add(Origin.echoing());
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(origin.port()).start());
        try (ProxyClient c = new ProxyClient(proxy)) {
            c.send("POST http://127.0.0.1:" + origin.port() + "/ HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhelloEXTRA\r\n0\r\n\r\n");
            InputStream in = c.socket.getInputStream();
            try {
                assertEquals(-1, in.read(), "no response: the connection is reset");
            } catch (java.net.SocketException reset) {
                // a reset is what the proxy sends
            }
        }
        Fixtures.await("closed", Duration.ofSeconds(10), () -> proxy.stats().openTunnels() == 0);
    }

    @Test
    void shouldRefuseWebSocketWith501AndSayWhy() throws Exception {
        Origin origin = closer.add(Origin.echoing());
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(origin.port()).start());
        HttpReplies.Reply r = ask(proxy, "GET http://127.0.0.1:" + origin.port() + "/ws HTTP/1.1\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n");
        assertRefused(501, "http_request_error", r);
        assertTrue(r.text().contains("wss://"), r.text());
        assertEquals(0, origin.connections());
    }

    @Test
    void shouldRefuseHttpsInAbsoluteFormWith501() throws Exception {
        FyntrProxy proxy = closer.add(Fixtures.proxyTo().start());
        HttpReplies.Reply r = ask(proxy, "GET https://example.test/ HTTP/1.1\r\n\r\n");
        assertRefused(501, "http_request_error", r);
        assertTrue(r.text().contains("use CONNECT"), r.text());
    }

    @Test
    void shouldCheckEveryRequestOnAKeptAliveConnection() throws Exception {
        Origin origin = closer.add(Origin.echoing());
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(origin.port()).start());
        try (ProxyClient c = new ProxyClient(proxy)) {
            InputStream in = c.socket.getInputStream();
            c.send("GET http://127.0.0.1:" + origin.port() + "/ok HTTP/1.1\r\n\r\n");
            assertEquals("GET /ok", HttpReplies.read(in).text());
            c.send("GET http://127.0.0.1:8082/no HTTP/1.1\r\n\r\n");
            assertRefused(403, "http_request_denied", HttpReplies.read(in));
            assertEquals(-1, in.read(), "an error ends the connection");
        }
    }

    @Test
    void shouldReachAnotherOriginOnTheSameConnection() throws Exception {
        Origin a = closer.add(new Origin(r -> Origin.Reply.ok("a")));
        Origin b = closer.add(new Origin(r -> Origin.Reply.ok("b")));
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(a.port(), b.port()).start());
        try (ProxyClient c = new ProxyClient(proxy)) {
            InputStream in = c.socket.getInputStream();
            c.send("GET http://127.0.0.1:" + a.port() + "/ HTTP/1.1\r\n\r\n");
            assertEquals("a", HttpReplies.read(in).text());
            c.send("GET http://echo.test:" + b.port() + "/ HTTP/1.1\r\n\r\n");
            assertEquals("b", HttpReplies.read(in).text());
            c.send("GET http://127.0.0.1:" + a.port() + "/ HTTP/1.1\r\n\r\n");
            assertEquals("a", HttpReplies.read(in).text());
        }
        assertEquals(1, a.connections(), "the first origin's connection was pooled and reused");
    }

    @Test
    void shouldAnswer408ToASlowHeadOnAKeptAliveConnection() throws Exception {
        Origin origin = closer.add(Origin.echoing());
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(origin.port()).handshakeTimeout(Duration.ofSeconds(1))
                .start());
        try (ProxyClient c = new ProxyClient(proxy)) {
            InputStream in = c.socket.getInputStream();
            c.send("GET http://127.0.0.1:" + origin.port() + "/ HTTP/1.1\r\n\r\n");
            assertEquals(200, HttpReplies.read(in).status());
            c.send("GET http://127.0.0.1:" + origin.port() + "/slow HTTP/1.1\r\nX-Slow: ");
            HttpReplies.Reply r = HttpReplies.read(in);
            assertRefused(408, "http_request_error", r);
        }
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
