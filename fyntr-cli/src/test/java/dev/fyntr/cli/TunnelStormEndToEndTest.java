package dev.fyntr.cli;

import dev.fyntr.transport.nio.ProxyDefaults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The storm the command used to die of: 1,000 tunnels opened at once, each echoing 64 KiB, against the real
 * command with the launcher's JVM flags ({@code -Xmx64m}, so a direct-memory limit of about 62 MiB). Before the
 * memory budget, the proxy queued up to 256 KiB per tunnel in direct buffers and died with
 * {@code OutOfMemoryError: Cannot reserve 16384 bytes of direct buffer memory}. Now every tunnel must come through
 * intact, the process must stay up and serve a new tunnel afterwards, and SIGTERM must still end it with 0.
 *
 * <p>One selector thread drives the 1,000 clients ({@link TunnelStorm}) and one the echo server
 * ({@link SelectorEchoServer}), all on 127.0.0.1. It prints the proxy's resident memory (idle, and the peak during
 * the storm) for docs/cli.md's "Memory" section.
 */
class TunnelStormEndToEndTest {

    /**
     * 1,000 by default. {@code -Dfyntr.storm.tunnels=N}, {@code -Dfyntr.storm.javaOpts="…"} (the proxy's JVM flags,
     * as {@code FYNTR_JAVA_OPTS}) and {@code -Dfyntr.storm.args="…"} (more flags for the command) re-run the storm
     * at another size for docs/cli.md; beyond 1,000 tunnels the proxy gets {@code --max-connections N}.
     */
    private static final int TUNNELS = Integer.getInteger("fyntr.storm.tunnels", 1000);
    private static final String JAVA_OPTS = System.getProperty("fyntr.storm.javaOpts", "");
    private static final String ARGS = System.getProperty("fyntr.storm.args", "");
    private static final int BYTES_PER_TUNNEL = 64 * 1024;
    /** Well over what 1,000 take on a loaded 2-core machine (under 8 s); bigger storms get longer, within JUnit's 90 s. */
    private static final Duration STORM_TIMEOUT = Duration.ofSeconds(TUNNELS <= 1000 ? 45 : 70);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern PER_TUNNEL_LINE = Pattern.compile(" - flow \\d+ (CONNECT|closed) ");

    @Test
    void shouldCarryAThousandConcurrentTunnelsIntactAndStayUp() throws Exception {
        // This JVM holds both ends on loopback (the clients and the echo server's connections); the proxy as many.
        long limit = openFileLimit();
        assumeTrue(limit < 0 || limit >= 2 * TUNNELS + 128,
                "needs an open-file limit of at least " + (2 * TUNNELS + 128) + "; it is " + limit);
        List<String> jvmFlags = JAVA_OPTS.isBlank() ? ProxyProcess.LEAN_FLAGS
                : List.of(JAVA_OPTS.strip().split("\\s+"));
        List<String> args = new ArrayList<>();
        if (TUNNELS > ProxyDefaults.MAX_CONNECTIONS) {
            args.addAll(List.of("--max-connections", String.valueOf(TUNNELS)));
        }
        if (!ARGS.isBlank()) {
            args.addAll(List.of(ARGS.strip().split("\\s+")));
        }
        try (SelectorEchoServer echo = new SelectorEchoServer()) {
            args.addAll(List.of("--allow-port", String.valueOf(echo.port()), "--allow-cidr", "127.0.0.1/32"));
            try (ProxyProcess proxy = ProxyProcess.startOnModulePath(jvmFlags, args.toArray(String[]::new))) {
                storm(echo, proxy, jvmFlags);
            }
        }
    }

    private static void storm(SelectorEchoServer echo, ProxyProcess proxy, List<String> jvmFlags) throws Exception {
        long idleKiB = proxy.statusKiB("VmRSS");

        TunnelStorm.Result storm = new TunnelStorm(proxy.port(), echo.port(), BYTES_PER_TUNNEL)
                .run(TUNNELS, STORM_TIMEOUT);

        long peakKiB = proxy.statusKiB("VmHWM");
        assertTrue(proxy.isAlive(), "the proxy died in the storm: " + storm.describe() + "\n" + tail(proxy));
        assertTrue(storm.allIntact(), storm.describe() + "\n" + tail(proxy));
        assertNull(echo.failure());
        System.out.printf("storm: %s; proxy RSS idle %.1f MiB, peak (VmHWM) %.1f MiB; JVM flags %s%n",
                storm.describe(), idleKiB / 1024.0, peakKiB / 1024.0, String.join(" ", jvmFlags));

        // The same process still serves.
        try (Socket tunnel = connect(proxy.port(), echo.port())) {
            byte[] ping = "after the storm".getBytes(StandardCharsets.US_ASCII);
            tunnel.getOutputStream().write(ping);
            assertArrayEquals(ping, tunnel.getInputStream().readNBytes(ping.length));
        }
        assertFalse(proxy.output().contains("OutOfMemoryError"), tail(proxy));

        proxy.sigterm();
        assertEquals(0, proxy.awaitExit(WAIT), tail(proxy));
    }

    @Test
    void shouldStateTheDefaultBudgetOfTheLauncherFlagsAsTheHelpDoes(@TempDir Path dir) throws Exception {
        // Half the direct-memory limit, which under -XX:+UseSerialGC -Xmx64m is Runtime.maxMemory(): the heap
        // less one survivor space, 61.875 MiB. The help says "about 31 MiB with the launcher's flags".
        ProxyProcess.Finished dryRun = ProxyProcess.dryRunOnModulePath(dir);
        assertEquals(0, dryRun.status(), dryRun.err());
        Matcher budget = Pattern.compile(", buffer memory (\\d+\\.\\d) MiB, ").matcher(dryRun.out());
        assertTrue(budget.find(), dryRun.out());
        assertEquals("30.9", budget.group(1), dryRun.out());
        assertEquals(Math.round(Double.parseDouble(budget.group(1))) + " MiB",
                FyntrCommand.DEFAULT_BUFFER_MEMORY_WITH_LAUNCHER, "what the help says");

        ProxyProcess.Finished given = ProxyProcess.dryRunOnModulePath(dir, "--max-buffer-memory", "48MiB",
                "--max-connections-per-client", "16");
        assertEquals(0, given.status(), given.err());
        assertTrue(given.out().contains("max 1000 connections (16 per client), buffer memory 48 MiB, "), given.out());
    }

    /** The most descriptors this JVM may open ({@code /proc/self/limits}), or -1 where the platform does not say. */
    private static long openFileLimit() throws IOException {
        Path limits = Path.of("/proc/self/limits");
        if (!Files.isReadable(limits)) {
            return -1;
        }
        for (String line : Files.readAllLines(limits)) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).strip().split("\\s+")[0];
                return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
            }
        }
        return -1;
    }

    /**
     * The last 40 lines the proxy printed, but for the two lines each tunnel logs (which are only counted): what
     * went wrong is in the others.
     */
    private static String tail(ProxyProcess proxy) {
        List<String> other = new ArrayList<>();
        long perTunnel = 0;
        for (String line : proxy.output().split("\n")) {
            if (PER_TUNNEL_LINE.matcher(line).find()) {
                perTunnel++;
            } else {
                other.add(line);
            }
        }
        return "proxy output (" + perTunnel + " per-tunnel lines left out):\n"
                + String.join("\n", other.subList(Math.max(0, other.size() - 40), other.size()));
    }

    /** A CONNECT tunnel to 127.0.0.1:port, after the proxy's 200. */
    private static Socket connect(int proxyPort, int port) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxyPort), 10_000);
            socket.setSoTimeout((int) WAIT.toMillis());
            String target = "127.0.0.1:" + port;
            socket.getOutputStream().write(("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (head.length() < 8192 && !head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.append((char) b);
            }
            assertTrue(head.toString().startsWith("HTTP/1.1 200"), head.toString());
            return socket;
        } catch (IOException | RuntimeException | Error e) {
            socket.close();
            throw e;
        }
    }
}
