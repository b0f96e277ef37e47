package dev.fyntr.transport.nio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Threat feeds end to end over HTTP CONNECT (docs/threats-and-socks5.md#threat-feeds): warn lets the tunnel through, block answers 403. */
class ThreatFeedsTest {

    @RegisterExtension
    final Closer closer = new Closer();

    @TempDir
    Path dir;

    private Path feed(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void shouldLetMatchesThroughAndLogThemWhenWarning() throws Exception {
        TestServers.Server echo = closer.add(TestServers.echo());
        Path f = feed("domains.txt", "# test feed\nevil.test\n");
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(echo.port()).threatFeedFiles(f).start());
        String log = captureStderr("threat_match=true", () -> {
            try (ProxyClient c = new ProxyClient(proxy)) {
                assertEquals(200, c.connect("api.evil.test:" + echo.port()).status());
                c.send("hi");
                assertEquals("hi", new String(c.socket.getInputStream().readNBytes(2), StandardCharsets.US_ASCII));
            }
        });
        assertTrue(log.contains("threat_match=true action=warn match_type=domain host=api.evil.test matched=evil.test"
                + " feed=domains.txt client=127.0.0.1:"), log);
    }

    @Test
    void shouldAnswer403NamingTheRuleWhenBlocking() throws Exception {
        TestServers.Server echo = closer.add(TestServers.echo());
        Path f = feed("domains.txt", "||evil.test^\n");
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(echo.port()).threatFeedFiles(f)
                .threatAction(ThreatAction.BLOCK).start());
        try (ProxyClient c = new ProxyClient(proxy)) {
            ProxyClient.Response r = c.connect("api.evil.test:" + echo.port());
            assertEquals(403, r.status());
            assertTrue(r.header("Proxy-Status").startsWith("fyntr; error=http_request_denied"), r.head());
            assertEquals("api.evil.test is blocked: it matches the threat feed entry evil.test (domains.txt)\n",
                    r.body());
        }
        try (ProxyClient c = new ProxyClient(proxy)) {
            assertEquals(200, c.connect("notevil.test:" + echo.port()).status(), "label boundary");
        }
        assertEquals(1, proxy.stats().rejections(403));
    }

    @Test
    void shouldCheckResolvedAddressesAndLiterals() throws Exception {
        TestServers.Server echo = closer.add(TestServers.echo());
        Path f = feed("ips.txt", "127.0.0.0/30\n");
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(echo.port()).threatFeedFiles(f)
                .threatAction(ThreatAction.BLOCK).start());
        try (ProxyClient c = new ProxyClient(proxy)) {
            ProxyClient.Response r = c.connect("fine.test:" + echo.port()); // resolves to 127.0.0.1
            assertEquals(403, r.status());
            assertTrue(r.header("Proxy-Status").startsWith("fyntr; error=destination_ip_prohibited"), r.head());
            assertEquals("fine.test (127.0.0.1) is blocked: it matches the threat feed range 127.0.0.0/30 (ips.txt)\n",
                    r.body());
        }
        try (ProxyClient c = new ProxyClient(proxy)) {
            assertEquals(403, c.connect("127.0.0.1:" + echo.port()).status());
        }
    }

    @Test
    void shouldRefuseBlockWithoutAFeedNamingTheFlag() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Fixtures.proxyTo(443).threatAction(ThreatAction.BLOCK).start());
        assertTrue(e.getMessage().contains("--threat-action block") && e.getMessage().contains("--threat-feed-file"),
                e.getMessage());
    }

    @Test
    void shouldFailToStartNamingAnUnreadableFeed() {
        Path missing = dir.resolve("nope.txt");
        IOException e = assertThrows(IOException.class,
                () -> closer.add(Fixtures.proxyTo(443).threatFeedFiles(missing).start()));
        assertEquals("cannot read threat feed file " + missing + ": no such file", e.getMessage());
    }

    @Test
    void shouldFailToStartWhenTheFeedsHoldNoUsableEntry() throws Exception {
        Path f = feed("empty.txt", "# nothing\n||x.test^$third-party\n");
        IOException e = assertThrows(IOException.class,
                () -> closer.add(Fixtures.proxyTo(443).threatFeedFiles(f).start()));
        assertTrue(e.getMessage().startsWith("threat feed file " + f + " holds no usable entry"), e.getMessage());
    }

    @FunctionalInterface
    interface IoRunnable {
        void run() throws Exception;
    }

    /**
     * Runs {@code body} with System.err captured (slf4j-simple writes there, at WARN and above in tests) and
     * returns what was written; the original stream is restored whatever happens.
     */
    /**
     * Runs {@code body} with System.err captured (slf4j-simple writes there) and waits, bounded, until the capture
     * holds {@code expected}: the proxy's log lines are written by a thread of their own, after the fact.
     */
    private static String captureStderr(String expected, IoRunnable body) throws Exception {
        PrintStream original = System.err;
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        PrintStream capture = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        System.setErr(capture);
        try {
            body.run();
            Fixtures.await("a log line with " + expected, java.time.Duration.ofSeconds(20),
                    () -> bytes.toString(StandardCharsets.UTF_8).contains(expected));
        } finally {
            System.setErr(original);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
