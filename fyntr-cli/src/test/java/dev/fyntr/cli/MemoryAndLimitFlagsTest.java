package dev.fyntr.cli;

import dev.fyntr.transport.nio.FyntrProxy;
import dev.fyntr.transport.nio.FyntrProxyBuilder;
import dev.fyntr.transport.nio.MemoryStats;
import dev.fyntr.transport.nio.ProxyDefaults;import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import dev.fyntr.transport.nio.ProxyStats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --max-buffer-memory}, {@code --max-connections-per-client} and {@code --max-name-lookups[-per-client]}
 * reach the proxy: it reports the budget it was given, and refuses what the limits say it must. In-process, on
 * 127.0.0.1; name lookups go to a fake resolver that answers only when the test lets it (never real DNS).
 */
class MemoryAndLimitFlagsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int CHUNK = 16 * 1024;

    private static FyntrProxy start(Map<String, String> env, String... args) throws Exception {
        return configure(env, args).start();
    }

    private static FyntrProxyBuilder configure(Map<String, String> env, String... args)
            throws Exception {
        String[] all = new String[args.length + 2];
        all[0] = "--port";
        all[1] = "0";
        System.arraycopy(args, 0, all, 2, args.length);
        FyntrCommand o = FyntrCli.parse(all, env).options();
        return FyntrCli.configure(o, InetAddress.getLoopbackAddress(), null);
    }

    @Test
    void shouldGiveTheProxyTheBudgetOfTheFlagOrTheVariable() throws Exception {
        try (FyntrProxy proxy = start(Map.of(), "--max-buffer-memory", "8MiB")) {
            MemoryStats memory = proxy.stats().memory();
            assertEquals(8L << 20, memory.limitBytes());
            assertEquals(0, memory.usedBytes());
        }
        try (FyntrProxy proxy = start(Map.of("FYNTR_MAX_BUFFER_MEMORY", "2MiB"))) {
            assertEquals(2L << 20, proxy.stats().memory().limitBytes());
        }
        // The flag wins over the variable.
        try (FyntrProxy proxy = start(Map.of("FYNTR_MAX_BUFFER_MEMORY", "2MiB"), "--max-buffer-memory=3MiB")) {
            assertEquals(3L << 20, proxy.stats().memory().limitBytes());
        }
    }

    @Test
    void shouldDescribeTheDefaultBudgetInTheHelp() {
        Cli.Result r = Cli.run("--help");
        assertEquals(0, r.status(), r.err());
        String help = r.out().replaceAll("\\s+", " ");
        assertTrue(help.contains("--max-buffer-memory=SIZE One memory budget for every buffer"), help);
        assertTrue(help.contains("Env FYNTR_MAX_BUFFER_MEMORY, default half the JVM's direct-memory limit "
                + "(MaxDirectMemorySize, else the maximum heap): about 31 MiB with the launcher's flags; --dry-run "
                + "shows it."), help);
        assertTrue(help.contains("Env FYNTR_MAX_CONNECTIONS_PER_CLIENT, default 0."), help);
        assertTrue(help.contains("Env FYNTR_MAX_NAME_LOOKUPS, default " + ProxyDefaults.MAX_NAME_LOOKUPS + "."), help);
        assertTrue(help.contains("Env FYNTR_MAX_NAME_LOOKUPS_PER_CLIENT, default "
                + ProxyDefaults.MAX_NAME_LOOKUPS_PER_CLIENT + "."), help);
    }

    @Test
    void shouldGiveTheProxyTheBuildersDefaultBudgetWithoutTheFlag() throws Exception {
        try (FyntrProxy proxy = start(Map.of())) {
            // Whole 16 KiB chunks of half this JVM's direct-memory limit.
            long expected = ProxyDefaults.maxBufferMemory() / CHUNK * CHUNK;
            assertEquals(expected, proxy.stats().memory().limitBytes());
        }
    }

    @Test
    void shouldRefuseAConnectionBeyondMaxConnectionsPerClientWith503AndTheReason() throws Exception {
        try (FyntrProxy proxy = start(Map.of(), "--max-connections-per-client", "1")) {
            try (Socket first = connect(proxy)) {
                // Admitted: a handshake in progress holds the client's one connection.
                await(proxy, s -> s.openHandshakes() == 1, "the first connection's handshake");
                try (Socket second = connect(proxy)) {
                    String answer = response(second);
                    assertTrue(answer.startsWith("HTTP/1.1 503"), answer);
                    assertTrue(answer.contains("--max-connections-per-client"), answer);
                }
                // The admitted one is served as usual.
                assertTrue(get(first).startsWith("HTTP/1.1 400"));
            }
            // The first one has gone: the client may connect again (a GET in origin form is answered 400, not 503).
            await(proxy, s -> s.openHandshakes() == 0 && s.lingeringRejections() == 0, "both connections closed");
            try (Socket again = connect(proxy)) {
                String answer = get(again);
                assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
            }
        }
    }

    @Test
    void shouldLeaveConnectionsPerClientUnlimitedByDefault() throws Exception {
        try (FyntrProxy proxy = start(Map.of());
             Socket a = connect(proxy); Socket b = connect(proxy); Socket c = connect(proxy)) {
            await(proxy, s -> s.openHandshakes() == 3, "three handshakes from one client");
            for (Socket s : new Socket[] {a, b, c}) {
                String answer = get(s);
                assertTrue(answer.startsWith("HTTP/1.1 400"), answer); // served, not refused with 503
            }
        }
    }

    @Test
    void shouldRefuseANewNameBeyondMaxNameLookups() throws Exception {
        CountDownLatch answer = new CountDownLatch(1);
        try (FyntrProxy proxy = configure(Map.of(), "--max-name-lookups", "1")
                .resolver(host -> {
                    awaitQuietly(answer);
                    throw new UnknownHostException(host + ": not in this test");
                }).start();
             Socket first = connect(proxy)) {
            try {
                sendConnect(first, "a.example.test:443");
                await(proxy, s -> s.nameLookupsInFlight() == 1, "the first lookup");
                try (Socket second = connect(proxy)) {
                    sendConnect(second, "b.example.test:443");
                    String refused = response(second);
                    assertTrue(refused.startsWith("HTTP/1.1 503"), refused);
                    assertTrue(refused.contains("too many name lookups in flight"), refused);
                }
            } finally {
                answer.countDown();
            }
            // The first request gets its own answer: the name does not resolve.
            assertTrue(response(first).startsWith("HTTP/1.1 502"));
        }
    }

    @Test
    void shouldRefuseARequestBeyondMaxNameLookupsPerClient() throws Exception {
        CountDownLatch answer = new CountDownLatch(1);
        try (FyntrProxy proxy = configure(Map.of("FYNTR_MAX_NAME_LOOKUPS_PER_CLIENT", "1"))
                .resolver(host -> {
                    awaitQuietly(answer);
                    throw new UnknownHostException(host + ": not in this test");
                }).start();
             Socket first = connect(proxy)) {
            try {
                sendConnect(first, "a.example.test:443");
                await(proxy, s -> s.nameLookupsInFlight() == 1, "the first lookup");
                try (Socket second = connect(proxy)) {
                    // The same name: it would join the lookup in flight, but this client already waits for one.
                    sendConnect(second, "a.example.test:443");
                    String refused = response(second);
                    assertTrue(refused.startsWith("HTTP/1.1 503"), refused);
                    assertTrue(refused.contains("too many name lookups from this client"), refused);
                }
            } finally {
                answer.countDown();
            }
            assertTrue(response(first).startsWith("HTTP/1.1 502"));
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Socket connect(FyntrProxy proxy) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()), 10_000);
        s.setSoTimeout((int) WAIT.toMillis());
        return s;
    }

    /** A GET in origin form, which a proxy answers 400 (it needs the absolute URI): any served connection gets that. */
    private static String get(Socket s) throws IOException {
        s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return response(s);
    }

    private static void sendConnect(Socket s, String target) throws IOException {
        s.getOutputStream().write(("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    }

    /** One response: its head, then as many body bytes as its Content-Length says (the proxy may linger). */
    private static String response(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (head.length() < 8192 && !head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return head + "<EOF>";
            }
            head.append((char) b);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).strip());
            }
        }
        return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    /** Polls the proxy's stats (each poll is a round trip to its event loop) until the condition holds. */
    private static void await(FyntrProxy proxy, Predicate<ProxyStats> condition, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        ProxyStats last = proxy.stats();
        while (!condition.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within " + WAIT + ": " + what + "; stats " + last);
            }
            Thread.sleep(5); // no event announces a change of the stats; bounded by the deadline
            last = proxy.stats();
        }
    }
}
