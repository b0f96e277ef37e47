package dev.fyntr.bench.load;

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
 *   --seconds S           bulk: measured seconds per run (default 3)
 *   --count N             latency / interactive: samples (default 500 / 1000)
 *   --repeat R            run each scenario R times and report medians (default 1, max 21)
 *   --timeout-ms MS       every connect and read (default 10000)
 *   --json FILE           also write the results as JSON
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
                   int tunnels, int stormBytes, double bulkSeconds, int count, int repeat, int timeoutMs,
                   Path json) {
        Options withProxyPid(long pid) {
            return new Options(command, mode, proxy, pid, scheduler, tunnels, stormBytes, bulkSeconds, count, repeat,
                    timeoutMs, json);
        }
    }

    /** One measured quantity, direct and through the proxy (NaN when not measured). */
    record Metric(String scenario, String name, double direct, double proxy) {
        double ratio() {
            return direct == 0 || Double.isNaN(direct) || Double.isNaN(proxy) ? Double.NaN : proxy / direct;
        }
    }

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
                    + "[--proxy-pid PID] [--scheduler NAME] [--tunnels N] [--bytes N] [--seconds S] [--count N] "
                    + "[--repeat R] [--timeout-ms MS] [--json FILE]");
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
                for (String scenario : o.command().equals("all") ? COMMANDS.subList(0, 4) : List.of(o.command())) {
                    metrics.addAll(repeat(o, scenario, Route.direct(o.timeoutMs()), proxied, echo, sink));
                }
                print(metrics, out);
                if (o.json() != null) {
                    Files.writeString(o.json(), json(o, via, metrics), StandardCharsets.UTF_8);
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
                                       SinkServer sink) throws IOException {
        List<Map<String, Double>> directRuns = new ArrayList<>();
        List<Map<String, Double>> proxyRuns = new ArrayList<>();
        for (int r = 0; r < o.repeat(); r++) {
            directRuns.add(scenario(o, scenario, direct, echo, sink, false));
            if (proxied != null) {
                proxyRuns.add(scenario(o, scenario, proxied, echo, sink, true));
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
                                                SinkServer sink, boolean isProxy) throws IOException {
        return switch (scenario) {
            case "storm" -> withRss(storm(route, echo.address(), o.tunnels(), o.stormBytes(), o.timeoutMs()),
                    isProxy ? o.proxyPid() : -1);
            case "bulk" -> bulk(route, sink, o.bulkSeconds(), isProxy ? o.proxyPid() : -1);
            case "latency" -> latency(route, echo.address(), o.count());
            case "interactive" -> interactive(route, echo.address(), sink.address(), o.count());
            default -> throw new IllegalArgumentException("unknown scenario " + scenario);
        };
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
                long t0 = System.nanoTime();
                sleepMillis((long) (seconds * 1000));
                long[] after = slice(sink.bytesPerConnection(), first, streams);
                long elapsed = System.nanoTime() - t0;
                long cpuAfter = cpuTicks(proxyPid);
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
                double cpuSecondsPerGib = cpuBefore < 0 || cpuAfter < 0 || total == 0 ? Double.NaN
                        : (cpuAfter - cpuBefore) / 100.0 / (total / (double) (1L << 30));
                if (proxyPid > 0) {
                    m.put(streams + " stream" + (streams == 1 ? "" : "s") + ", proxy CPU s/GiB", cpuSecondsPerGib);
                }
            }
        }
        return m;
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
                s.getOutputStream().write(i & 0x7f);
                int b = s.getInputStream().read();
                if (b != (i & 0x7f)) {
                    throw new IOException("latency: echoed " + b + ", expected " + (i & 0x7f));
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

    /** 64-byte echo round trips on one tunnel, alone and while 16 bulk uploads share the route. */
    static Map<String, Double> interactive(Route route, InetSocketAddress echo, InetSocketAddress sink, int count)
            throws IOException {
        Map<String, Double> m = new LinkedHashMap<>();
        long[] idle = rtts(route, echo, count);
        m.put("64B RTT p50, us", Fairness.percentile(idle, count, 50) / 1e3);
        m.put("64B RTT p99, us", Fairness.percentile(idle, count, 99) / 1e3);
        try (Uploaders up = Uploaders.start(route, sink, 16)) {
            long[] loaded = rtts(route, echo, count);
            if (up.failure() != null) {
                throw new IOException("bulk upload failed: " + up.failure(), up.failure());
            }
            m.put("64B RTT p50 +16 bulk, us", Fairness.percentile(loaded, count, 50) / 1e3);
            m.put("64B RTT p99 +16 bulk, us", Fairness.percentile(loaded, count, 99) / 1e3);
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

    static String json(Options o, String via, List<Metric> metrics) {
        StringBuilder sb = new StringBuilder();
        sb.append("{\n  \"command\": ").append(quote(o.command())).append(",\n  \"route\": ").append(quote(via))
                .append(",\n  \"runs\": ").append(o.repeat()).append(",\n  \"metrics\": [\n");
        for (int i = 0; i < metrics.size(); i++) {
            Metric m = metrics.get(i);
            sb.append("    {\"scenario\": ").append(quote(m.scenario())).append(", \"metric\": ")
                    .append(quote(m.name())).append(", \"direct\": ").append(jsonNum(m.direct()))
                    .append(", \"proxy\": ").append(jsonNum(m.proxy())).append(", \"ratio\": ")
                    .append(jsonNum(m.ratio())).append('}').append(i + 1 < metrics.size() ? ",\n" : "\n");
        }
        return sb.append("  ]\n}\n").toString();
    }

    private static String jsonNum(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "null" : String.format(Locale.ROOT, "%.6g", v);
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
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
        return new Options(command, mode, proxy, pid, scheduler, tunnels, bytes, seconds, count, repeat, timeoutMs,
                json);
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
