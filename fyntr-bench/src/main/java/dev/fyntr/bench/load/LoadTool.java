package dev.fyntr.bench.load;

import dev.fyntr.bench.plot.Cdf;
import dev.fyntr.bench.sim.Fairness;
import dev.fyntr.transport.nio.FyntrProxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A loopback load tool: drives a CONNECT proxy against its own echo and sink servers on 127.0.0.1 and
 * measures the same scenario over a direct connection in the same run, so that every number has a baseline.
 * JDK only; every count is bounded and every wait has a deadline.
 *
 * <pre>
 * java -cp benchmarks.jar dev.fyntr.bench.load.LoadTool COMMAND [options]
 *   COMMAND: storm | bulk | latency | interactive | all
 *   --proxy HOST:PORT     use a running proxy (it must allow CONNECT to 127.0.0.1 and the servers' ports);
 *                         default: start Fyntr in-process (port 0, allowPorts(echo, sink), allowCidrs 127.0.0.1/32)
 *   --fork                start Fyntr in a child JVM instead (same settings), and report its CPU s/GiB (bulk)
 *   --direct-only         no proxy: direct numbers only (checks the tool itself)
 *   --proxy-pid PID       with --proxy on Linux: report the proxy's CPU seconds per GiB uploaded (bulk)
 *   --scheduler NAME      the in-process proxy's scheduler (default: Fyntr's lookup, i.e. drr)
 *   --tunnels N           storm: tunnels opened at once (default 200, max 2000)
 *   --bytes N             storm: bytes echoed per tunnel (default 65536)
 *   --seconds S           bulk: measured seconds per run (default 3); interactive: seconds of uploads
 *                         measured without echoes, half before and half after them
 *   --bulk-mib M          bulk: instead of --seconds, time 1 stream uploading M MiB and 16 streams M/8 MiB
 *                         each (e.g. 1024: 1 GiB, and 16 x 128 MiB)
 *   --count N             latency / interactive: samples (default 500 / 1000)
 *   --repeat R            run each scenario R times and report medians (default 1, max 21)
 *   --timeout-ms MS       every connect and read (default 10000)
 *   --label NAME          the proxy column's name in the JSON (default: fyntr for the in-process and
 *                         forked proxy, proxy for --proxy)
 *   --json FILE           also write the results as JSON ({@link LoadReport}: the rows, and the echo round
 *                         trips' distributions)
 *
 * java -cp benchmarks.jar dev.fyntr.bench.load.LoadTool soak [--minutes M] [--json FILE] [options]
 *   the real proxy in a child JVM with the launcher's flags, under a mix of storms, bulk uploads, interactive
 *   echoes, stalled uploads, resets and names that never resolve, for M minutes (default 10); exit 0 when the
 *   verdict passes (see {@link Soak} and docs/benchmarks.md)
 * </pre>
 */
public final class LoadTool {

    /** How the proxy side is reached. */
    enum Mode { IN_PROCESS, FORK, EXTERNAL, DIRECT_ONLY }

    /** Parsed command line. */
    record Options(String command, Mode mode, InetSocketAddress proxy, long proxyPid, String scheduler,
                   int tunnels, int stormBytes, double bulkSeconds, long bulkMib, int count, int repeat,
                   int timeoutMs, String label, Path json) {
        Options withProxyPid(long pid) {
            return new Options(command, mode, proxy, pid, scheduler, tunnels, stormBytes, bulkSeconds, bulkMib, count,
                    repeat, timeoutMs, label, json);
        }
    }

    /** One measured quantity, direct and through the proxy (NaN when not measured). */
    record Metric(String scenario, String name, double direct, double proxy) {
        double ratio() {
            return direct == 0 || Double.isNaN(direct) || Double.isNaN(proxy) ? Double.NaN : proxy / direct;
        }
    }

    /** How long after the proxy listens its idle RSS is read. */
    static final long IDLE_RSS_DELAY_MILLIS = 3_000;

    /** The proxy's connection limit: room for the largest storm (2,000 tunnels) and its handshakes. */
    static final int MAX_CONNECTIONS = 4096;

    private static final List<String> COMMANDS = List.of("storm", "bulk", "latency", "interactive", "all");

    private LoadTool() {
    }

    /** Entry point: exit 0 on success, 1 when a scenario failed, 2 on bad usage. */
    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the tool; returns the exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length > 0 && args[0].equals("soak")) {
            return Soak.run(Arrays.copyOfRange(args, 1, args.length), out, err);
        }
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("loadtool: " + e.getMessage());
            err.println("usage: LoadTool storm|bulk|latency|interactive|all [--proxy HOST:PORT | --fork | --direct-only] "
                    + "[--proxy-pid PID] [--scheduler NAME] [--tunnels N] [--bytes N] [--seconds S] [--bulk-mib M] "
                    + "[--count N] [--repeat R] [--timeout-ms MS] [--label NAME] [--json FILE]");
            err.println("       LoadTool soak [--minutes M] [--json FILE] … (LoadTool soak --help for all options)");
            return 2;
        }
        try (EchoServer echo = EchoServer.start(); SinkServer sink = SinkServer.start()) {
            FyntrProxy inProcess = null;
            ForkedProxy forked = null;
            Route proxied = null;
            try {
                if (o.mode() == Mode.FORK) {
                    forked = ForkedProxy.start(echo.address().getPort(), sink.address().getPort(), o.scheduler(),
                            o.timeoutMs());
                    proxied = Route.via(forked.address(), o.timeoutMs());
                    o = o.withProxyPid(forked.pid());
                } else if (o.mode() == Mode.IN_PROCESS) {
                    inProcess = startProxy(o, echo, sink);
                    proxied = Route.via(new InetSocketAddress(InetAddress.getLoopbackAddress(), inProcess.port()),
                            o.timeoutMs());
                } else if (o.mode() == Mode.EXTERNAL) {
                    proxied = Route.via(o.proxy(), o.timeoutMs());
                }
                String via = switch (o.mode()) {
                    case IN_PROCESS -> "Fyntr in-process at " + proxied.proxy() + " (scheduler "
                            + inProcess.schedulerName() + ")";
                    case FORK -> "Fyntr in child process " + o.proxyPid() + " at " + proxied.proxy()
                            + " (scheduler " + forked.schedulerName() + ")";
                    case EXTERNAL -> "proxy at " + o.proxy();
                    case DIRECT_ONLY -> "direct only";
                };
                out.printf(Locale.ROOT, "loadtool %s: %s; echo %s, sink %s; %d run(s), medians%n", o.command(), via,
                        echo.address(), sink.address(), o.repeat());
                List<Metric> metrics = new ArrayList<>();
                SampleStore samples = new SampleStore();
                // Before any traffic: what the proxy process holds when it has nothing to do, 3 s after it
                // listens, as fyntr-cli/tools/measure-rss.sh reads it (start-up work has settled by then).
                if (o.proxyPid() > 0) {
                    sleepMillis(IDLE_RSS_DELAY_MILLIS);
                }
                long idleRssKib = procStatusKib(o.proxyPid(), "VmRSS:");
                if (idleRssKib > 0) {
                    metrics.add(new Metric("memory", "proxy RSS before any traffic, MiB", Double.NaN,
                            idleRssKib / 1024.0));
                }
                for (String scenario : o.command().equals("all") ? COMMANDS.subList(0, 4) : List.of(o.command())) {
                    metrics.addAll(repeat(o, scenario, Route.direct(o.timeoutMs()), proxied, echo, sink, samples));
                }
                print(metrics, out);
                if (o.json() != null) {
                    Files.writeString(o.json(), report(o, via, metrics, samples).toJson(), StandardCharsets.UTF_8);
                    out.println("wrote " + o.json());
                }
                return 0;
            } finally {
                if (inProcess != null) {
                    inProcess.close(Duration.ZERO);
                }
                if (forked != null) {
                    forked.close();
                }
            }
        } catch (IOException | RuntimeException e) {
            err.println("loadtool: " + e.getMessage());
            return 1;
        }
    }

    private static FyntrProxy startProxy(Options o, EchoServer echo, SinkServer sink) throws IOException {
        try {
            return FyntrProxy.builder()
                    .bind(InetAddress.getLoopbackAddress())
                    .port(0)
                    .maxConnections(MAX_CONNECTIONS)
                    .scheduler(o.scheduler())
                    .allowPorts(echo.address().getPort(), sink.address().getPort())
                    .allowCidrs("127.0.0.1/32")
                    .shutdownGrace(Duration.ofSeconds(1))
                    .start();
        } catch (UnsupportedOperationException e) {
            throw new IllegalStateException("the in-process proxy is not available in this build ("
                    + e.getMessage() + "); use --direct-only or --proxy HOST:PORT", e);
        }
    }

    /** Runs one scenario {@code repeat} times on each route and keeps the median of every metric. */
    private static List<Metric> repeat(Options o, String scenario, Route direct, Route proxied, EchoServer echo,
                                       SinkServer sink, SampleStore samples) throws IOException {
        List<Map<String, Double>> directRuns = new ArrayList<>();
        List<Map<String, Double>> proxyRuns = new ArrayList<>();
        for (int r = 0; r < o.repeat(); r++) {
            directRuns.add(scenario(o, scenario, direct, echo, sink, false, samples));
            if (proxied != null) {
                proxyRuns.add(scenario(o, scenario, proxied, echo, sink, true, samples));
            }
        }
        List<Metric> metrics = new ArrayList<>();
        java.util.Set<String> names = new java.util.LinkedHashSet<>(directRuns.get(0).keySet());
        if (!proxyRuns.isEmpty()) {
            names.addAll(proxyRuns.get(0).keySet()); // proxy-only rows such as its CPU time
        }
        for (String name : names) {
            metrics.add(new Metric(scenario, name, median(directRuns, name), median(proxyRuns, name)));
        }
        return metrics;
    }

    private static Map<String, Double> scenario(Options o, String scenario, Route route, EchoServer echo,
                                                SinkServer sink, boolean isProxy, SampleStore samples)
            throws IOException {
        return switch (scenario) {
            case "storm" -> withRss(storm(route, echo.address(), o.tunnels(), o.stormBytes(), o.timeoutMs()),
                    isProxy ? o.proxyPid() : -1);
            case "bulk" -> o.bulkMib() > 0
                    ? bulkBytes(route, sink, o.bulkMib() << 20, isProxy ? o.proxyPid() : -1, o.timeoutMs())
                    : bulk(route, sink, o.bulkSeconds(), isProxy ? o.proxyPid() : -1);
            case "latency" -> latency(route, echo.address(), o.count());
            case "interactive" -> interactive(route, echo.address(), sink, o.count(), o.bulkSeconds(),
                    samples, isProxy ? proxyLabel(o) : "direct");
            default -> throw new IllegalArgumentException("unknown scenario " + scenario);
        };
    }

    /** The proxy column's name in the JSON. */
    static String proxyLabel(Options o) {
        if (o.label() != null) {
            return o.label();
        }
        return o.mode() == Mode.EXTERNAL ? "proxy" : "fyntr";
    }

    /**
     * {@code n} tunnels opened at the same moment; once all are open, each echoes {@code bytes} bytes of its
     * own pattern in 8 KiB steps and verifies every byte.
     */
    static Map<String, Double> storm(Route route, InetSocketAddress echo, int n, int bytes, int timeoutMs) {
        CountDownLatch ready = new CountDownLatch(n);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch opened = new CountDownLatch(n);
        CountDownLatch done = new CountDownLatch(n);
        long[] openNanos = new long[n];
        AtomicInteger verified = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>();
        long[] allOpenAt = new long[1];
        List<Thread> threads = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int index = i;
            Thread t = new Thread(null, () -> {
                boolean countedOpen = false;
                try {
                    ready.countDown();
                    if (!go.await(timeoutMs, TimeUnit.MILLISECONDS)) {
                        throw new IOException("start gate timed out");
                    }
                    long t0 = System.nanoTime();
                    try (Socket s = route.open(echo)) {
                        openNanos[index] = System.nanoTime() - t0;
                        opened.countDown();
                        countedOpen = true;
                        // Hold every tunnel open at once before the traffic starts.
                        if (!opened.await(timeoutMs, TimeUnit.MILLISECONDS)) {
                            throw new IOException("not all tunnels opened in time");
                        }
                        echoAndVerify(s, index, bytes);
                        verified.incrementAndGet();
                    }
                } catch (IOException | RuntimeException e) {
                    firstError.compareAndSet(null, e.toString());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    if (!countedOpen) {
                        opened.countDown();
                    }
                    done.countDown();
                }
            }, "storm-" + i, 256 * 1024);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        long start;
        try {
            ready.await(timeoutMs, TimeUnit.MILLISECONDS);
            start = System.nanoTime();
            go.countDown();
            opened.await(timeoutMs, TimeUnit.MILLISECONDS);
            allOpenAt[0] = System.nanoTime();
            done.await(2L * timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
        long end = System.nanoTime();
        for (Thread t : threads) {
            t.interrupt();
        }
        long[] sorted = Arrays.stream(openNanos).filter(v -> v > 0).sorted().toArray();
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("tunnels verified (of " + n + ")", (double) verified.get());
        m.put("open all, ms", (allOpenAt[0] - start) / 1e6);
        m.put("open p50, ms", Fairness.percentile(sorted, sorted.length, 50) / 1e6);
        m.put("open p99, ms", Fairness.percentile(sorted, sorted.length, 99) / 1e6);
        m.put("total, ms", (end - start) / 1e6);
        if (verified.get() < n && firstError.get() != null) {
            System.err.println("storm (" + route.label() + "): " + (n - verified.get()) + " tunnels failed; first: "
                    + firstError.get());
        }
        return m;
    }

    static void echoAndVerify(Socket s, int index, int bytes) throws IOException {
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        byte[] sent = new byte[8 * 1024];
        byte[] got = new byte[sent.length];
        for (int offset = 0; offset < bytes; offset += sent.length) {
            int len = Math.min(sent.length, bytes - offset);
            for (int j = 0; j < len; j++) {
                sent[j] = (byte) (index * 31 + (offset + j) * 7);
            }
            out.write(sent, 0, len);
            out.flush();
            readFully(in, got, len);
            if (!Arrays.equals(sent, 0, len, got, 0, len)) {
                throw new IOException("echo mismatch in tunnel " + index + " at byte " + offset);
            }
        }
    }

    private static void readFully(InputStream in, byte[] buf, int len) throws IOException {
        for (int n = 0; n < len; ) {
            int r = in.read(buf, n, len - n);
            if (r < 0) {
                throw new IOException("EOF after " + n + " of " + len + " bytes");
            }
            n += r;
        }
    }

    /** 1 and 16 uploads to the sink: aggregate MB/s and Jain's index of the 16; proxy CPU per GiB if known. */
    static Map<String, Double> bulk(Route route, SinkServer sink, double seconds, long proxyPid) throws IOException {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int streams : new int[] {1, 16}) {
            int first = sink.bytesPerConnection().length;
            try (Uploaders up = Uploaders.start(route, sink.address(), streams)) {
                long[] before = slice(sink.bytesPerConnection(), first, streams);
                long cpuBefore = cpuTicks(proxyPid);
                long[] ioBefore = ProcIo.readWriteCalls(proxyPid);
                long t0 = System.nanoTime();
                sleepMillis((long) (seconds * 1000));
                long[] after = slice(sink.bytesPerConnection(), first, streams);
                long elapsed = System.nanoTime() - t0;
                long cpuAfter = cpuTicks(proxyPid);
                long[] ioAfter = ProcIo.readWriteCalls(proxyPid);
                if (up.failure() != null) {
                    throw new IOException("bulk upload failed: " + up.failure(), up.failure());
                }
                long[] delta = new long[streams];
                long total = 0;
                for (int i = 0; i < streams; i++) {
                    delta[i] = after[i] - before[i];
                    total += delta[i];
                }
                m.put(streams + " stream" + (streams == 1 ? "" : "s") + ", MB/s", total / (elapsed / 1e9) / 1e6);
                if (streams > 1) {
                    m.put(streams + " streams, Jain", Fairness.jain(delta));
                }
                putProxyCosts(m, streams, proxyPid, cpuBefore, cpuAfter, ioBefore, ioAfter, total);
            }
        }
        return m;
    }

    /**
     * 1 stream uploading {@code bytes}, then 16 streams uploading {@code bytes / 8} each (1 GiB, then 16 × 128 MiB
     * for 1 GiB), timed from the first write until the sink has counted every byte: aggregate MB/s, Jain's index
     * of the 16 over the whole upload, and the proxy's CPU and read/write calls when its pid is known. Fails when
     * the sink sees no progress for {@code timeoutMs}.
     */
    static Map<String, Double> bulkBytes(Route route, SinkServer sink, long bytes, long proxyPid, int timeoutMs)
            throws IOException {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int streams : new int[] {1, 16}) {
            long perStream = streams == 1 ? bytes : Math.max(1, bytes / 8);
            long target = perStream * streams;
            int first = sink.bytesPerConnection().length;
            try (Uploaders up = Uploaders.open(route, sink.address(), streams, perStream)) {
                long cpuBefore = cpuTicks(proxyPid);
                long[] ioBefore = ProcIo.readWriteCalls(proxyPid);
                long t0 = System.nanoTime();
                up.begin();
                long[] got = slice(sink.bytesPerConnection(), first, streams);
                long total = sum(got);
                long lastProgress = System.nanoTime();
                while (total < target) {
                    if (up.failure() != null) {
                        throw new IOException("bulk upload failed: " + up.failure(), up.failure());
                    }
                    if (System.nanoTime() - lastProgress > TimeUnit.MILLISECONDS.toNanos(timeoutMs)) {
                        throw new IOException("bulk upload stalled at " + total + " of " + target + " bytes ("
                                + route.label() + ")");
                    }
                    sleepMillis(1); // polls the sink's counters; 1 ms is noise next to an upload of seconds
                    got = slice(sink.bytesPerConnection(), first, streams);
                    long now = sum(got);
                    if (now > total) {
                        lastProgress = System.nanoTime();
                    }
                    total = now;
                }
                long elapsed = System.nanoTime() - t0;
                long cpuAfter = cpuTicks(proxyPid);
                long[] ioAfter = ProcIo.readWriteCalls(proxyPid);
                m.put(streams + " stream" + (streams == 1 ? "" : "s") + ", MB/s", total / (elapsed / 1e9) / 1e6);
                if (streams > 1) {
                    m.put(streams + " streams, Jain", Fairness.jain(got));
                }
                putProxyCosts(m, streams, proxyPid, cpuBefore, cpuAfter, ioBefore, ioAfter, total);
            }
        }
        return m;
    }

    private static long sum(long[] values) {
        long total = 0;
        for (long v : values) {
            total += v;
        }
        return total;
    }

    /** The proxy's CPU seconds per GiB and its read and write calls per MiB over a measured upload. */
    private static void putProxyCosts(Map<String, Double> m, int streams, long proxyPid, long cpuBefore,
                                      long cpuAfter, long[] ioBefore, long[] ioAfter, long bytes) {
        if (proxyPid <= 0) {
            return;
        }
        String prefix = streams + " stream" + (streams == 1 ? "" : "s") + ", proxy ";
        double gib = bytes / (double) (1L << 30);
        double mib = bytes / (double) (1L << 20);
        m.put(prefix + "CPU s/GiB", cpuBefore < 0 || cpuAfter < 0 || bytes == 0 ? Double.NaN
                : (cpuAfter - cpuBefore) / 100.0 / gib);
        boolean io = ioBefore != null && ioAfter != null && bytes > 0;
        m.put(prefix + "read calls per MiB", io ? (ioAfter[0] - ioBefore[0]) / mib : Double.NaN);
        m.put(prefix + "write calls per MiB", io ? (ioAfter[1] - ioBefore[1]) / mib : Double.NaN);
    }

    private static long[] slice(long[] all, int from, int n) {
        long[] out = new long[n];
        System.arraycopy(all, from, out, 0, Math.min(n, Math.max(0, all.length - from)));
        return out;
    }

    /**
     * Adds the proxy's resident memory to a storm's metrics when it runs in its own process: RSS now (the storm
     * is over, so close to idle) and the peak (VmHWM), which the storm's 1,000 tunnels set.
     */
    private static Map<String, Double> withRss(Map<String, Double> metrics, long pid) {
        long now = procStatusKib(pid, "VmRSS:");
        long peak = procStatusKib(pid, "VmHWM:");
        if (now > 0 && peak > 0) {
            Map<String, Double> m = new java.util.LinkedHashMap<>(metrics);
            m.put("proxy RSS after, MiB", now / 1024.0);
            m.put("proxy peak RSS, MiB", peak / 1024.0);
            return m;
        }
        return metrics;
    }

    /** A "VmXXX:  1234 kB" field of /proc/PID/status in KiB, or -1. */
    static long procStatusKib(long pid, String field) {
        if (pid <= 0) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).replace("kB", "").strip());
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** utime + stime of a process in clock ticks (USER_HZ, 100 on Linux), or -1 when unknown. */
    static long cpuTicks(long pid) {
        if (pid <= 0) {
            return -1;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
            // Fields after the ")" of the command name: state is field 3, utime 14, stime 15.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** {@code count} sequential connections (with CONNECT through a proxy), each echoing 1 byte. */
    static Map<String, Double> latency(Route route, InetSocketAddress echo, int count) throws IOException {
        long[] samples = new long[count];
        for (int i = -Math.min(50, count); i < count; i++) { // negative i: untimed warm-up

            long t0 = System.nanoTime();
            try (Socket s = route.open(echo)) {
                // A letter, never 0x16: a first byte of 0x16 looks like a TLS handshake to the proxy's SNI check,
                // which would then wait for the rest of a ClientHello and log a truncated one.
                int sent = 'a' + Math.floorMod(i, 26);
                s.getOutputStream().write(sent);
                int b = s.getInputStream().read();
                if (b != sent) {
                    throw new IOException("latency: echoed " + b + ", expected " + sent);
                }
            }
            if (i >= 0) {
                samples[i] = System.nanoTime() - t0;
            }
        }
        Arrays.sort(samples);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("connect+1B p50, ms", Fairness.percentile(samples, count, 50) / 1e6);
        m.put("connect+1B p99, ms", Fairness.percentile(samples, count, 99) / 1e6);
        return m;
    }

    /** The interactive scenario's timed series, as named in the JSON's distributions. */
    static final String IDLE_SERIES = "64B RTT idle";
    static final String LOADED_SERIES = "64B RTT +16 bulk";

    /**
     * 64-byte echo round trips on one tunnel, alone and while 16 bulk uploads share the route; every sample goes
     * to {@code samples} under {@code routeLabel}. Also measures what the echoes cost the uploads: their aggregate
     * rate while the echoes run against their rate without echoes, {@code uploadSeconds / 2} before and after.
     */
    static Map<String, Double> interactive(Route route, InetSocketAddress echo, SinkServer sink, int count,
                                           double uploadSeconds, SampleStore samples, String routeLabel)
            throws IOException {
        Map<String, Double> m = new LinkedHashMap<>();
        long[] idle = rtts(route, echo, count);
        samples.add(routeLabel, IDLE_SERIES, "us", 1e3, idle, count);
        double idleP50 = Fairness.percentile(idle, count, 50) / 1e3;
        m.put("64B RTT p50, us", idleP50);
        m.put("64B RTT p99, us", Fairness.percentile(idle, count, 99) / 1e3);
        int first = sink.bytesPerConnection().length;
        long halfMillis = Math.max(50, (long) (uploadSeconds * 500));
        try (Uploaders up = Uploaders.start(route, sink.address(), 16)) {
            sleepMillis(halfMillis / 2); // let the uploads reach their pace before measuring it
            long b0 = sum(slice(sink.bytesPerConnection(), first, 16));
            long t0 = System.nanoTime();
            sleepMillis(halfMillis);
            long b1 = sum(slice(sink.bytesPerConnection(), first, 16));
            long t1 = System.nanoTime();
            long[] loaded = rtts(route, echo, count);
            long b2 = sum(slice(sink.bytesPerConnection(), first, 16));
            long t2 = System.nanoTime();
            sleepMillis(halfMillis);
            long b3 = sum(slice(sink.bytesPerConnection(), first, 16));
            long t3 = System.nanoTime();
            if (up.failure() != null) {
                throw new IOException("bulk upload failed: " + up.failure(), up.failure());
            }
            samples.add(routeLabel, LOADED_SERIES, "us", 1e3, loaded, count);
            double loadedP50 = Fairness.percentile(loaded, count, 50) / 1e3;
            m.put("64B RTT p50 +16 bulk, us", loadedP50);
            m.put("64B RTT p99 +16 bulk, us", Fairness.percentile(loaded, count, 99) / 1e3);
            m.put("p50 +16 bulk / idle p50", idleP50 > 0 ? loadedP50 / idleP50 : Double.NaN);
            double during = (b2 - b1) / ((t2 - t1) / 1e9) / 1e6;
            double without = ((b1 - b0) + (b3 - b2)) / (((t1 - t0) + (t3 - t2)) / 1e9) / 1e6;
            m.put("16 bulk MB/s during echoes", during);
            m.put("16 bulk MB/s without echoes", without);
            m.put("16 bulk kept during echoes, %", without > 0 ? 100 * during / without : Double.NaN);
        }
        return m;
    }

    private static long[] rtts(Route route, InetSocketAddress echo, int count) throws IOException {
        long[] samples = new long[count];
        byte[] msg = new byte[64];
        byte[] got = new byte[64];
        try (Socket s = route.open(echo)) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            // Untimed warm-up round trips, so that the first samples do not measure class loading and the JIT.
            for (int i = 0; i < Math.min(200, count); i++) {
                out.write(msg);
                out.flush();
                readFully(in, got, msg.length);
            }
            for (int i = 0; i < count; i++) {
                Arrays.fill(msg, (byte) i);
                long t0 = System.nanoTime();
                out.write(msg);
                out.flush();
                readFully(in, got, msg.length);
                samples[i] = System.nanoTime() - t0;
                if (!Arrays.equals(msg, got)) {
                    throw new IOException("interactive: echo mismatch at message " + i);
                }
            }
        }
        Arrays.sort(samples);
        return samples;
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms); // the measurement period itself, not a wait for some condition
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static double median(List<Map<String, Double>> runs, String name) {
        double[] values = runs.stream().map(r -> r.get(name)).filter(v -> v != null && !Double.isNaN(v))
                .mapToDouble(Double::doubleValue).sorted().toArray();
        if (values.length == 0) {
            return Double.NaN;
        }
        int mid = values.length / 2;
        return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    static void print(List<Metric> metrics, PrintStream out) {
        out.println();
        out.println("| scenario | metric | direct | proxy | proxy/direct |");
        out.println("|---|---|---:|---:|---:|");
        for (Metric m : metrics) {
            out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", m.scenario(), m.name(), num(m.direct()),
                    num(m.proxy()), Double.isNaN(m.ratio()) ? "-" : String.format(Locale.ROOT, "%.2f", m.ratio()));
        }
    }

    private static String num(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.3g", v);
    }

    static LoadReport report(Options o, String via, List<Metric> metrics, SampleStore samples) {
        List<LoadReport.Row> rows = new ArrayList<>();
        for (Metric m : metrics) {
            rows.add(new LoadReport.Row(m.scenario(), m.name(), LoadReport.orNull(m.direct()),
                    LoadReport.orNull(m.proxy()), LoadReport.orNull(m.ratio())));
        }
        return new LoadReport(o.command(), via, proxyLabel(o), o.repeat(), rows, samples.cdfs(Cdf.DEFAULT_POINTS));
    }

    static Options parse(String[] args) {
        if (args.length == 0 || !COMMANDS.contains(args[0])) {
            throw new IllegalArgumentException("first argument must be one of " + COMMANDS + " or soak");
        }
        String command = args[0];
        Mode mode = Mode.IN_PROCESS;
        InetSocketAddress proxy = null;
        long pid = -1;
        String scheduler = null;
        int tunnels = 200;
        int bytes = 64 * 1024;
        double seconds = 3;
        long bulkMib = 0;
        String label = null;
        int count = -1;
        int repeat = 1;
        int timeoutMs = 10_000;
        Path json = null;
        for (int i = 1; i < args.length; i++) {
            String opt = args[i];
            if (opt.equals("--direct-only") || opt.equals("--fork")) {
                if (mode != Mode.IN_PROCESS) {
                    throw new IllegalArgumentException("--proxy, --fork and --direct-only exclude each other");
                }
                mode = opt.equals("--fork") ? Mode.FORK : Mode.DIRECT_ONLY;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(opt + " needs a value");
            }
            String v = args[++i];
            switch (opt) {
                case "--proxy" -> {
                    int colon = v.lastIndexOf(':');
                    if (colon <= 0) {
                        throw new IllegalArgumentException("--proxy must be HOST:PORT: " + v);
                    }
                    String host = v.substring(0, colon).replace("[", "").replace("]", "");
                    proxy = new InetSocketAddress(host, bounded("--proxy port", v.substring(colon + 1), 1, 65535));
                    if (proxy.isUnresolved()) {
                        throw new IllegalArgumentException("--proxy: cannot resolve " + host);
                    }
                    if (mode != Mode.IN_PROCESS) {
                        throw new IllegalArgumentException("--proxy, --fork and --direct-only exclude each other");
                    }
                    mode = Mode.EXTERNAL;
                }
                case "--proxy-pid" -> pid = bounded(opt, v, 1, Integer.MAX_VALUE);
                case "--scheduler" -> scheduler = v;
                case "--tunnels" -> tunnels = bounded(opt, v, 1, 2000);
                case "--bytes" -> bytes = bounded(opt, v, 1, 64 << 20);
                case "--seconds" -> {
                    seconds = Double.parseDouble(v);
                    if (!(seconds >= 0.1 && seconds <= 600)) {
                        throw new IllegalArgumentException("--seconds must be 0.1-600: " + v);
                    }
                }
                case "--bulk-mib" -> bulkMib = bounded(opt, v, 1, 1 << 20);
                case "--label" -> {
                    if (!v.matches("[A-Za-z0-9._-]{1,32}") || v.equals("direct")) {
                        throw new IllegalArgumentException("--label must be 1-32 letters, digits, '.', '_' or '-', "
                                + "and not 'direct' (the direct route's name): " + v);
                    }
                    label = v;
                }
                case "--count" -> count = bounded(opt, v, 1, 1_000_000);
                case "--repeat" -> repeat = bounded(opt, v, 1, 21);
                case "--timeout-ms" -> timeoutMs = bounded(opt, v, 100, 600_000);
                case "--json" -> json = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + opt);
            }
        }
        if (count < 0) {
            count = command.equals("latency") ? 500 : 1000;
        }
        return new Options(command, mode, proxy, pid, scheduler, tunnels, bytes, seconds, bulkMib, count, repeat,
                timeoutMs, label, json);
    }

    private static int bounded(String opt, String v, int min, int max) {
        int n;
        try {
            n = Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(opt + " must be a number: " + v, e);
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(opt + " must be " + min + "-" + max + ": " + n);
        }
        return n;
    }
}
