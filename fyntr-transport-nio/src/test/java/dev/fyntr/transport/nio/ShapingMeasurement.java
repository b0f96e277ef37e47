package dev.fyntr.transport.nio;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Not a test: the measurements behind docs/shaping.md, as a plain {@code main} run on the test class path.
 * Every number it prints is measured on loopback through a real proxy; nothing here asserts anything.
 *
 * <pre>
 *   rate [bytesPerSecond] [flows] [seconds] [pingEveryMillis] [fixedQuantumBytes]
 *                                             bulk uploads under --max-rate (0: none), plus an interactive tunnel
 *                                             doing one 64 B echo round trip every pingEveryMillis; with
 *                                             fixedQuantumBytes &gt; 0, DRR uses that quantum instead of the
 *                                             adaptive one
 *   storm [connectsPerSecond] [tunnels]       that many CONNECTs at once under --max-connect-rate
 *   throughput [flows] [seconds]              bulk uploads with no limit (also runs against older builds)
 * </pre>
 */
final class ShapingMeasurement {

    private static final long MS = 1_000_000L;

    private ShapingMeasurement() {
    }

    public static void main(String[] args) throws Exception {
        String what = args.length > 0 ? args[0] : "rate";
        switch (what) {
            case "rate" -> rate(arg(args, 1, 10_000_000), (int) arg(args, 2, 16), (int) arg(args, 3, 10),
                    arg(args, 4, 10), (int) arg(args, 5, 0));
            case "storm" -> storm(args.length > 1 ? Double.parseDouble(args[1]) : 50, (int) arg(args, 2, 1000));
            case "throughput" -> throughput((int) arg(args, 1, 16), (int) arg(args, 2, 5));
            default -> throw new IllegalArgumentException("rate | storm | throughput");
        }
    }

    private static long arg(String[] args, int i, long otherwise) {
        return args.length > i ? Long.parseLong(args[i]) : otherwise;
    }

    // ---- rate ----------------------------------------------------------------------------------------------

    private static void rate(long rate, int flows, int seconds, long pingEveryMillis, int quantum)
            throws Exception {
        long warmup = 2_000 * MS;
        long measure = seconds * 1_000 * MS;
        try (CountingSink sink = new CountingSink(flows, warmup + measure + 2_000 * MS);
             TestServers.Server echo = TestServers.echo();
              FyntrProxy proxy = withQuantum(Fixtures.proxyTo(sink.port(), echo.port()).maxRate(rate), quantum)
                     .start()) {
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> uploaders = startUploaders(proxy, sink.port(), flows, stop);
            long t0 = sink.t0;
            sleepUntil(t0 + warmup);
            long[] before = sink.perFlowSnapshot();
            List<Long> rtts = new ArrayList<>();
            try (ProxyClient interactive = new ProxyClient(proxy)) {
                interactive.connect("127.0.0.1:" + echo.port());
                OutputStream out = interactive.socket.getOutputStream();
                InputStream in = interactive.socket.getInputStream();
                byte[] ping = new byte[64];
                // One 64 B round trip at a time: a sparse flow, as a TLS handshake or an API call would be.
                long end = t0 + warmup + measure;
                for (long next = System.nanoTime(); next < end && System.nanoTime() < end;
                     next += pingEveryMillis * MS) {
                    sleepUntil(next);
                    long s = System.nanoTime();
                    out.write(ping);
                    in.readNBytes(64);
                    rtts.add(System.nanoTime() - s);
                }
            }
            sleepUntil(t0 + warmup + measure);
            long[] after = sink.perFlowSnapshot();
            long span = System.nanoTime() - t0 - warmup; // the real span, should this thread wake late
            ProxyStats stats = proxy.stats();
            stop.set(true);
            for (Thread t : uploaders) {
                t.interrupt();
            }
            System.out.printf(Locale.ROOT, "ping every %d ms, quantum %s: ", pingEveryMillis,
                    quantum == 0 ? "adaptive" : quantum + " B");
            report(rate, flows, warmup, measure, span, sink, before, after, rtts, stats);
            proxy.close(Duration.ZERO);
            for (Thread t : uploaders) {
                t.join(5_000);
            }
        }
    }

    private static FyntrProxyBuilder withQuantum(FyntrProxyBuilder b, int quantum) {
        return quantum == 0 ? b : b.fixedQuantum(quantum);
    }

    private static void report(long rate, int flows, long warmup, long measure, long span, CountingSink sink,
                               long[] before,
                               long[] after, List<Long> rtts, ProxyStats stats) {
        int first = (int) (warmup / (10 * MS));
        int last = (int) ((warmup + measure) / (10 * MS)); // exclusive
        long perWindow100 = Math.max(1, rate / 10); // rate 0: a baseline run, windows meaningless
        int within = 0;
        int windows = 0;
        double worst = 0;
        for (int w = first; w + 10 <= last; w += 10) {
            long sum = 0;
            for (int i = w; i < w + 10; i++) {
                sum += sink.windows.get(i);
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
            max10 = Math.max(max10, sink.windows.get(i));
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
        System.out.printf(Locale.ROOT, "rate %d B/s, %d flows, %d s: aggregate %.2f MB/s; 100 ms windows within "
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

    // ---- throughput ----------------------------------------------------------------------------------------

    /** Uses only API that predates shaping, so the same class can run against an older build of the transport. */
    private static void throughput(int flows, int seconds) throws Exception {
        long warmup = 1_000 * MS;
        long measure = seconds * 1_000 * MS;
        try (CountingSink sink = new CountingSink(flows, warmup + measure + 2_000 * MS);
             FyntrProxy proxy = Fixtures.proxyTo(sink.port()).start()) {
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> uploaders = startUploaders(proxy, sink.port(), flows, stop);
            sleepUntil(sink.t0 + warmup);
            long[] before = sink.perFlowSnapshot();
            sleepUntil(sink.t0 + warmup + measure);
            long[] after = sink.perFlowSnapshot();
            stop.set(true);
            long total = 0;
            for (int f = 0; f < flows; f++) {
                total += after[f] - before[f];
            }
            System.out.printf(Locale.ROOT, "throughput, %d flows, no limit: %.1f MB/s%n", flows,
                    total / (measure / 1e9) / 1e6);
            proxy.close(Duration.ZERO);
            for (Thread t : uploaders) {
                t.join(5_000);
            }
        }
    }

    private static List<Thread> startUploaders(FyntrProxy proxy, int port, int flows, AtomicBoolean stop)
            throws IOException {
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < flows; i++) {
            ProxyClient c = new ProxyClient(proxy);
            c.connect("127.0.0.1:" + port);
            Thread t = new Thread(() -> {
                byte[] block = new byte[64 * 1024];
                try (c) {
                    OutputStream out = c.socket.getOutputStream();
                    while (!stop.get()) {
                        out.write(block);
                    }
                } catch (IOException e) {
                    // closed at the end
                }
            }, "uploader-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        return threads;
    }

    // ---- storm ---------------------------------------------------------------------------------------------

    private static void storm(double perSecond, int tunnels) throws Exception {
        List<Long> acceptTimes = new CopyOnWriteArrayList<>();
        List<Socket> upstreamSockets = new CopyOnWriteArrayList<>();
        try (ServerSocket upstream = new ServerSocket()) {
            upstream.bind(new InetSocketAddress(TestServers.LOOPBACK, 0), 4096);
            Thread acceptor = new Thread(() -> {
                while (!upstream.isClosed()) {
                    try {
                        Socket s = upstream.accept();
                        acceptTimes.add(System.nanoTime());
                        upstreamSockets.add(s);
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "storm-upstream");
            acceptor.setDaemon(true);
            acceptor.start();
            try (FyntrProxy proxy = Fixtures.proxyTo(upstream.getLocalPort()).maxConnectRate(perSecond)
                    .maxConnections(tunnels + 100).listenBacklog(4096).handshakeTimeout(Duration.ofSeconds(60))
                    .start()) {
                List<Socket> clients = new ArrayList<>();
                byte[] request = ("CONNECT 127.0.0.1:" + upstream.getLocalPort() + " HTTP/1.1\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII);
                long t0 = System.nanoTime();
                for (int i = 0; i < tunnels; i++) {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress(TestServers.LOOPBACK, proxy.port()), 10_000);
                    s.setSoTimeout(120_000);
                    s.getOutputStream().write(request);
                    clients.add(s);
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
                int[] perSecondCounts = new int[(int) (done / 1_000_000_000L) + 2];
                for (long at : acceptTimes) {
                    perSecondCounts[(int) ((at - t0) / 1_000_000_000L)]++;
                }
                int lastFull = (int) ((acceptTimes.get(acceptTimes.size() - 1) - t0) / 1_000_000_000L) - 1;
                int minFull = Integer.MAX_VALUE;
                int maxFull = 0;
                for (int sec = 1; sec <= lastFull; sec++) {
                    minFull = Math.min(minFull, perSecondCounts[sec]);
                    maxFull = Math.max(maxFull, perSecondCounts[sec]);
                }
                System.out.printf(Locale.ROOT, "storm %d tunnels at %.0f/s: sent in %d ms, %d x 200 in %.1f s; "
                                + "upstream connections per second %s; full seconds 1-%d: min %d, max %d; "
                                + "503s %d, delayed %d, expired %d%n",
                        tunnels, perSecond, sent / MS, ok, done / 1e9, Arrays.toString(perSecondCounts), lastFull,
                        minFull, maxFull, stats.rejections(503), stats.shaping().connectsDelayed(),
                        stats.shaping().connectsExpired());
                for (Socket s : clients) {
                    s.close();
                }
                proxy.close(Duration.ZERO);
            } finally {
                for (Socket s : upstreamSockets) {
                    s.close();
                }
            }
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private static void sleepUntil(long deadline) throws InterruptedException {
        for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
            Thread.sleep(Math.max(1, left / MS), 0);
        }
    }

    /** Counts bytes per flow (in accept order) and per 10 ms window, from its creation. */
    private static final class CountingSink implements AutoCloseable {
        final long t0 = System.nanoTime();
        final AtomicLongArray windows;
        final AtomicLongArray perFlow;
        private final ServerSocket server = new ServerSocket();
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();

        CountingSink(int flows, long spanNanos) throws IOException {
            windows = new AtomicLongArray((int) (spanNanos / (10 * MS)) + 1);
            perFlow = new AtomicLongArray(flows);
            server.bind(new InetSocketAddress(TestServers.LOOPBACK, 0), 1024);
            Thread acceptor = new Thread(() -> {
                for (int i = 0; !server.isClosed(); i++) {
                    Socket s;
                    try {
                        s = server.accept();
                    } catch (IOException e) {
                        return;
                    }
                    sockets.add(s);
                    int flow = i;
                    Thread reader = new Thread(() -> drain(s, flow), "sink-" + flow);
                    reader.setDaemon(true);
                    reader.start();
                }
            }, "sink-acceptor");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private void drain(Socket s, int flow) {
            byte[] buf = new byte[64 * 1024];
            try (s) {
                InputStream in = s.getInputStream();
                for (int n; (n = in.read(buf)) >= 0; ) {
                    int w = (int) ((System.nanoTime() - t0) / (10 * MS));
                    if (w < windows.length()) {
                        windows.addAndGet(w, n);
                    }
                    if (flow < perFlow.length()) {
                        perFlow.addAndGet(flow, n);
                    }
                }
            } catch (IOException e) {
                // closed at the end
            }
        }

        long[] perFlowSnapshot() {
            long[] out = new long[perFlow.length()];
            for (int i = 0; i < out.length; i++) {
                out[i] = perFlow.get(i);
            }
            return out;
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
