package dev.fyntr.cli;

import dev.fyntr.transport.nio.FyntrProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The threat-feed and SOCKS5 flags: their usage errors, their startup failures (exit 1), and their effect on the
 * proxy the command configures. Needs the transport; only 127.0.0.1, never DNS (the feed and the CONNECT use IP
 * literals).
 */
class ThreatAndSocks5FlagsTest {

    private static final int TIMEOUT_MS = 30_000;

    @TempDir
    Path dir;

    /** A local TCP server that accepts and holds connections, as the CONNECT destination. */
    private ServerSocket destination;

    @BeforeEach
    void openDestination() throws IOException {
        destination = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void closeDestination() throws IOException {
        destination.close();
    }

    // ---- usage errors (exit 2)

    @Test
    void shouldExitWithUsageWhenBlockHasNoFeedNamingBothFlags() {
        Cli.Result flag = Cli.run("--dry-run", "--threat-action", "block");
        assertUsage(flag, "fyntr: --threat-action block needs at least one --threat-feed-file; give a feed, "
                + "or use --threat-action warn");

        Cli.Result variable = Cli.run(Map.of("FYNTR_THREAT_ACTION", "block"), "--dry-run");
        assertUsage(variable, "fyntr: FYNTR_THREAT_ACTION (--threat-action) block needs at least one "
                + "--threat-feed-file");
    }

    @Test
    void shouldListTheActionsForABadAction() {
        Cli.Result r = Cli.run("--dry-run", "--threat-action", "deny");
        assertUsage(r, "fyntr: invalid value for --threat-action: 'deny' is not a threat action; accepted: "
                + "warn|block");
    }

    @Test
    void shouldExitWithUsageForASocks5BindWithoutAPort() {
        Cli.Result r = Cli.run("--dry-run", "--socks5-bind", "127.0.0.1");
        assertUsage(r, "fyntr: --socks5-bind is set but --socks5-port is not; the SOCKS5 listener is off unless "
                + "a port is given");
        Cli.Result variable = Cli.run(Map.of("FYNTR_SOCKS5_BIND", "127.0.0.1"), "--dry-run");
        assertUsage(variable, "fyntr: FYNTR_SOCKS5_BIND (--socks5-bind) is set but --socks5-port is not");
    }

    @Test
    void shouldCheckTheSocks5BindLikeTheBind() {
        Cli.Result r = Cli.run("--dry-run", "--socks5-port", "1080", "--socks5-bind", "127.0.0.1:1080");
        assertUsage(r, "fyntr: invalid value for --socks5-bind: '127.0.0.1:1080' is not an address (the port goes "
                + "in --socks5-port)");
    }

    private static void assertUsage(Cli.Result r, String firstLinePrefix) {
        assertEquals(FyntrCli.EXIT_USAGE, r.status(), r.err());
        assertEquals(2, r.errLines().size(), r.err());
        assertTrue(r.errLines().get(0).startsWith(firstLinePrefix), r.err());
        assertEquals(FyntrCli.USAGE_HINT, r.errLines().get(1));
        assertEquals("", r.out());
    }

    // ---- dry run

    @Test
    void shouldShowFeedsAndSocks5InTheDryRunSummary() throws Exception {
        Path feed = Files.writeString(dir.resolve("feed.txt"), "evil.example\n");
        Cli.Result r = Cli.run(Map.of("FYNTR_THREAT_FEED_FILE", feed.toString()), "--dry-run", "--socks5-port", "0");
        assertEquals(0, r.status(), r.err());
        // Nothing, unless the open-file limit is too low for 1000 connections: the builder's check warns then.
        assertEquals(Cli.dryRunWarnings(Map.of("FYNTR_THREAT_FEED_FILE", feed.toString()), "--dry-run",
                "--socks5-port", "0"), r.err());
        assertTrue(r.out().contains("; threat feeds " + feed + " (action warn); SOCKS5 on 127.0.0.1:0)"), r.out());
    }

    @Test
    void shouldWarnOnADryRunThatANonLoopbackSocks5ListenerHasNoAuth() {
        Cli.Result r = Cli.run("--dry-run", "--socks5-port", "1080", "--socks5-bind", "0.0.0.0");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().startsWith("fyntr: warning: SOCKS5 listening on 0.0.0.0, which is not a loopback "
                + "address"), r.err());
        assertTrue(r.out().contains("SOCKS5 on 0.0.0.0:1080"), r.out());
    }

    // ---- startup failures (exit 1): the dry run fails as the real start does

    @Test
    void shouldExit1NamingAMissingFeedOnADryRunAndOnARealStartAlike() {
        Path missing = dir.resolve("no-such-feed.txt");
        String expected = "fyntr: cannot read threat feed file " + missing + ": no such file";
        for (String mode : new String[] {"--dry-run", "--port=0"}) {
            Cli.Result r = runOnce("--threat-feed-file", missing.toString(), "--threat-action", "block", mode);
            assertEquals(FyntrCli.EXIT_FAILURE, r.status(), mode + ": " + r.err());
            assertEquals(1, r.errLines().size(), mode + ", no stack trace at level info: " + r.err());
            assertEquals(expected, r.errLines().get(0), mode);
            assertEquals("", r.out(), mode);
        }
    }

    @Test
    void shouldExit1NamingADirectoryGivenAsAFeedOnADryRunAndOnARealStartAlike() {
        Cli.Result dryRun = Cli.run("--threat-feed-file", dir.toString(), "--dry-run");
        Cli.Result start = runOnce("--threat-feed-file", dir.toString(), "--port", "0");
        assertEquals(FyntrCli.EXIT_FAILURE, dryRun.status(), dryRun.err());
        assertEquals(FyntrCli.EXIT_FAILURE, start.status(), start.err());
        assertTrue(start.err().startsWith("fyntr: cannot read threat feed file " + dir + ": "), start.err());
        assertEquals(start.err(), dryRun.err());
    }

    @Test
    void shouldExit1NamingTheFileWhenTheFeedsHoldNoUsableEntry() throws IOException {
        Path feed = Files.writeString(dir.resolve("comments.txt"), "# nothing here\n! nor here\n");
        Cli.Result r = runOnce("--threat-feed-file", feed.toString(), "--port", "0");
        assertEquals(FyntrCli.EXIT_FAILURE, r.status(), r.err());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().startsWith("fyntr: threat feed file " + feed + " hold"), r.err());
        assertTrue(r.err().contains("no usable entry"), r.err());

        Cli.Result debug = runOnce("--threat-feed-file", feed.toString(), "--port", "0", "--log-level", "debug");
        assertEquals(FyntrCli.EXIT_FAILURE, debug.status());
        assertTrue(debug.errLines().size() > 1 && debug.err().contains("ThreatFeedException"),
                "stack trace at level debug: " + debug.err());
    }

    @Test
    void shouldExit1OnADryRunForFeedsWithoutAUsableEntryAsARealStartDoes() throws IOException {
        // Comments and a rule the loader skips: the files open and read, but hold nothing to match.
        Path comments = Files.writeString(dir.resolve("comments.txt"), "# nothing here\n");
        Path options = Files.writeString(dir.resolve("options.txt"), "||ads.example^$third-party\n");
        String feeds = comments + "," + options;
        Cli.Result dryRun = Cli.run("--threat-feed-file", feeds, "--dry-run");
        Cli.Result start = runOnce("--threat-feed-file", feeds, "--port", "0");
        assertEquals(FyntrCli.EXIT_FAILURE, dryRun.status(), dryRun.err());
        assertEquals(List.of("fyntr: threat feed files " + comments + ", " + options + " hold no usable entry "
                + "(2 lines, 1 unsupported); expected one domain, IP, CIDR or ||domain^ per line"), dryRun.errLines());
        assertEquals("", dryRun.out(), "no startup line");
        assertEquals(FyntrCli.EXIT_FAILURE, start.status(), start.err());
        assertEquals(start.err(), dryRun.err());
    }

    @Test
    void shouldExit1NamingTheSocks5PortWhenItIsInUse() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            Cli.Result r = runOnce("--port", "0", "--socks5-port", String.valueOf(port));
            assertEquals(FyntrCli.EXIT_FAILURE, r.status(), r.err());
            assertEquals("fyntr: SOCKS5 port " + port + " is already in use; stop the other process or choose "
                    + "another --socks5-port", r.err().strip());
        }
    }

    /**
     * Runs the real command with a stop already requested: a start that should fail but does not then stops at
     * once with status 0 (and fails the test) instead of serving until the build times out.
     */
    private static Cli.Result runOnce(String... args) {
        ShutdownSignals signals = new ShutdownSignals(status -> {
            throw new AssertionError("halt(" + status + ")");
        }, message -> { });
        signals.signal("TERM", 15);
        return Cli.run(Map.of(), signals, args);
    }

    // ---- the flags reach the proxy

    @Test
    void shouldAnswer403ToAConnectToAnAddressOfABlockingFeed() throws Exception {
        Path feed = Files.writeString(dir.resolve("block.txt"), "# test feed\n127.0.0.1\n");
        try (FyntrProxy proxy = start("--threat-feed-file", feed.toString(), "--threat-action", "block")) {
            String head = connect(proxy.port());
            assertTrue(head.startsWith("HTTP/1.1 403"), head);
        }
    }

    @Test
    void shouldLetTheSameConnectThroughWithTheWarnAction() throws Exception {
        // The control for the test above: the same flags but warn, so the 403 there came from the feed.
        Path feed = Files.writeString(dir.resolve("warn.txt"), "127.0.0.1\n");
        try (FyntrProxy proxy = start("--threat-feed-file", feed.toString())) {
            String head = connect(proxy.port());
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
        }
    }

    @Test
    void shouldAnswerASocks5GreetingOnTheChosenPort() throws Exception {
        try (FyntrProxy proxy = start("--socks5-port", "0")) {
            InetSocketAddress socks5 = proxy.socks5Address().orElseThrow();
            assertEquals(InetAddress.getLoopbackAddress(), socks5.getAddress());
            assertTrue(socks5.getPort() > 0 && socks5.getPort() != proxy.port(), socks5.toString());
            try (Socket s = new Socket()) {
                s.connect(socks5, TIMEOUT_MS);
                s.setSoTimeout(TIMEOUT_MS);
                s.getOutputStream().write(new byte[] {5, 1, 0}); // version 5, one method: no authentication
                s.getOutputStream().flush();
                assertArrayEquals(new byte[] {5, 0}, s.getInputStream().readNBytes(2));
            }
        }
    }

    @Test
    void shouldStartNoSocks5ListenerByDefault() throws Exception {
        try (FyntrProxy proxy = start()) {
            assertTrue(proxy.socks5Address().isEmpty());
        }
    }

    /** Starts the proxy the command would, on any free port, allowing CONNECTs to the local destination. */
    private FyntrProxy start(String... flags) throws Exception {
        // No grace: the destination never closes its end, so a tunnel would hold close() for the default 10 s.
        String[] common = {"--port", "0", "--allow-cidr", "127.0.0.1/32", "--allow-port",
            String.valueOf(destination.getLocalPort()), "--shutdown-grace", "0"};
        String[] args = new String[flags.length + common.length];
        System.arraycopy(flags, 0, args, 0, flags.length);
        System.arraycopy(common, 0, args, flags.length, common.length);
        FyntrCommand o = FyntrCli.parse(args, Map.of()).options();
        return FyntrCli.configure(o, InetAddress.getLoopbackAddress(), null).start();
    }

    /** Sends a CONNECT to the destination by its IP literal and returns the response head. */
    private String connect(int proxyPort) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxyPort), TIMEOUT_MS);
            s.setSoTimeout(TIMEOUT_MS);
            String target = "127.0.0.1:" + destination.getLocalPort();
            OutputStream out = s.getOutputStream();
            out.write(("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            StringBuilder head = new StringBuilder();
            InputStream in = s.getInputStream();
            while (head.length() < 8192 && !head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.append((char) b);
            }
            return head.toString();
        }
    }
}
