package dev.fyntr.transport.nio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Proxy authentication end to end (docs/auth.md): HTTP CONNECT with Proxy-Authorization, SOCKS5 RFC 1929, reload. */
class AuthTest {

    @RegisterExtension
    final Closer closer = new Closer();

    @TempDir
    Path dir;

    /** Few iterations: the tests check behaviour, not the cost. */
    private static String line(String user, String password) {
        return AuthFiles.line(user, password.toCharArray(), AuthFiles.MIN_ITERATIONS);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static ProxyClient.Response connect(FyntrProxy proxy, String target, String authorization)
            throws IOException {
        try (ProxyClient c = new ProxyClient(proxy)) {
            return c.send("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n"
                    + (authorization == null ? "" : "Proxy-Authorization: " + authorization + "\r\n") + "\r\n")
                    .readResponse();
        }
    }

    @Test
    void shouldAnswer407WithAChallengeWithoutCredentials() throws Exception {
        TestServers.Server echo = closer.add(TestServers.echo());
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(echo.port()).credentials(List.of(line("alice", "pw")))
                .start());
        ProxyClient.Response r = connect(proxy, "127.0.0.1:" + echo.port(), null);
        assertEquals("HTTP/1.1 407 Proxy Authentication Required", r.statusLine());
        assertEquals("Basic realm=\"fyntr\"", r.header("Proxy-Authenticate"));
        assertTrue(r.header("Proxy-Status").startsWith("fyntr; error=http_request_denied"), r.head());
        assertTrue(r.body().contains("this proxy requires authentication"), r.body());
        ProxyStats s = proxy.stats();
        assertEquals(1, s.rejections(407));
        assertEquals(0, s.authFailures(), "no credentials is not a failed attempt");
        assertEquals(0, echo.accepted(), "nothing was dialled");
    }

    @Test
    void shouldAnswer407ToWrongCredentialsAndCountThem() throws Exception {
        TestServers.Server echo = closer.add(TestServers.echo());
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(echo.port()).credentials(List.of(line("alice", "pw")))
                .start());
        for (String wrong : new String[] {basic("alice", "PW"), basic("bob", "pw"), "Basic !!!", "Digest x=1"}) {
            ProxyClient.Response r = connect(proxy, "127.0.0.1:" + echo.port(), wrong);
            assertEquals(407, r.status(), wrong);
            assertEquals("Basic realm=\"fyntr\"", r.header("Proxy-Authenticate"));
            assertTrue(r.body().contains("wrong user name or password"), r.body());
        }
        assertEquals(4, proxy.stats().authFailures());
        assertEquals(0, echo.accepted());
    }

    @Test
    void shouldOpenTheTunnelWithTheRightCredentials() throws Exception {
        TestServers.Server echo = closer.add(TestServers.echo());
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(echo.port())
                .credentials(List.of(line("alice", "pw"), line("bøb", "pässwörd"))).start());
        for (String[] userPassword : new String[][] {{"alice", "pw"}, {"bøb", "pässwörd"}}) {
            try (ProxyClient c = new ProxyClient(proxy)) {
                String target = "echo.test:" + echo.port();
                c.send("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\nProxy-Authorization: "
                        + basic(userPassword[0], userPassword[1]) + "\r\n\r\nhello");
                assertEquals("HTTP/1.1 200 Connection Established", c.readResponse().statusLine());
                assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), c.socket.getInputStream().readNBytes(5),
                        "the bytes pipelined after the head went through");
            }
        }
        assertEquals(0, proxy.stats().authFailures());
    }

    @Test
    void shouldLetAStormWithTheSameCredentialsThrough() throws Exception {
        TestServers.Server echo = closer.add(TestServers.echo());
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(echo.port()).credentials(List.of(line("alice", "pw")))
                .start());
        List<ProxyClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) { // all heads sent before any answer is read: the checks overlap
                ProxyClient c = new ProxyClient(proxy);
                clients.add(c);
                c.send("CONNECT 127.0.0.1:" + echo.port() + " HTTP/1.1\r\nProxy-Authorization: "
                        + basic("alice", "pw") + "\r\n\r\n");
            }
            for (ProxyClient c : clients) {
                assertEquals(200, c.readResponse().status());
            }
        } finally {
            for (ProxyClient c : clients) {
                c.close();
            }
        }
    }

    @Test
    void shouldRefuseAnAddressWith429AfterRepeatedFailures() throws Exception {
        TestServers.Server echo = closer.add(TestServers.echo());
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(echo.port()).credentials(List.of(line("alice", "pw")))
                .start());
        String target = "127.0.0.1:" + echo.port();
        for (int i = 0; i < 5; i++) {
            assertEquals(407, connect(proxy, target, basic("alice", "guess" + i)).status());
        }
        ProxyClient.Response limited = connect(proxy, target, basic("alice", "pw"));
        assertEquals("HTTP/1.1 429 Too Many Requests", limited.statusLine());
        assertTrue(limited.header("Retry-After").matches("[1-9][0-9]*"), limited.head());
        assertTrue(limited.body().contains("sent wrong credentials 5 times"), limited.body());
        assertEquals(6, proxy.stats().authFailures());
        assertEquals(1, proxy.stats().rejections(429));
    }

    @Test
    void shouldAuthenticateSocks5ClientsWithUsernameAndPassword() throws Exception {
        TestServers.Server echo = closer.add(TestServers.echo());
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(echo.port()).credentials(List.of(line("alice", "pw")))
                .socks5Port(0).start());
        try (SocksClient c = closer.add(new SocksClient(proxy))) {
            c.send(new byte[] {5, 2, 0, 2});
            assertArrayEquals(new byte[] {5, 2}, c.read(2), "username/password chosen");
            c.send(SocksClient.credentials("alice", "pw"));
            assertArrayEquals(new byte[] {1, 0}, c.read(2));
            c.send(SocksClient.domainRequest("echo.test", echo.port()));
            assertEquals(0, c.readReply().code());
            c.send("ping".getBytes(StandardCharsets.US_ASCII));
            assertArrayEquals("ping".getBytes(StandardCharsets.US_ASCII), c.read(4));
        }
        try (SocksClient c = closer.add(new SocksClient(proxy))) {
            // Greeting, credentials and request in one write: the request waits for the credentials' check.
            byte[] greeting = {5, 1, 2};
            byte[] creds = SocksClient.credentials("alice", "pw");
            byte[] request = SocksClient.domainRequest("echo.test", echo.port());
            byte[] all = new byte[greeting.length + creds.length + request.length];
            System.arraycopy(greeting, 0, all, 0, greeting.length);
            System.arraycopy(creds, 0, all, greeting.length, creds.length);
            System.arraycopy(request, 0, all, greeting.length + creds.length, request.length);
            c.send(all);
            assertArrayEquals(new byte[] {5, 2, 1, 0}, c.read(4));
            assertEquals(0, c.readReply().code());
        }
    }

    @Test
    void shouldRefuseSocks5ClientsWithWrongOrNoCredentials() throws Exception {
        TestServers.Server echo = closer.add(TestServers.echo());
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(echo.port()).credentials(List.of(line("alice", "pw")))
                .socks5Port(0).start());
        try (SocksClient c = closer.add(new SocksClient(proxy))) {
            c.send(new byte[] {5, 1, 2});
            assertArrayEquals(new byte[] {5, 2}, c.read(2));
            c.send(SocksClient.credentials("alice", "wrong"));
            assertArrayEquals(new byte[] {1, 1}, c.read(2), "RFC 1929: a non-zero status is a failure");
            assertTrue(c.closedByProxy());
        }
        try (SocksClient c = closer.add(new SocksClient(proxy))) {
            c.send(new byte[] {5, 1, 0});
            assertArrayEquals(new byte[] {5, (byte) 0xFF}, c.read(2), "no authentication is not acceptable");
            assertTrue(c.closedByProxy());
        }
        assertEquals(1, proxy.stats().authFailures());
        assertEquals(0, echo.accepted());
    }

    @Test
    void shouldNotOfferUsernamePasswordWithoutAnAuthFile() throws Exception {
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(443).socks5Port(0).start());
        try (SocksClient c = closer.add(new SocksClient(proxy))) {
            c.send(new byte[] {5, 1, 2});
            assertArrayEquals(new byte[] {5, (byte) 0xFF}, c.read(2));
        }
    }

    @Test
    void shouldReloadTheAuthFileAndKeepTheOldOneWhenTheNewOneIsBad() throws Exception {
        TestServers.Server echo = closer.add(TestServers.echo());
        Path users = dir.resolve("users");
        Files.writeString(users, line("alice", "pw") + "\n");
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(echo.port()).authFile(users).start());
        String target = "127.0.0.1:" + echo.port();
        assertEquals(200, connect(proxy, target, basic("alice", "pw")).status());

        Files.writeString(users, line("alice", "new") + "\n" + line("bob", "pw2") + "\n");
        assertTrue(proxy.reload());
        assertEquals(407, connect(proxy, target, basic("alice", "pw")).status(), "the cached check is forgotten");
        assertEquals(200, connect(proxy, target, basic("alice", "new")).status());
        assertEquals(200, connect(proxy, target, basic("bob", "pw2")).status());

        Files.writeString(users, "bob:plaintext\n");
        assertFalse(proxy.reload(), "a bad file is not used");
        assertEquals(200, connect(proxy, target, basic("bob", "pw2")).status(), "the previous users stay");
    }

    @Test
    void shouldReloadThreatFeedsOnReload() throws Exception {
        TestServers.Server echo = closer.add(TestServers.echo());
        Path feed = dir.resolve("feed.txt");
        Files.writeString(feed, "blocked.test\n");
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(echo.port()).threatFeedFiles(feed)
                .threatAction(ThreatAction.BLOCK).start());
        try (ProxyClient c = new ProxyClient(proxy)) {
            assertEquals(200, c.connect("echo.test:" + echo.port()).status());
        }
        Files.writeString(feed, "echo.test\n");
        assertTrue(proxy.reload());
        try (ProxyClient c = new ProxyClient(proxy)) {
            assertEquals(403, c.connect("echo.test:" + echo.port()).status());
        }
        Files.writeString(feed, "# nothing usable\n");
        assertFalse(proxy.reload());
        try (ProxyClient c = new ProxyClient(proxy)) {
            assertEquals(403, c.connect("echo.test:" + echo.port()).status(), "the previous feed stays in use");
        }
    }

    @Test
    void shouldRefuseAnUnusableAuthFileAtBuildNamingTheLine() throws Exception {
        Path users = dir.resolve("users");
        Files.writeString(users, "# users\nalice:secret\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FyntrProxy.builder().authFile(users).build());
        assertTrue(e.getMessage().startsWith("auth file " + users + " line 2: user \"alice\": not a pbkdf2-sha256"
                + " hash"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AuthFiles.line("a:b", "pw".toCharArray()));
        assertThrows(IllegalArgumentException.class, () -> AuthFiles.line("a", new char[0]));
    }

    @Test
    void shouldNotWarnAboutANonLoopbackBindWithAuthentication() throws Exception {
        java.net.InetAddress any = java.net.InetAddress.getByName("0.0.0.0");
        assertTrue(FyntrProxy.builder().bind(any).build().warnings().stream()
                .anyMatch(w -> w.contains("not a loopback address")));
        ProxySettings settings = FyntrProxy.builder().bind(any).credentials(List.of(line("alice", "pw"))).build();
        assertFalse(settings.warnings().stream().anyMatch(w -> w.contains("not a loopback address")),
                settings.warnings().toString());
        assertEquals(1, settings.authUsers());
    }

    @Test
    void shouldReleaseEverythingWhenClientsLeaveOrResetWhileTheirCredentialsAreChecked() throws Exception {
        TestServers.Server echo = closer.add(TestServers.echo());
        // A costly hash, so that the clients are gone before their checks end.
        String slow = AuthFiles.line("alice", "pw".toCharArray(), 400_000);
        FyntrProxy proxy = Fixtures.proxyTo(echo.port()).credentials(List.of(slow)).socks5Port(0).start();
        try {
            for (int i = 0; i < 10; i++) {
                ProxyClient c = new ProxyClient(proxy);
                // Distinct passwords: ten checks, none joined, none cached; a ClientHello-sized tail pipelined.
                c.send("CONNECT 127.0.0.1:" + echo.port() + " HTTP/1.1\r\nProxy-Authorization: "
                        + basic("alice", "guess" + i) + "\r\n\r\n" + "x".repeat(500));
                if (i % 2 == 0) {
                    c.socket.setSoLinger(true, 0); // a reset
                }
                c.close();
            }
            try (SocksClient c = new SocksClient(proxy)) {
                c.send(new byte[] {5, 1, 2}).send(SocksClient.credentials("alice", "pw"));
                c.send(SocksClient.domainRequest("echo.test", echo.port()));
            }
            Fixtures.await("the handshakes ended", Duration.ofSeconds(60), () -> proxy.stats().openHandshakes() == 0);
            // The proxy still serves afterwards (and the right password is still accepted).
            assertEquals(200, connect(proxy, "127.0.0.1:" + echo.port(), basic("alice", "pw")).status());
        } finally {
            proxy.close();
        }
        assertEquals(0, ((dev.fyntr.transport.nio.internal.FyntrProxyImpl) proxy).buffersOutstanding(),
                "pooled buffers not returned");
    }

    @Test
    void shouldTimeOutAClientThatNeverFinishesItsHead() throws Exception {
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(443).credentials(List.of(line("alice", "pw")))
                .handshakeTimeout(Duration.ofMillis(300)).start());
        try (ProxyClient c = new ProxyClient(proxy)) {
            c.send("CONNECT a.test:443 HTTP/1.1\r\nProxy-Authorization: " + basic("alice", "pw") + "\r\n");
            assertEquals(408, c.readResponse().status());
        }
    }
}
