package dev.fyntr.transport.nio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proxy authentication of plain-HTTP requests (docs/auth.md, docs/plain-http.md): the first request's credentials
 * are checked by the handshake as CONNECT's are, each later request's on a kept-alive connection by the session,
 * with the same authenticator.
 */
class PlainHttpAuthTest {

    @RegisterExtension
    final Closer closer = new Closer();

    private Origin origin;
    private FyntrProxy proxy;

    private void start() throws Exception {
        origin = closer.add(Origin.echoing());
        proxy = closer.add(Fixtures.proxyTo(origin.port())
                .credentials(List.of(AuthFiles.line("alice", "pw".toCharArray(), AuthFiles.MIN_ITERATIONS)))
                .start());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private String get(String path, String authorization) {
        return "GET http://127.0.0.1:" + origin.port() + path + " HTTP/1.1\r\nHost: x\r\n"
                + (authorization == null ? "" : "Proxy-Authorization: " + authorization + "\r\n") + "\r\n";
    }

    @Test
    void shouldAnswer407WithAChallengeToAGetWithoutCredentials() throws Exception {
        start();
        try (ProxyClient c = new ProxyClient(proxy)) {
            c.send(get("/", null));
            HttpReplies.Reply r = HttpReplies.read(c.socket.getInputStream());
            assertEquals(407, r.status());
            assertEquals("Basic realm=\"fyntr\"", r.header("proxy-authenticate"));
            assertTrue(r.text().contains("this proxy requires authentication"), r.text());
        }
        assertEquals(1, proxy.stats().rejections(407));
        assertEquals(0, origin.connections(), "nothing was dialled");
    }

    @Test
    void shouldForwardAGetWithTheRightCredentialsWithoutPassingThemOn() throws Exception {
        start();
        try (ProxyClient c = new ProxyClient(proxy)) {
            c.send(get("/ok", basic("alice", "pw")));
            HttpReplies.Reply r = HttpReplies.read(c.socket.getInputStream());
            assertEquals(200, r.status());
            assertEquals("GET /ok", r.text());
        }
        Origin.Request got = origin.take();
        assertNull(got.header("proxy-authorization"), got.rawHead());
        assertEquals(0, proxy.stats().authFailures());
    }

    @Test
    void shouldCheckEveryLaterRequestOnAKeptAliveConnection() throws Exception {
        start();
        try (ProxyClient c = new ProxyClient(proxy)) {
            InputStream in = c.socket.getInputStream();
            c.send(get("/1", basic("alice", "pw")));
            assertEquals("GET /1", HttpReplies.read(in).text());
            c.send(get("/2", basic("alice", "pw")));
            assertEquals("GET /2", HttpReplies.read(in).text(), "a later request with credentials goes through");
            c.send(get("/3", basic("alice", "wrong")));
            HttpReplies.Reply r = HttpReplies.read(in);
            assertEquals(407, r.status(), "a later request with wrong credentials is refused");
            assertEquals("Basic realm=\"fyntr\"", r.header("proxy-authenticate"));
            assertTrue(r.text().contains("wrong user name or password"), r.text());
        }
        assertEquals(1, proxy.stats().authFailures(), "the failed attempt is counted");
        assertEquals(1, proxy.stats().rejections(407));
    }

    @Test
    void shouldRefuseALaterRequestWithoutCredentials() throws Exception {
        start();
        try (ProxyClient c = new ProxyClient(proxy)) {
            InputStream in = c.socket.getInputStream();
            c.send(get("/1", basic("alice", "pw")));
            assertEquals(200, HttpReplies.read(in).status());
            c.send(get("/2", null));
            assertEquals(407, HttpReplies.read(in).status());
        }
        Origin.Request first = origin.take();
        assertEquals("GET /1 HTTP/1.1", first.requestLine());
    }
}
