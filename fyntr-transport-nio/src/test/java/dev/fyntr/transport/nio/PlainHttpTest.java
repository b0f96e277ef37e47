package dev.fyntr.transport.nio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Plain-HTTP forwarding end to end over raw sockets (docs/plain-http.md): framing, keep-alive, headers, bodies. */
class PlainHttpTest {

    @RegisterExtension
    final Closer closer = new Closer();

    private Origin origin;
    private FyntrProxy proxy;

    private void start(Origin o) throws Exception {
        origin = closer.add(o);
        proxy = closer.add(Fixtures.proxyTo(o.port()).start());
    }

    private String url(String path) {
        return "http://127.0.0.1:" + origin.port() + path;
    }

    @Test
    void shouldForwardAGetInOriginFormWithHostFromTheUri() throws Exception {
        start(Origin.echoing());
        try (ProxyClient c = new ProxyClient(proxy)) {
            c.send("GET " + url("/a/b?c=d") + " HTTP/1.1\r\nHost: wrong.example\r\nUser-Agent: t\r\n\r\n");
            HttpReplies.Reply r = HttpReplies.read(c.socket.getInputStream());
            assertEquals(200, r.status());
            assertEquals("GET /a/b?c=d", r.text());
            assertEquals("1.1 fyntr", r.header("via"));
            Origin.Request got = origin.take();
            assertEquals("GET /a/b?c=d HTTP/1.1", got.requestLine());
            assertEquals("127.0.0.1:" + origin.port(), got.header("host"));
            assertEquals("t", got.header("user-agent"));
            assertEquals("1.1 fyntr", got.header("via"));
        }
    }

    @Test
    void shouldAnswerThreeRequestsOnOneConnectionOverOneUpstreamConnection() throws Exception {
        start(Origin.echoing());
        try (ProxyClient c = new ProxyClient(proxy)) {
            InputStream in = c.socket.getInputStream();
            for (int i = 0; i < 3; i++) {
                c.send("GET " + url("/" + i) + " HTTP/1.1\r\nHost: x\r\n\r\n");
                HttpReplies.Reply r = HttpReplies.read(in);
                assertEquals("GET /" + i, r.text());
                assertFalse(r.hasHeader("connection"), r.headerLines().toString());
            }
        }
        assertEquals(1, origin.connections(), "the upstream connection is reused");
    }

    @Test
    void shouldAnswerPipelinedRequestsInOrder() throws Exception {
        start(Origin.echoing());
        try (ProxyClient c = new ProxyClient(proxy)) {
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < 3; i++) {
                all.append("GET ").append(url("/p" + i)).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
            }
            c.send(all.toString());
            InputStream in = c.socket.getInputStream();
            for (int i = 0; i < 3; i++) {
                assertEquals("GET /p" + i, HttpReplies.read(in).text());
            }
        }
    }

    @Test
    void shouldRemoveHopByHopHeadersBothWaysAndTheOnesConnectionNames() throws Exception {
        start(new Origin(r -> Origin.Reply.of("HTTP/1.1 200 OK\r\nConnection: X-Secret-Upstream\r\n"
                + "X-Secret-Upstream: 1\r\nKeep-Alive: timeout=5\r\nProxy-Authenticate: Basic\r\nUpgrade: h2c\r\n"
                + "X-Kept: yes\r\nContent-Length: 2\r\n\r\nok")));
        try (ProxyClient c = new ProxyClient(proxy)) {
            c.send("GET " + url("/") + " HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, X-Secret\r\nX-Secret: s\r\n"
                    + "Proxy-Connection: keep-alive\r\nKeep-Alive: 300\r\nTE: trailers\r\nProxy-Authorization: Basic "
                    + "dTpw\r\nUpgrade: h2c\r\nX-Other: o\r\n\r\n");
            HttpReplies.Reply r = HttpReplies.read(c.socket.getInputStream());
            assertEquals("ok", r.text());
            assertEquals("yes", r.header("x-kept"));
            for (String gone : new String[]{"x-secret-upstream", "keep-alive", "proxy-authenticate", "upgrade",
                    "connection"}) {
                assertNull(r.header(gone), gone + " must not reach the client: " + r.headerLines());
            }
            Origin.Request got = origin.take();
            assertEquals("o", got.header("x-other"));
            for (String gone : new String[]{"connection", "x-secret", "proxy-connection", "keep-alive", "te",
                    "proxy-authorization", "upgrade"}) {
                assertNull(got.header(gone), gone + " must not reach the origin: " + got.rawHead());
            }
        }
    }

    @Test
    void shouldForwardAOneMebibyteBodyWithContentLengthIntact() throws Exception {
        start(new Origin(r -> Origin.Reply.ok(Integer.toString(Arrays.hashCode(r.body())))));
        byte[] data = random(1 << 20, 1);
        try (ProxyClient c = new ProxyClient(proxy)) {
            c.send("POST " + url("/upload") + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + data.length + "\r\n\r\n");
            c.send(data);
            assertEquals(Integer.toString(Arrays.hashCode(data)), HttpReplies.read(c.socket.getInputStream()).text());
        }
        assertArrayEquals(data, origin.take().body());
        Fixtures.await("counted", Duration.ofSeconds(10), () -> proxy.stats().bytesUpstream() >= data.length);
    }

    @Test
    void shouldForwardAOneMebibyteChunkedBodyIntactFollowedByAnotherRequest() throws Exception {
        start(new Origin(r -> Origin.Reply.ok(Integer.toString(r.body().length))));
        byte[] data = random(1 << 20, 2);
        ByteArrayOutputStream chunked = new ByteArrayOutputStream();
        int[] sizes = {1, 100, 16384, 70000, 3};
        int at = 0;
        for (int i = 0; at < data.length; i++) {
            int n = Math.min(sizes[i % sizes.length], data.length - at);
            chunked.write((Integer.toHexString(n) + (i % 7 == 0 ? ";ext=1" : "") + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            chunked.write(data, at, n);
            chunked.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            at += n;
        }
        chunked.write("0\r\nX-Trailer: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        try (ProxyClient c = new ProxyClient(proxy)) {
            c.send("POST " + url("/chunked") + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
            // The next request rides in the same write as the body's end: it must not be taken for body bytes.
            c.send(chunked.toByteArray());
            c.send("GET " + url("/after") + " HTTP/1.1\r\nHost: x\r\n\r\n");
            InputStream in = c.socket.getInputStream();
            assertEquals(Integer.toString(data.length), HttpReplies.read(in).text());
            assertEquals("0", HttpReplies.read(in).text());
        }
        Origin.Request got = origin.take();
        assertEquals("chunked", got.header("transfer-encoding"));
        assertArrayEquals(data, got.body());
        assertEquals("GET /after HTTP/1.1", origin.take().requestLine());
    }

    @Test
    void shouldStreamATenMebibyteResponse() throws Exception {
        byte[] data = random(10 << 20, 3);
        start(new Origin(r -> {
            byte[] head = ("HTTP/1.1 200 OK\r\nContent-Length: " + data.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            byte[] all = Arrays.copyOf(head, head.length + data.length);
            System.arraycopy(data, 0, all, head.length, data.length);
            return new Origin.Reply(all, false);
        }));
        try (ProxyClient c = new ProxyClient(proxy)) {
            c.send("GET " + url("/big") + " HTTP/1.1\r\nHost: x\r\n\r\n");
            HttpReplies.Reply r = HttpReplies.read(c.socket.getInputStream());
            assertArrayEquals(data, r.body());
        }
        Fixtures.await("counted", Duration.ofSeconds(10), () -> proxy.stats().bytesDownstream() >= data.length);
    }

    @Test
    void shouldRelayChunkedAndCloseDelimitedResponsesAndHeadWithoutBody() throws Exception {
        start(new Origin(r -> switch (r.target()) {
            case "/chunked" -> Origin.Reply.of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
            case "/head" -> Origin.Reply.of("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
            case "/204" -> Origin.Reply.of("HTTP/1.1 204 No Content\r\n\r\n");
            default -> new Origin.Reply("HTTP/1.1 200 OK\r\n\r\nuntil the end".getBytes(StandardCharsets.US_ASCII),
                    true);
        }));
        try (ProxyClient c = new ProxyClient(proxy)) {
            InputStream in = c.socket.getInputStream();
            c.send("GET " + url("/chunked") + " HTTP/1.1\r\nHost: x\r\n\r\n");
            HttpReplies.Reply chunked = HttpReplies.read(in);
            assertEquals("hello world", chunked.text());
            assertEquals("chunked", chunked.header("transfer-encoding"));
            c.send("HEAD " + url("/head") + " HTTP/1.1\r\nHost: x\r\n\r\n");
            HttpReplies.Reply head = HttpReplies.read(in, true);
            assertEquals("1000", head.header("content-length"));
            c.send("GET " + url("/204") + " HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(204, HttpReplies.read(in).status());
            c.send("GET " + url("/close") + " HTTP/1.1\r\nHost: x\r\n\r\n");
            HttpReplies.Reply close = HttpReplies.read(in);
            assertEquals("until the end", close.text());
            assertEquals("close", close.header("connection"));
        }
    }

    @Test
    void shouldPassOnOneHundredContinue() throws Exception {
        start(new Origin(r -> Origin.Reply.ok(new String(r.body(), StandardCharsets.US_ASCII))));
        // The origin here does not send 100 itself; a client that waits for it sends the body after its own timeout.
        try (ProxyClient c = new ProxyClient(proxy)) {
            c.send("POST " + url("/e") + " HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
            c.send("data");
            assertEquals("data", HttpReplies.read(c.socket.getInputStream()).text());
        }
        assertEquals("100-continue", origin.take().header("expect"));
    }

    @Test
    void shouldForwardAnInterimResponseBeforeTheFinalOne() throws Exception {
        start(new Origin(r -> Origin.Reply.of("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
                + "\r\nok")));
        try (ProxyClient c = new ProxyClient(proxy)) {
            c.send("POST " + url("/e") + " HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nx");
            InputStream in = c.socket.getInputStream();
            assertEquals(100, HttpReplies.read(in).status());
            assertEquals("ok", HttpReplies.read(in).text());
        }
    }

    @Test
    void shouldCloseAfterTheResponseWhenTheClientAsks() throws Exception {
        start(Origin.echoing());
        try (ProxyClient c = new ProxyClient(proxy)) {
            c.send("GET " + url("/x") + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            InputStream in = c.socket.getInputStream();
            HttpReplies.Reply r = HttpReplies.read(in);
            assertEquals("close", r.header("connection"));
            assertEquals(-1, in.read(), "the proxy closes after the response");
        }
    }

    @Test
    void shouldForwardAnHttp10RequestAsHttp10AndCloseAfterIt() throws Exception {
        start(new Origin(r -> new Origin.Reply("HTTP/1.0 200 OK\r\n\r\nold style".getBytes(StandardCharsets.US_ASCII),
                true)));
        try (ProxyClient c = new ProxyClient(proxy)) {
            c.send("GET " + url("/old") + " HTTP/1.0\r\n\r\n");
            InputStream in = c.socket.getInputStream();
            HttpReplies.Reply r = HttpReplies.read(in);
            assertEquals("old style", r.text());
            assertEquals("close", r.header("connection"));
            assertEquals("1.0 fyntr", r.header("via"));
        }
        Origin.Request got = origin.take();
        assertEquals("GET /old HTTP/1.0", got.requestLine(), "an HTTP/1.0 client's request stays HTTP/1.0");
        assertEquals("1.0 fyntr", got.header("via"));
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static void assertStatus(int expected, HttpReplies.Reply r) {
        assertEquals(expected, r.status(), r.statusLine() + " " + r.headerLines() + " " + r.text());
        assertTrue(r.hasHeader("proxy-status") || expected < 400, "an error carries Proxy-Status");
    }
}
