package dev.fyntr.bench.load;

import dev.fyntr.bench.plot.Cdf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The load tool's own servers, routes and statistics work; nothing here measures performance. */
@Timeout(60)
class LoadToolTest {

    private static final int TIMEOUT_MS = 10_000;

    @Test
    void echoServerReturnsEveryByteOfEveryConcurrentTunnel() throws IOException {
        try (EchoServer echo = EchoServer.start()) {
            Map<String, Double> m = LoadTool.storm(Route.direct(TIMEOUT_MS), echo.address(), 20, 100_000, TIMEOUT_MS);
            assertEquals(20.0, m.get("tunnels verified (of 20)"));
            assertEquals(20, echo.accepted());
        }
    }

    @Test
    void sinkCountsTheBytesOfEachConnection() throws IOException, InterruptedException {
        try (SinkServer sink = SinkServer.start();
             Socket a = Route.direct(TIMEOUT_MS).open(sink.address());
             Socket b = Route.direct(TIMEOUT_MS).open(sink.address())) {
            a.getOutputStream().write(new byte[1000]);
            b.getOutputStream().write(new byte[3000]);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (sink.totalBytes() < 4000 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            long[] counts = sink.bytesPerConnection();
            Arrays.sort(counts);
            assertArrayEquals(new long[] {1000, 3000}, counts);
        }
    }

    @Test
    void routeThroughAProxyTunnelsToTheTargetAndReportsARefusal() throws IOException {
        try (EchoServer echo = EchoServer.start(); TinyConnectProxy proxy = new TinyConnectProxy(false);
             TinyConnectProxy refusing = new TinyConnectProxy(true)) {
            try (Socket s = Route.via(proxy.address(), TIMEOUT_MS).open(echo.address())) {
                LoadTool.echoAndVerify(s, 3, 50_000);
            }
            IOException e = assertThrows(IOException.class,
                    () -> Route.via(refusing.address(), TIMEOUT_MS).open(echo.address()));
            assertTrue(e.getMessage().contains("403"), e.getMessage());
        }
    }

    @Test
    void fullRunThroughAProxyPrintsDirectAndProxyColumnsAndJson(@org.junit.jupiter.api.io.TempDir Path dir)
            throws IOException {
        try (TinyConnectProxy proxy = new TinyConnectProxy(false)) {
            Path json = dir.resolve("out.json");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = LoadTool.run(new String[] {"all", "--proxy", "127.0.0.1:" + proxy.address().getPort(),
                    "--tunnels", "10", "--bytes", "10000", "--seconds", "0.2", "--count", "20", "--json",
                    json.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            String text = out.toString(StandardCharsets.UTF_8);
            assertEquals(0, code, text + err.toString(StandardCharsets.UTF_8));
            assertTrue(text.contains("| storm | tunnels verified (of 10) | 10.0 | 10.0 | 1.00 |"), text);
            assertTrue(text.contains("| bulk | 16 streams, Jain |"), text);
            assertTrue(text.contains("| interactive | 64B RTT p99 +16 bulk, us |"), text);
            assertTrue(text.contains("| interactive | p50 +16 bulk / idle p50 |"), text);
            assertTrue(text.contains("| interactive | 16 bulk kept during echoes, % |"), text);
            LoadReport report = LoadReport.read(json);
            assertEquals("proxy", report.label());
            LoadReport.Row latency = report.row("latency", "connect+1B p50, ms");
            assertTrue(latency.direct() > 0 && latency.proxy() > 0, latency.toString());
            // Every timed echo is kept: 20 per series and route, one run.
            for (String route : List.of("direct", "proxy")) {
                for (String series : List.of(LoadTool.IDLE_SERIES, LoadTool.LOADED_SERIES)) {
                    Cdf cdf = report.cdf(series, route);
                    assertEquals(20, cdf.samples(), series + " " + route);
                    assertEquals(1.0, cdf.fractions()[cdf.fractions().length - 1]);
                }
            }
            // The CDF's median is the table's p50.
            assertEquals(report.row("interactive", "64B RTT p50 +16 bulk, us").proxy(),
                    report.cdf(LoadTool.LOADED_SERIES, "proxy").percentile(50), 1e-9);
        }
    }

    @Test
    void bulkByBytesTimesAFixedUploadAndCountsEveryByte() throws IOException {
        try (SinkServer sink = SinkServer.start()) {
            Map<String, Double> m = LoadTool.bulkBytes(Route.direct(TIMEOUT_MS), sink, 8 << 20, -1, TIMEOUT_MS);
            assertTrue(m.get("1 stream, MB/s") > 0, m.toString());
            assertTrue(m.get("16 streams, MB/s") > 0, m.toString());
            // 8 MiB once, then 16 x 1 MiB: the sink saw exactly that much.
            assertEquals((8L << 20) + 16L * (1 << 20), sink.totalBytes());
            assertEquals(1.0, m.get("16 streams, Jain"), 1e-9);
        }
    }

    @Test
    void bulkOfTheForkedProxyReportsItsCpuAndSystemCallsPerMib() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/self/io")), "needs Linux /proc");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = LoadTool.run(new String[] {"bulk", "--fork", "--bulk-mib", "16"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text + err.toString(StandardCharsets.UTF_8));
        assertTrue(text.matches("(?s).*\\| memory \\| proxy RSS before any traffic, MiB \\| - \\| [0-9.]+ \\| - \\|.*"), text);
        // A relay reads and writes every MiB at least once (its chunks are at most 1 MiB) ...
        assertTrue(text.matches("(?s).*\\| bulk \\| 16 streams, proxy write calls per MiB \\| - \\| [1-9][0-9.]* \\|.*"), text);
        assertTrue(text.matches("(?s).*\\| bulk \\| 1 stream, proxy read calls per MiB \\| - \\| [1-9][0-9.]* \\|.*"), text);
        assertTrue(text.contains("| bulk | 1 stream, proxy CPU s/GiB |"), text);
    }

    @Test
    void procIoParsesReadAndWriteCalls() {
        assertArrayEquals(new long[] {12, 34}, ProcIo.parse("rchar: 1\nwchar: 2\nsyscr: 12\nsyscw: 34\nread_bytes: 0\n"));
        assertEquals(null, ProcIo.parse("rchar: 1\n"));
        assertEquals(null, ProcIo.readWriteCalls(-1));
    }

    @Test
    void sampleStoreKeepsAtMostItsCapPerSeriesAndPoolsRuns() {
        SampleStore store = new SampleStore();
        store.add("fyntr", "s", "us", 1e3, new long[] {3000, 1000, 2000}, 3);
        store.add("fyntr", "s", "us", 1e3, new long[] {4000, 9}, 1); // only the first counts
        List<Cdf> cdfs = store.cdfs(10);
        assertEquals(1, cdfs.size());
        assertArrayEquals(new double[] {1, 2, 3, 4}, cdfs.get(0).values());
        long[] big = new long[SampleStore.MAX_SAMPLES_PER_SERIES];
        store.add("squid", "s", "us", 1e3, big, big.length);
        store.add("squid", "s", "us", 1e3, new long[] {1, 2}, 2);
        assertEquals(2, store.dropped("squid", "s"));
        assertEquals(SampleStore.MAX_SAMPLES_PER_SERIES, store.cdfs(10).get(1).samples());
    }

    @Test
    void drivesTheRealProxyInProcessWithTheBenchFifoScheduler() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = LoadTool.run(new String[] {"storm", "--scheduler", "bench-fifo", "--tunnels", "20", "--bytes",
                "20000"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text + err.toString(StandardCharsets.UTF_8));
        assertTrue(text.contains("(scheduler bench-fifo)"), text);
        assertTrue(text.contains("| storm | tunnels verified (of 20) | 20.0 | 20.0 | 1.00 |"), text);
    }

    @Test
    void directOnlyModeLeavesTheProxyColumnEmpty() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = LoadTool.run(new String[] {"latency", "--direct-only", "--count", "10"},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text);
        assertTrue(text.matches("(?s).*\\| latency \\| connect\\+1B p50, ms \\| [0-9.]+ \\| - \\| - \\|.*"), text);
    }

    @Test
    void badUsageExitsWithTwo() {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertEquals(2, LoadTool.run(new String[] {}, sink, sink));
        assertEquals(2, LoadTool.run(new String[] {"storm", "--tunnels", "0"}, sink, sink));
        assertEquals(2, LoadTool.run(new String[] {"bulk", "--proxy", "nocolon"}, sink, sink));
        assertEquals(2, LoadTool.run(new String[] {"latency", "--whatever", "1"}, sink, sink));
        assertEquals(2, LoadTool.run(new String[] {"latency", "--fork", "--direct-only"}, sink, sink));
        assertEquals(2, LoadTool.run(new String[] {"bulk", "--bulk-mib", "0"}, sink, sink));
        assertEquals(2, LoadTool.run(new String[] {"bulk", "--label", "a b"}, sink, sink));
        assertEquals(2, LoadTool.run(new String[] {"bulk", "--label", "direct"}, sink, sink));
    }

    @Test
    void medianOfRunsIgnoresMissingValues() {
        List<Map<String, Double>> runs = List.of(Map.of("x", 3.0), Map.of("x", 1.0), Map.of("x", 2.0));
        assertEquals(2.0, LoadTool.median(runs, "x"));
        assertEquals(1.5, LoadTool.median(runs.subList(1, 3), "x"));
        assertTrue(Double.isNaN(LoadTool.median(List.of(), "x")));
    }
}
