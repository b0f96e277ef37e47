package dev.fyntr.bench.load;

import dev.fyntr.transport.nio.FyntrProxy;
import dev.fyntr.transport.nio.FyntrProxyBuilder;
import dev.fyntr.transport.nio.ProxyStats;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The measurements behind docs/shaping.md: Fyntr in-process on 127.0.0.1 (through its public builder), the load
 * tool's own {@link SinkServer} and {@link EchoServer}, and clients that open their tunnels with {@link Route}.
 * Every number it prints is measured; nothing here asserts anything.
 *
 * <pre>
 * java -cp benchmarks.jar dev.fyntr.bench.load.ShapingMeasurement MODE [arguments]
 *   rate [bytesPerSecond] [flows] [seconds] [pingEveryMillis] [fixedQuantumBytes]
 *                                             bulk uploads under --max-rate (0: none), plus an interactive tunnel
 *                                             doing one 64 B echo round trip every pingEveryMillis; with
 *                                             fixedQuantumBytes &gt; 0, DRR uses that quantum instead of the
 *                                             adaptive one (defaults: 10000000 16 10 10 0)
 *   storm [connectsPerSecond] [tunnels]       that many CONNECTs at once under --max-connect-rate (50 1000)
 *   throughput [flows] [seconds]              bulk uploads with no limit (16 5)
 * </pre>
 */
public final class ShapingMeasurement {

    private static final long MS = 1_000_000L;
    /** Connect and read timeout of every client socket. */
    private static final int TIMEOUT_MS = 20_000;
    private static final String USAGE = "usage: ShapingMeasurement rate [bytesPerSecond] [flows] [seconds] "
            + "[pingEveryMillis] [fixedQuantumBytes] | storm [connectsPerSecond] [tunnels] | throughput [flows] "
            + "[seconds]";

    private ShapingMeasurement() {
    }

    /** Entry point: exit 0 when the measurement ran, 1 when it failed, 2 on bad usage. */
    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        try {
            run(args, System.out);
        } catch (IllegalArgumentException e) {
            System.err.println("shaping: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
        } catch (Exception e) {
            System.err.println("shaping: " + e);
            System.exit(1);
        }
    }

    /** Runs one mode and prints its result line to {@code out}. */
    static void run(String[] args, PrintStream out) throws Exception {
        String what = args.length > 0 ? args[0] : "rate";
        switch (what) {
            case "rate" -> rate(out, arg(args, 1, 10_000_000), (int) arg(args, 2, 16), (int) arg(args, 3, 10),
                    arg(args, 4, 10), (int) arg(args, 5, 0));
            case "storm" -> storm(out, args.length > 1 ? Double.parseDouble(args[1]) : 50, (int) arg(args, 2, 1000));
            case "throughput" -> throughput(out, (int) arg(args, 1, 16), (int) arg(args, 2, 5));
            default -> throw new IllegalArgumentException("unknown mode " + what + "; rate | storm | throughput");
        }
    }

    private static long arg(String[] args, int i, long otherwise) {
        return args.length > i ? Long.parseLong(args[i]) : otherwise;
    }

    /** Fyntr on a free loopback port that may connect to 127.0.0.1 on the given ports, and resolves no name. */
    private static FyntrProxyBuilder proxyTo(int... ports) {
        return FyntrProxy.builder()
                .bind(InetAddress.getLoopbackAddress())
                .port(0)
                .allowPorts(ports)
                .allowCidrs("127.0.0.1/32")
                .resolver(host -> {
                    throw new UnknownHostException(host + " (the measurement connects to 127.0.0.1 only)");
                })
                .shutdownGrace(Duration.ZERO);
    }

    private static Route via(FyntrProxy proxy) {
        return Route.via(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()), TIMEOUT_MS);
    }

    // ---- rate ----------------------------------------------------------------------------------------------

    private static void rate(PrintStream out, long rate, int flows, int seconds, long pingEveryMillis, int quantum)
            throws Exception {
        long warmup = 2_000 * MS;
        long measure = seconds * 1_000 * MS;
        int windows = (int) ((warmup + measure + 2_000 * MS) / (10 * MS)) + 1;
        try (SinkServer sink = SinkServer.startWindowed(10 * MS, windows);
             EchoServer echo = EchoServer.start();
             FyntrProxy proxy = withQuantum(proxyTo(sink.address().getPort(), echo.address().getPort())
                     .maxRate(rate), quantum).start();
             Uploaders uploaders = Uploaders.start(via(proxy), sink.address(), flows)) {
            long t0 = sink.startNanos();
            sleepUntil(t0 + warmup);
            long[] before = perFlow(sink, flows);
            List<Long> rtts = new ArrayList<>();
            try (Socket interactive = via(proxy).open(echo.address())) {
                OutputStream o = interactive.getOutputStream();
                InputStream in = interactive.getInputStream();
                byte[] ping = new byte[64];
                // One 64 B round trip at a time: a sparse flow, as a TLS handshake or an API call would be.
                long end = t0 + warmup + measure;
                for (long next = System.nanoTime(); next < end && System.nanoTime() < end;
                     next += pingEveryMillis * MS) {
                    sleepUntil(next);
                    long s = System.nanoTime();
                    o.write(ping);
                    if (in.readNBytes(64).length != 64) {
                        throw new IOException("the echo tunnel ended");
                    }
                    rtts.add(System.nanoTime() - s);
                }
            }
            sleepUntil(t0 + warmup + measure);
            long[] after = perFlow(sink, flows);
            long span = System.nanoTime() - t0 - warmup; // the real span, should this thread wake late
            ProxyStats stats = proxy.stats();
            if (uploaders.failure() != null) {
                throw new IOException("an upload failed: " + uploaders.failure(), uploaders.failure());
            }
            out.printf(Locale.ROOT, "ping every %d ms, quantum %s: ", pingEveryMillis,
                    quantum == 0 ? "adaptive" : quantum + " B");
            report(out, rate, flows, warmup, measure, span, sink, before, after, rtts, stats);
        } // closed in reverse: the uploads end first, then the proxy (no grace), then the servers
    }

    private static FyntrProxyBuilder withQuantum(FyntrProxyBuilder b, int quantum) {
        return quantum == 0 ? b : b.fixedQuantum(quantum);
    }

    private static void report(PrintStream out, long rate, int flows, long warmup, long measure, long span,
                               SinkServer sink, long[] before, long[] after, List<Long> rtts, ProxyStats stats) {
        int first = (int) (warmup / (10 * MS));
        int last = (int) ((warmup + measure) / (10 * MS)); // exclusive
        long perWindow100 = Math.max(1, rate / 10); // rate 0: a baseline run, windows meaningless
        int within = 0;
        int windows = 0;
        double worst = 0;
        for (int w = first; w + 10 <= last; w += 10) {
            long sum = 0;
            for (int i = w; i < w + 10; i++) {
                sum += sink.windowBytes(i);
            }
            double dev = (sum - perWindow100) / (double) perWindow100;
            worst = Math.max(worst, Math.abs(dev));
            windows++;
            if (Math.abs(dev) <= 0.10) {
                within++;
            }
        }
        long max10 = 0;
        for (int i = first; i < last; i++) {
            max10 = Math.max(max10, sink.windowBytes(i));
        }
        long allowance10 = Math.max(64 * 1024, rate / 100) + rate / 100;
        double sum = 0;
        double squares = 0;
        long total = 0;
        for (int f = 0; f < flows; f++) {
            long b = after[f] - before[f];
            total += b;
            sum += b;
            squares += (double) b * b;
        }
        double jain = sum * sum / (flows * squares);
        long[] sorted = rtts.stream().mapToLong(Long::longValue).sorted().toArray();
        if (sorted.length == 0) {
            throw new IllegalStateException("no interactive round trip completed in the measured span");
        }
        out.printf(Locale.ROOT, "rate %d B/s, %d flows, %d s: aggregate %.2f MB/s; 100 ms windows within "
                        + "±10%%: %d/%d (worst %.1f%%); max 10 ms window %d B (allowance %d B); Jain %.4f; "
                        + "interactive RTT p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d pings); held back now %d B, "
                        + "throttles %d%n",
                rate, flows, measure / 1_000_000_000L, total / (span / 1e9) / 1e6, within, windows, worst * 100,
                max10, allowance10, jain, pct(sorted, 0.50), pct(sorted, 0.99), sorted[sorted.length - 1] / 1e6,
                sorted.length, stats.shaping().uploadHeldBackBytes(), stats.shaping().uploadThrottles());
    }

    private static double pct(long[] sorted, double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e6;
    }

    /** Bytes received so far by each of the first {@code flows} connections the sink accepted (the uploads). */
    private static long[] perFlow(SinkServer sink, int flows) {
        return Arrays.copyOf(sink.bytesPerConnection(), flows);
    }

    // ---- throughput ----------------------------------------------------------------------------------------

    private static void throughput(PrintStream out, int flows, int seconds) throws Exception {
        long warmup = 1_000 * MS;
        long measure = seconds * 1_000 * MS;
        try (SinkServer sink = SinkServer.start();
             FyntrProxy proxy = proxyTo(sink.address().getPort()).start();
             Uploaders uploaders = Uploaders.start(via(proxy), sink.address(), flows)) {
            long t0 = System.nanoTime();
            sleepUntil(t0 + warmup);
            long[] before = perFlow(sink, flows);
            sleepUntil(t0 + warmup + measure);
            long[] after = perFlow(sink, flows);
            if (uploaders.failure() != null) {
                throw new IOException("an upload failed: " + uploaders.failure(), uploaders.failure());
            }
            long total = 0;
            for (int f = 0; f < flows; f++) {
                total += after[f] - before[f];
            }
            out.printf(Locale.ROOT, "throughput, %d flows, no limit: %.1f MB/s%n", flows,
                    total / (measure / 1e9) / 1e6);
        }
    }

    // ---- storm ---------------------------------------------------------------------------------------------

    private static void storm(PrintStream out, double perSecond, int tunnels) throws Exception {
        try (AcceptClock upstream = AcceptClock.start();
             FyntrProxy proxy = proxyTo(upstream.address().getPort()).maxConnectRate(perSecond)
                     .maxConnections(tunnels + 100).listenBacklog(4096).handshakeTimeout(Duration.ofSeconds(60))
                     .start()) {
            List<Socket> clients = new ArrayList<>();
            try {
                byte[] request = ("CONNECT 127.0.0.1:" + upstream.address().getPort() + " HTTP/1.1\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII);
                long t0 = System.nanoTime();
                for (int i = 0; i < tunnels; i++) {
                    Socket s = new Socket();
                    clients.add(s);
                    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()), 10_000);
                    s.setSoTimeout(120_000);
                    s.getOutputStream().write(request);
                }
                long sent = System.nanoTime() - t0;
                int ok = 0;
                for (Socket s : clients) {
                    byte[] head = s.getInputStream().readNBytes(39); // "HTTP/1.1 200 Connection Established\r\n\r\n"
                    if (new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200")) {
                        ok++;
                    }
                }
                long done = System.nanoTime() - t0;
                ProxyStats stats = proxy.stats();
                List<Long> acceptTimes = upstream.acceptTimes();
                int[] perSecondCounts = new int[(int) (done / 1_000_000_000L) + 2];
                for (long at : acceptTimes) {
                    perSecondCounts[(int) Math.min(perSecondCounts.length - 1, (at - t0) / 1_000_000_000L)]++;
                }
                int lastFull = acceptTimes.isEmpty() ? -1
                        : (int) ((acceptTimes.get(acceptTimes.size() - 1) - t0) / 1_000_000_000L) - 1;
                int minFull = Integer.MAX_VALUE;
                int maxFull = 0;
                for (int sec = 1; sec <= lastFull; sec++) {
                    minFull = Math.min(minFull, perSecondCounts[sec]);
                    maxFull = Math.max(maxFull, perSecondCounts[sec]);
                }
                out.printf(Locale.ROOT, "storm %d tunnels at %.0f/s: sent in %d ms, %d x 200 in %.1f s; "
                                + "upstream connections per second %s; full seconds 1-%d: min %d, max %d; "
                                + "503s %d, delayed %d, expired %d%n",
                        tunnels, perSecond, sent / MS, ok, done / 1e9, Arrays.toString(perSecondCounts), lastFull,
                        lastFull >= 1 ? minFull : 0, maxFull, stats.rejections(503),
                        stats.shaping().connectsDelayed(), stats.shaping().connectsExpired());
            } finally {
                for (Socket s : clients) {
                    s.close();
                }
            }
        }
    }

    /** The storm's upstream: records when it accepts each connection, then reads and discards until EOF. */
    private static final class AcceptClock extends LoopbackServer {
        private final List<Long> acceptTimes = new CopyOnWriteArrayList<>();
        private final ByteBuffer discard = ByteBuffer.allocate(4096); // the selector thread's only

        private AcceptClock() throws IOException {
            super("storm-upstream", 4096);
        }

        static AcceptClock start() throws IOException {
            AcceptClock s = new AcceptClock();
            s.startThread();
            return s;
        }

        List<Long> acceptTimes() {
            return List.copyOf(acceptTimes);
        }

        @Override
        void onAccepted(SocketChannel ch) throws IOException {
            acceptTimes.add(System.nanoTime());
            ch.register(selector, SelectionKey.OP_READ);
        }

        @Override
        void onReady(SelectionKey key) throws IOException {
            discard.clear();
            if (((SocketChannel) key.channel()).read(discard) < 0) {
                closeQuietly(key);
            }
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    /** Sleeps until {@link System#nanoTime()} reaches {@code deadline}: the measured spans themselves. */
    private static void sleepUntil(long deadline) throws InterruptedException {
        for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
            Thread.sleep(Math.max(1, left / MS), 0);
        }
    }
}
