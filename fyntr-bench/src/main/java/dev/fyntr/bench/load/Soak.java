package dev.fyntr.bench.load;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * {@code LoadTool soak}: the real proxy, in a child JVM with the launcher's flags, under a mix of every kind of
 * traffic ({@link SoakLoad}) for N minutes, sampled every second; then the load stops and the proxy must come
 * back to where it was. Exit 0 when every check of the verdict passes ({@link SoakReport}), 1 when one fails,
 * 2 on bad usage.
 *
 * <p>The run: the proxy starts (2 s "cold" samples); a <b>warm-up</b> runs the whole mix, so that the JIT, the
 * heap and the buffer pool reach their working size; the load stops and the proxy drains; the <b>baseline</b> is
 * the median of 5 idle samples. Then the <b>measured run</b> (N minutes), the load stops, and the proxy has up to
 * {@code --settle-seconds} to bring its RSS and descriptors back within the margins of the baseline. Last, for the
 * report only, the proxy is asked for a full GC and sampled again ("after GC").
 */
final class Soak {

    /** Parsed options. */
    record Options(double minutes, int warmupSeconds, int stormTunnels, int stormEverySeconds, int bulk,
                   int bulkMaxMib, int interactive, int stalls, int resetters, int neverNames, long seed,
                   int settleSeconds, double rssMarginMib, int fdMargin, String scheduler, String jvmOpts,
                   int timeoutMs, Path json) {

        SoakLoad.Settings settings() {
            return new SoakLoad.Settings(stormTunnels, stormEverySeconds * 1000L, bulk, bulkMaxMib, interactive,
                    stalls, resetters, neverNames, seed, timeoutMs);
        }

        /** The measured run's minute buckets. */
        int minuteBuckets() {
            return (int) Math.ceil(minutes - 1e-9);
        }
    }

    static final String USAGE = "usage: LoadTool soak [--minutes M] [--json FILE] [--warmup-seconds S] "
            + "[--storm N] [--storm-every S] [--bulk N] [--bulk-max-mib N] [--interactive N] [--stalls N] "
            + "[--resetters N] [--never N] [--seed N] [--settle-seconds S] [--rss-margin-mib M] [--fd-margin N] "
            + "[--scheduler NAME] [--proxy-jvm-opts \"FLAGS\"] [--timeout-ms MS]";

    static final String HELP = String.join("\n",
            USAGE,
            "",
            "The real proxy in a child JVM, under a mix of loads for M minutes, sampled every second; exit 0 when",
            "every check of the verdict passes, 1 when one fails, 2 on bad usage.",
            "",
            "  --minutes M           measured run, may be fractional (default 10)",
            "  --json FILE           also write the table, the verdict and every sample as JSON",
            "  --warmup-seconds S    the whole mix before the baseline is taken (default 30)",
            "  --storm N             tunnels opened at once per storm, 0 = none (default 300)",
            "  --storm-every S       seconds between storms (default 20)",
            "  --bulk N              tunnels uploading flat out to a hashing sink (default 2)",
            "  --bulk-max-mib N      largest upload; each is 1/4 to 1 times this (default 128)",
            "  --interactive N       tunnels doing 64 B round trips every 20 ms (default 2)",
            "  --stalls N            uploads into a server that never reads (default 48)",
            "  --resetters N         clients resetting mid-transfer, and as many against a resetting server (default 2)",
            "  --never N             clients asking for names under never.test, which never resolve (default 2)",
            "  --seed N              of every random choice (default 42)",
            "  --settle-seconds S    how long RSS and descriptors may take to come back (default 90)",
            "  --rss-margin-mib M    RSS allowed above the baseline after the load (default 8)",
            "  --fd-margin N         descriptors allowed above the baseline after the load (default 4)",
            "  --scheduler NAME      the proxy's scheduler (default: drr)",
            "  --proxy-jvm-opts F    the proxy JVM's flags (default: the launcher's, " + ForkedProxy.LAUNCHER_JVM_OPTS
                    + ")",
            "  --timeout-ms MS       connect and read timeout of every tunnel (default 10000)");

    private static final int BASELINE_SAMPLES = 5;

    private Soak() {
    }

    /** Runs a soak; {@code args} are the options after {@code soak}. Returns the exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            out.println(HELP);
            return 0;
        }
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("loadtool soak: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        if (!Files.isDirectory(Path.of("/proc/self/fd"))) {
            err.println("loadtool soak: needs Linux /proc to read the proxy's memory and descriptors");
            return 2;
        }
        SoakTally tally = new SoakTally(o.minuteBuckets());
        try (EchoServer echo = EchoServer.start(); HashSinkServer sink = HashSinkServer.start();
             ResetServer reset = ResetServer.start(); StallServer stall = StallServer.start(20_000, 60_000, o.seed());
             ForkedProxy proxy = ForkedProxy.start(List.of(echo.address().getPort(), sink.address().getPort(),
                     stall.address().getPort(), reset.address().getPort()), o.scheduler(), o.jvmOpts(), o.timeoutMs(),
                     err)) {
            out.printf(Locale.ROOT, "loadtool soak: %s min after a %d s warm-up; Fyntr in child process %d at %s "
                            + "(scheduler %s, JVM flags \"%s\"); echo %d, sink %d, stall %d, reset %d%n", num(o.minutes()),
                    o.warmupSeconds(), proxy.pid(), proxy.address(), proxy.schedulerName(), o.jvmOpts(),
                    echo.address().getPort(), sink.address().getPort(), stall.address().getPort(),
                    reset.address().getPort());
            SoakReport report = drive(o, tally, proxy, stall, new SoakLoad.Targets(proxy.address(),
                    echo.address().getPort(), sink.address().getPort(), stall.address().getPort(),
                    reset.address().getPort()), out);
            report.print(out);
            if (o.json() != null) {
                Files.writeString(o.json(), report.json(), StandardCharsets.UTF_8);
                out.println("wrote " + o.json());
            }
            return report.passed() ? 0 : 1;
        } catch (IOException | RuntimeException e) {
            err.println("loadtool soak: " + e);
            return 1;
        }
    }

    private static SoakReport drive(Options o, SoakTally tally, ForkedProxy proxy, StallServer stall,
                                    SoakLoad.Targets targets, PrintStream out) {
        Sampler sampler = new Sampler(proxy, tally);
        SoakLoad load = new SoakLoad(o.settings(), targets, tally);
        List<String> stuck = new ArrayList<>();
        SoakReport.Settle settle;
        try {
            sampler.start("cold");
            sleepSeconds(2, proxy);

            sampler.phase("warm-up");
            progress(out, "warm-up: %d s of the whole mix", o.warmupSeconds());
            load.start();
            sleepSeconds(o.warmupSeconds(), proxy);
            stuck.addAll(load.stop(90_000));
            stall.resetAll();
            sampler.phase("drain");
            boolean drained = sampler.await(s -> idle(s), 60);
            progress(out, "warm-up over; the proxy %s", drained ? "drained" : "did not drain within 60 s");

            sampler.phase("baseline");
            sampler.awaitSamples("baseline", BASELINE_SAMPLES, BASELINE_SAMPLES + 10);

            sampler.phase("run");
            long runStart = System.nanoTime();
            tally.startMeasuring(runStart);
            progress(out, "measured run: %s min", num(o.minutes()));
            load.start();
            long runEnd = runStart + (long) (o.minutes() * 60e9);
            for (int m = 1; m <= o.minuteBuckets() && proxy.alive(); m++) {
                sleepNanos(Math.min(runEnd, runStart + m * 60_000_000_000L) - System.nanoTime(), proxy);
                SoakReport.Sample last = sampler.last();
                if (m < o.minuteBuckets() && last != null && proxy.alive()) {
                    SoakTally.Bucket b = tally.bucket(m);
                    progress(out, "minute %d: RSS %s MiB, %d fds, budget used %s MiB; tunnels %d ok, %d expected "
                                    + "failures, %d unexpected", m, num(last.rssKiB() / 1024.0), last.fds(),
                            num(last.stat("usedBytes") / 1048576.0), b.total(SoakTally.Outcome.OK),
                            b.total(SoakTally.Outcome.EXPECTED), b.total(SoakTally.Outcome.UNEXPECTED));
                }
            }
            stuck.addAll(load.stop(90_000));
            stall.resetAll();

            sampler.phase("settle");
            long t0 = System.nanoTime();
            SoakReport.Baseline base = SoakReport.baseline(sampler.samples());
            boolean settled = proxy.alive() && sampler.await(s -> idle(s) && base != null
                    && s.rssKiB() <= base.rssKiB() + o.rssMarginMib() * 1024 && s.fds() <= base.fds() + o.fdMargin(),
                    o.settleSeconds());
            settle = new SoakReport.Settle(settled, (System.nanoTime() - t0) / 1e9, sampler.last());
            progress(out, "load stopped; %s after %.0f s", settled ? "back to baseline" : "NOT back to baseline",
                    settle.seconds());

            // For the reader, not the verdict: what a full GC gives back tells garbage from memory still held.
            if (proxy.alive() && proxy.gc(30_000)) {
                sampler.phase("after gc");
                sampler.awaitSamples("after gc", 2, 10);
            }
        } finally {
            load.close();
            sampler.stop();
        }
        proxy.close();
        return new SoakReport(o, sampler.samples(), tally, settle, stuck, proxy.exitCode(), proxy.errorLines(),
                proxy.warnLines(), proxy.firstLogLines());
    }

    /** No tunnel, handshake or lingering rejection open, according to a sample's stats. */
    static boolean idle(SoakReport.Sample s) {
        return s.stats() != null && s.stat("openTunnels") == 0 && s.stat("openHandshakes") == 0
                && s.stat("lingeringRejections") == 0;
    }

    private static void progress(PrintStream out, String format, Object... args) {
        out.printf(Locale.ROOT, "  %s%n", String.format(Locale.ROOT, format, args));
        out.flush();
    }

    /** Sleeps, waking early if the proxy dies. */
    private static void sleepSeconds(long seconds, ForkedProxy proxy) {
        sleepNanos(TimeUnit.SECONDS.toNanos(seconds), proxy);
    }

    private static void sleepNanos(long nanos, ForkedProxy proxy) {
        long end = System.nanoTime() + nanos;
        for (long left = nanos; left > 0 && proxy.alive(); left = end - System.nanoTime()) {
            try {
                Thread.sleep(Math.max(1, Math.min(500, TimeUnit.NANOSECONDS.toMillis(left))));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** {@code v} with up to two decimals and no trailing zeros: 10, 0.25, 7.5. */
    static String num(double v) {
        return java.math.BigDecimal.valueOf(Math.round(v * 100) / 100.0).stripTrailingZeros().toPlainString();
    }

    // ---------------------------------------------------------------- sampling

    /** Samples the proxy once a second: /proc (RSS, descriptors, threads) and its stats. */
    static final class Sampler {
        private final ForkedProxy proxy;
        private final SoakTally tally;
        private final List<SoakReport.Sample> samples = new ArrayList<>();
        private final long t0 = System.nanoTime();
        private volatile String phase;
        private volatile boolean running;
        private Thread thread;

        Sampler(ForkedProxy proxy, SoakTally tally) {
            this.proxy = proxy;
            this.tally = tally;
        }

        void start(String firstPhase) {
            phase = firstPhase;
            running = true;
            thread = new Thread(this::loop, "soak-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        void phase(String p) {
            phase = p;
        }

        private void loop() {
            long next = System.nanoTime();
            while (running) {
                sampleOnce();
                next += 1_000_000_000L;
                long sleep = next - System.nanoTime();
                if (sleep < 0) {
                    next = System.nanoTime(); // a slow sample: do not catch up in a burst
                } else {
                    try {
                        TimeUnit.NANOSECONDS.sleep(sleep);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }

        private void sampleOnce() {
            String p = phase;
            long pid = proxy.pid();
            boolean alive = proxy.alive();
            long rss = alive ? LoadTool.procStatusKib(pid, "VmRSS:") : -1;
            long threads = alive ? LoadTool.procStatusKib(pid, "Threads:") : -1;
            int fds = alive ? countFds(pid) : -1;
            Map<String, Long> stats = alive ? proxy.stats(3_000) : null;
            SoakReport.Sample s = new SoakReport.Sample((System.nanoTime() - t0) / 1e9, p,
                    p.equals("run") ? tally.currentBucket() : p.equals("warm-up") ? 0 : -1, alive, rss, fds,
                    (int) threads, stats, tcpMemKiB());
            synchronized (samples) {
                samples.add(s);
                samples.notifyAll();
            }
        }

        /** The kernel's pages for TCP buffers, machine-wide ("TCP: … mem N" of /proc/net/sockstat), in KiB; or -1. */
        static long tcpMemKiB() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/net/sockstat"), StandardCharsets.US_ASCII)) {
                    if (line.startsWith("TCP:")) {
                        String[] f = line.split("\\s+");
                        for (int i = 0; i + 1 < f.length; i++) {
                            if (f[i].equals("mem")) {
                                return Long.parseLong(f[i + 1]) * 4; // pages of 4 KiB
                            }
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                return -1;
            }
            return -1;
        }

        static int countFds(long pid) {
            try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
                return (int) fds.count();
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }

        SoakReport.Sample last() {
            synchronized (samples) {
                return samples.isEmpty() ? null : samples.get(samples.size() - 1);
            }
        }

        List<SoakReport.Sample> samples() {
            synchronized (samples) {
                return List.copyOf(samples);
            }
        }

        /** Waits until a new sample satisfies {@code ok}, at most {@code seconds}; false on timeout. */
        boolean await(Predicate<SoakReport.Sample> ok, long seconds) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            synchronized (samples) {
                int seen = samples.size();
                while (true) {
                    for (; seen < samples.size(); seen++) {
                        if (ok.test(samples.get(seen))) {
                            return true;
                        }
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || !proxy.alive()) {
                        return false;
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(samples, Math.min(left, 1_000_000_000L));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }
            }
        }

        /** Waits for {@code n} samples of phase {@code p}, at most {@code seconds}. */
        void awaitSamples(String p, int n, long seconds) {
            int[] count = {0};
            await(s -> s.phase().equals(p) && ++count[0] >= n, seconds);
        }

        void stop() {
            running = false;
            if (thread != null) {
                thread.interrupt();
                try {
                    thread.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    // ---------------------------------------------------------------- options

    static Options parse(String[] args) {
        double minutes = 10;
        int warmup = 30;
        int storm = 300;
        int stormEvery = 20;
        int bulk = 2;
        int bulkMaxMib = 128;
        int interactive = 2;
        int stalls = 48;
        int resetters = 2;
        int never = 2;
        long seed = 42;
        int settle = 90;
        double rssMargin = 8;
        int fdMargin = 4;
        String scheduler = null;
        String jvmOpts = System.getProperty("fyntr.bench.proxyJvmOpts", ForkedProxy.LAUNCHER_JVM_OPTS);
        int timeoutMs = 10_000;
        Path json = null;
        for (int i = 0; i < args.length; i++) {
            String opt = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(opt + " needs a value");
            }
            String v = args[++i];
            switch (opt) {
                case "--minutes" -> minutes = decimal(opt, v, 0.01, 24 * 60);
                case "--warmup-seconds" -> warmup = bounded(opt, v, 1, 3600);
                case "--storm" -> storm = bounded(opt, v, 0, 2000);
                case "--storm-every" -> stormEvery = bounded(opt, v, 1, 3600);
                case "--bulk" -> bulk = bounded(opt, v, 0, 64);
                case "--bulk-max-mib" -> bulkMaxMib = bounded(opt, v, 1, 64 * 1024);
                case "--interactive" -> interactive = bounded(opt, v, 0, 64);
                case "--stalls" -> stalls = bounded(opt, v, 0, 1000);
                case "--resetters" -> resetters = bounded(opt, v, 0, 64);
                case "--never" -> never = bounded(opt, v, 0, 64);
                case "--seed" -> seed = Long.parseLong(v.strip());
                case "--settle-seconds" -> settle = bounded(opt, v, 1, 3600);
                case "--rss-margin-mib" -> rssMargin = decimal(opt, v, 0, 4096);
                case "--fd-margin" -> fdMargin = bounded(opt, v, 0, 100_000);
                case "--scheduler" -> scheduler = v;
                case "--proxy-jvm-opts" -> jvmOpts = v;
                case "--timeout-ms" -> timeoutMs = bounded(opt, v, 100, 600_000);
                case "--json" -> json = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + opt);
            }
        }
        return new Options(minutes, warmup, storm, stormEvery, bulk, bulkMaxMib, interactive, stalls, resetters, never,
                seed, settle, rssMargin, fdMargin, scheduler, jvmOpts, timeoutMs, json);
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

    private static double decimal(String opt, String v, double min, double max) {
        double d;
        try {
            d = Double.parseDouble(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(opt + " must be a number: " + v, e);
        }
        if (!(d >= min && d <= max)) {
            throw new IllegalArgumentException(opt + " must be " + num(min) + "-" + num(max) + ": " + v);
        }
        return d;
    }
}
