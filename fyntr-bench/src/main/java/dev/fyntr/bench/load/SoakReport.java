package dev.fyntr.bench.load;

import dev.fyntr.bench.load.SoakTally.Count;
import dev.fyntr.bench.load.SoakTally.Outcome;
import dev.fyntr.bench.sim.Fairness;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The soak's result: a row per minute (medians of the per-second samples, and the tunnels that ended in that
 * minute), the failures by kind, and the verdict, a list of checks that must all pass. Built from plain data, so
 * that tests can feed it made-up samples.
 */
final class SoakReport {

    /**
     * One per-second sample of the proxy.
     *
     * @param bucket the {@link SoakTally} bucket (0 warm-up, 1… minutes of the run), -1 outside both
     * @param stats  its {@link StatsLine} fields, or {@code null} when it did not answer
     * @param tcpMemKiB the kernel's memory for TCP buffers on the whole machine ({@code /proc/net/sockstat}), or -1
     */
    record Sample(double atSeconds, String phase, int bucket, boolean alive, long rssKiB, int fds, int threads,
                  Map<String, Long> stats, long tcpMemKiB) {

        Sample(double atSeconds, String phase, int bucket, boolean alive, long rssKiB, int fds, int threads,
               Map<String, Long> stats) {
            this(atSeconds, phase, bucket, alive, rssKiB, fds, threads, stats, -1);
        }

        /** A stats field, 0 when absent from the answer, -1 without an answer. */
        long stat(String name) {
            return stats == null ? -1 : stats.getOrDefault(name, 0L);
        }
    }

    /** The idle proxy after the warm-up: medians of the "baseline" samples. */
    record Baseline(long rssKiB, int fds, int threads, int samples) {
    }

    /** How the end went: whether the proxy came back within the margins, when, and its last sample. */
    record Settle(boolean settled, double seconds, Sample last) {
    }

    /** One line of the verdict. */
    record Check(String name, String measured, String required, boolean pass) {
    }

    /** One line of the table. */
    record Row(String label, double rssMib, double fds, double threads, double usedMib, double maxUsedMib,
               double heapMib, double directMib, double openTunnels, long ok, long expected, long unexpected,
               double rttP50Ms, double rttP99Ms, double verifiedMb) {
    }

    /** Kinds of load (as counted by {@link SoakLoad}) that each must have run. */
    static final List<String> KINDS = List.of("storm", "bulk", "echo", "stall", "client-reset", "server-reset",
            "never-name");

    private static final double MIB = 1024 * 1024;

    private final Soak.Options o;
    private final List<Sample> samples;
    private final SoakTally tally;
    private final Settle settle;
    private final List<String> stuckDrivers;
    private final Integer exitCode;
    private final long errorLines;
    private final long warnLines;
    private final List<String> logLines;
    private final Baseline baseline;
    private final List<Row> rows;
    private final List<Check> checks;

    SoakReport(Soak.Options o, List<Sample> samples, SoakTally tally, Settle settle, List<String> stuckDrivers,
               Integer exitCode, long errorLines, long warnLines, List<String> logLines) {
        this.o = o;
        this.samples = List.copyOf(samples);
        this.tally = tally;
        this.settle = settle;
        this.stuckDrivers = List.copyOf(stuckDrivers);
        this.exitCode = exitCode;
        this.errorLines = errorLines;
        this.warnLines = warnLines;
        this.logLines = List.copyOf(logLines);
        this.baseline = baseline(samples);
        this.rows = buildRows();
        this.checks = buildChecks();
    }

    /** The medians of the "baseline" samples, or {@code null} without any. */
    static Baseline baseline(List<Sample> samples) {
        List<Sample> b = samples.stream().filter(s -> s.phase().equals("baseline") && s.alive() && s.rssKiB() > 0)
                .toList();
        if (b.isEmpty()) {
            return null;
        }
        return new Baseline((long) median(b, Sample::rssKiB), (int) median(b, Sample::fds),
                (int) median(b, Sample::threads), b.size());
    }

    boolean passed() {
        return checks.stream().allMatch(Check::pass);
    }

    List<Check> checks() {
        return checks;
    }

    List<Row> rows() {
        return rows;
    }

    Baseline baselineValues() {
        return baseline;
    }

    // ---------------------------------------------------------------- rows

    private List<Row> buildRows() {
        List<Row> out = new ArrayList<>();
        for (int b = 0; b < tally.bucketCount(); b++) {
            int bucket = b;
            List<Sample> in = samples.stream().filter(s -> s.bucket() == bucket && s.alive()).toList();
            SoakTally.Bucket t = tally.bucket(b);
            long[] rtts = t.sortedRtts();
            out.add(new Row(b == 0 ? "warm-up" : String.valueOf(b), median(in, s -> s.rssKiB() / 1024.0),
                    median(in, Sample::fds), median(in, Sample::threads),
                    median(withStats(in), s -> s.stat("usedBytes") / MIB),
                    withStats(in).stream().mapToDouble(s -> s.stat("usedBytes") / MIB).max().orElse(Double.NaN),
                    median(withStats(in), s -> s.stat("heapUsedBytes") / MIB),
                    median(withStats(in), s -> s.stat("directBytes") / MIB),
                    median(withStats(in), s -> s.stat("openTunnels")), t.total(Outcome.OK),
                    t.total(Outcome.EXPECTED), t.total(Outcome.UNEXPECTED),
                    rtts.length == 0 ? Double.NaN : Fairness.percentile(rtts, rtts.length, 50) / 1e6,
                    rtts.length == 0 ? Double.NaN : Fairness.percentile(rtts, rtts.length, 99) / 1e6,
                    t.verifiedBytes() / 1e6));
        }
        Sample last = settle == null ? null : settle.last();
        if (last != null) {
            out.add(single("after", last));
        }
        Sample gc = afterGc();
        if (gc != null) {
            out.add(single("after GC", gc));
        }
        return out;
    }

    private static Row single(String label, Sample s) {
        double na = Double.NaN;
        boolean st = s.stats() != null;
        return new Row(label, s.rssKiB() / 1024.0, s.fds(), s.threads(), st ? s.stat("usedBytes") / MIB : na,
                st ? s.stat("usedBytes") / MIB : na, st ? s.stat("heapUsedBytes") / MIB : na,
                st ? s.stat("directBytes") / MIB : na, st ? s.stat("openTunnels") : na, 0, 0, 0, na, na, 0);
    }

    /** The last sample after the forced GC, if there was one. */
    private Sample afterGc() {
        return samples.stream().filter(s -> s.phase().equals("after gc") && s.alive()).reduce((a, b) -> b)
                .orElse(null);
    }

    private static List<Sample> withStats(List<Sample> in) {
        return in.stream().filter(s -> s.stats() != null).toList();
    }

    static double median(List<Sample> in, ToDoubleFunction<Sample> f) {
        double[] v = in.stream().mapToDouble(f).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    // ---------------------------------------------------------------- verdict

    private List<Check> buildChecks() {
        List<Check> c = new ArrayList<>();
        List<Sample> alive = samples.stream().filter(Sample::alive).toList();
        List<Sample> answered = withStats(alive);

        Sample firstDead = samples.stream().filter(s -> !s.alive()).findFirst().orElse(null);
        c.add(new Check("proxy process", firstDead != null ? String.format(Locale.ROOT, "gone at %.0f s (exit %s)",
                firstDead.atSeconds(), exitCode) : "alive at every sample; exit " + exitCode + " when closed",
                "alive throughout, exit 0", firstDead == null && exitCode != null && exitCode == 0));

        long internal = answered.stream().mapToLong(s -> s.stat("internalErrors")).max().orElse(-1);
        c.add(new Check("internalErrors", String.valueOf(internal), "0", internal == 0));
        long replaced = answered.stream().mapToLong(s -> s.stat("schedulerReplacements")).max().orElse(-1);
        c.add(new Check("schedulerReplacements", String.valueOf(replaced), "0", replaced == 0));
        c.add(new Check("ERROR lines in the proxy's log", String.valueOf(errorLines), "0", errorLines == 0));

        long unexpected = 0;
        for (int b = 0; b < tally.bucketCount(); b++) {
            unexpected += tally.bucket(b).total(Outcome.UNEXPECTED);
        }
        c.add(new Check("unexpected tunnel failures (warm-up and run)", String.valueOf(unexpected), "0",
                unexpected == 0));

        long limit = answered.stream().mapToLong(s -> s.stat("limitBytes")).max().orElse(-1);
        long maxUsed = answered.stream().mapToLong(s -> s.stat("usedBytes")).max().orElse(-1);
        long peak = answered.stream().mapToLong(s -> s.stat("peakBytes")).max().orElse(-1);
        long over = answered.stream().filter(s -> s.stat("usedBytes") > s.stat("limitBytes")).count();
        c.add(new Check("memory budget used ≤ limit", String.format(Locale.ROOT,
                "max %.1f MiB at a sample, peak %.1f MiB, limit %.1f MiB; %d samples over", maxUsed / MIB, peak / MIB,
                limit / MIB, over), "every sample, and the peak", !answered.isEmpty() && over == 0 && peak <= limit));

        double share = alive.isEmpty() ? 0 : (double) answered.size() / alive.size();
        c.add(new Check("stats answered within 3 s", String.format(Locale.ROOT, "%d of %d samples",
                answered.size(), alive.size()), "≥ 99 %", share >= 0.99));

        List<Count> measured = tally.measuredCounts();
        List<String> missing = new ArrayList<>();
        for (String kind : KINDS) {
            if (configured(kind) && measured.stream().noneMatch(x -> x.kind().equals(kind)
                    && x.outcome() != Outcome.UNEXPECTED)) {
                missing.add(kind);
            }
        }
        c.add(new Check("every kind of load ran", missing.isEmpty() ? "all" : "none of: " + String.join(", ", missing),
                "each configured kind ended as planned at least once", missing.isEmpty()));

        c.add(new Check("drivers stopped within 90 s", stuckDrivers.isEmpty() ? "all"
                : "still running: " + String.join(", ", stuckDrivers), "all", stuckDrivers.isEmpty()));

        Sample last = settle == null ? null : settle.last();
        boolean idle = last != null && Soak.idle(last);
        c.add(new Check("nothing left open after the load", last == null || last.stats() == null ? "no answer"
                : String.format(Locale.ROOT, "%d tunnels, %d handshakes, %d lingering", last.stat("openTunnels"),
                last.stat("openHandshakes"), last.stat("lingeringRejections")), "0", idle));

        String within = settle == null ? "" : String.format(Locale.ROOT, " (%.0f s after the load)", settle.seconds());
        if (baseline == null || last == null) {
            c.add(new Check("RSS back to baseline", "no baseline or no final sample", "", false));
            c.add(new Check("descriptors back to baseline", "no baseline or no final sample", "", false));
        } else {
            c.add(new Check("RSS back to baseline", String.format(Locale.ROOT, "%.1f MiB vs %.1f MiB%s",
                    last.rssKiB() / 1024.0, baseline.rssKiB() / 1024.0, within),
                    String.format(Locale.ROOT, "≤ baseline + %s MiB within %d s", Soak.num(o.rssMarginMib()),
                            o.settleSeconds()),
                    last.rssKiB() > 0 && last.rssKiB() <= baseline.rssKiB() + o.rssMarginMib() * 1024));
            c.add(new Check("descriptors back to baseline", String.format(Locale.ROOT, "%d vs %d%s", last.fds(),
                    baseline.fds(), within), String.format(Locale.ROOT, "≤ baseline + %d within %d s", o.fdMargin(),
                    o.settleSeconds()), last.fds() >= 0 && last.fds() <= baseline.fds() + o.fdMargin()));
        }
        return c;
    }

    private boolean configured(String kind) {
        return switch (kind) {
            case "storm" -> o.stormTunnels() > 0;
            case "bulk" -> o.bulk() > 0;
            case "echo" -> o.interactive() > 0;
            case "stall" -> o.stalls() > 0;
            case "client-reset", "server-reset" -> o.resetters() > 0;
            case "never-name" -> o.neverNames() > 0;
            default -> false;
        };
    }

    // ---------------------------------------------------------------- output

    void print(PrintStream out) {
        out.println();
        out.println("| minute | RSS MiB | fds | threads | budget used MiB (max) | heap / direct MiB | open tunnels "
                + "| tunnels ok | expected failures | unexpected failures | echo p50 / p99 ms | MB verified |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Row r : rows) {
            boolean after = r.label().startsWith("after");
            out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s (%s) | %s / %s | %s | %s | %s | %s | %s | %s |%n",
                    r.label(), f1(r.rssMib()), f0(r.fds()), f0(r.threads()), f1(r.usedMib()), f1(r.maxUsedMib()),
                    f1(r.heapMib()), f1(r.directMib()), f0(r.openTunnels()), after ? "" : r.ok(),
                    after ? "" : r.expected(), after ? "" : r.unexpected(),
                    Double.isNaN(r.rttP50Ms()) ? "" : f2(r.rttP50Ms()) + " / " + f2(r.rttP99Ms()),
                    after ? "" : f0(r.verifiedMb()));
        }
        out.println();
        out.println("Tunnels of the measured run, by how they ended:");
        out.println();
        out.println("| kind | outcome | how | count |");
        out.println("|---|---|---|---:|");
        for (Count k : tally.measuredCounts()) {
            out.printf(Locale.ROOT, "| %s | %s | %s | %d |%n", k.kind(), k.outcome().name().toLowerCase(Locale.ROOT),
                    k.reason(), k.count());
        }
        List<String> firstUnexpected = tally.firstUnexpected();
        if (!firstUnexpected.isEmpty()) {
            out.println();
            out.println("First unexpected failures:");
            firstUnexpected.forEach(l -> out.println("  " + l));
        }
        out.println();
        for (String line : facts()) {
            out.println(line);
        }
        out.println();
        out.println("| check | measured | required | |");
        out.println("|---|---|---|---|");
        for (Check k : checks) {
            out.printf(Locale.ROOT, "| %s | %s | %s | %s |%n", k.name(), k.measured(), k.required(),
                    k.pass() ? "pass" : "**FAIL**");
        }
        out.println();
        out.println("verdict: " + (passed() ? "PASS" : "FAIL"));
    }

    /** Context lines: the baseline, what the proxy counted, its threads and log. */
    List<String> facts() {
        List<String> f = new ArrayList<>();
        Sample cold = samples.stream().filter(s -> s.alive() && s.rssKiB() > 0).findFirst().orElse(null);
        if (cold != null) {
            f.add(String.format(Locale.ROOT, "cold (before any traffic): RSS %.1f MiB, %d fds, %d threads",
                    cold.rssKiB() / 1024.0, cold.fds(), cold.threads()));
        }
        if (baseline != null) {
            f.add(String.format(Locale.ROOT, "baseline (idle after the warm-up, median of %d samples): RSS %.1f MiB, "
                    + "%d fds, %d threads", baseline.samples(), baseline.rssKiB() / 1024.0, baseline.fds(),
                    baseline.threads()));
        }
        Sample last = settle == null ? null : settle.last();
        Sample lastStats = samples.stream().filter(s -> s.stats() != null).reduce((a, b) -> b).orElse(null);
        if (last != null) {
            f.add(String.format(Locale.ROOT, "after the load: RSS %.1f MiB, %d fds, %d threads (%s after %.0f s; "
                            + "resolver threads blocked in never-names: %d)", last.rssKiB() / 1024.0, last.fds(),
                    last.threads(), settle.settled() ? "settled" : "not settled", settle.seconds(),
                    last.stat("resolverBlocked")));
        }
        Sample gc = afterGc();
        if (gc != null && gc.stats() != null) {
            f.add(String.format(Locale.ROOT, "after a forced full GC: RSS %.1f MiB, heap used %.1f of %.1f MiB "
                            + "committed, %d direct buffers (%.1f MiB)", gc.rssKiB() / 1024.0,
                    gc.stat("heapUsedBytes") / MIB, gc.stat("heapCommittedBytes") / MIB, gc.stat("directBuffers"),
                    gc.stat("directBytes") / MIB));
        }
        if (lastStats != null) {
            f.add(String.format(Locale.ROOT, "proxy counters at the end: %d tunnels opened, %d connections accepted, "
                            + "%.1f GB up, %.1f GB down, memory peak %.1f of %.1f MiB, %d buffer refusals, "
                            + "rejections %s", lastStats.stat("tunnelsOpened"), lastStats.stat("connectionsAccepted"),
                    lastStats.stat("bytesUpstream") / 1e9, lastStats.stat("bytesDownstream") / 1e9,
                    lastStats.stat("peakBytes") / MIB, lastStats.stat("limitBytes") / MIB,
                    lastStats.stat("refusals"), rejections(lastStats)));
        }
        List<Sample> run = samples.stream().filter(s -> s.phase().equals("run") && s.tcpMemKiB() >= 0).toList();
        if (!run.isEmpty()) {
            f.add(String.format(Locale.ROOT, "kernel memory for TCP buffers (whole machine, /proc/net/sockstat) during "
                            + "the run: median %.0f MiB, max %.0f MiB%s", median(run, s -> s.tcpMemKiB() / 1024.0),
                    run.stream().mapToDouble(s -> s.tcpMemKiB() / 1024.0).max().orElse(0),
                    last == null || last.tcpMemKiB() < 0 ? ""
                            : String.format(Locale.ROOT, "; %.0f MiB after", last.tcpMemKiB() / 1024.0)));
        }
        long[] stalls = tally.sortedStallBytes();
        if (stalls.length > 0) {
            f.add(String.format(Locale.ROOT, "stalled uploads: %d; bytes in flight when they stalled: median %.1f MiB, "
                            + "max %.1f MiB (most of it in the kernel's socket buffers, outside the proxy's budget)",
                    stalls.length, Fairness.percentile(stalls, stalls.length, 50) / MIB, stalls[stalls.length - 1] / MIB));
        }
        f.add(String.format(Locale.ROOT, "proxy log: %d ERROR, %d WARN lines", errorLines, warnLines));
        return f;
    }

    private static String rejections(Sample s) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Long> e : s.stats().entrySet()) {
            if (e.getKey().startsWith("rejected")) {
                sb.append(sb.length() == 0 ? "" : ", ").append(e.getKey().substring("rejected".length()))
                        .append(": ").append(e.getValue());
            }
        }
        return sb.length() == 0 ? "none" : sb.toString();
    }

    private static String f0(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.0f", v);
    }

    private static String f1(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String f2(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.2f", v);
    }

    // ---------------------------------------------------------------- JSON

    String json() {
        Json j = new Json();
        j.open('{');
        j.field("command").value("soak");
        j.field("verdict").value(passed() ? "pass" : "fail");
        j.field("options").open('{');
        j.field("minutes").value(o.minutes());
        j.field("warmupSeconds").value(o.warmupSeconds());
        j.field("stormTunnels").value(o.stormTunnels());
        j.field("stormEverySeconds").value(o.stormEverySeconds());
        j.field("bulk").value(o.bulk());
        j.field("bulkMaxMib").value(o.bulkMaxMib());
        j.field("interactive").value(o.interactive());
        j.field("stalls").value(o.stalls());
        j.field("resetters").value(o.resetters());
        j.field("neverNames").value(o.neverNames());
        j.field("seed").value(o.seed());
        j.field("settleSeconds").value(o.settleSeconds());
        j.field("rssMarginMib").value(o.rssMarginMib());
        j.field("fdMargin").value(o.fdMargin());
        j.field("scheduler").value(o.scheduler());
        j.field("proxyJvmOpts").value(o.jvmOpts());
        j.close('}');
        if (baseline != null) {
            j.field("baseline").open('{');
            j.field("rssKiB").value(baseline.rssKiB());
            j.field("fds").value(baseline.fds());
            j.field("threads").value(baseline.threads());
            j.close('}');
        }
        if (settle != null) {
            j.field("settle").open('{');
            j.field("settled").value(settle.settled());
            j.field("seconds").value(settle.seconds());
            j.close('}');
        }
        j.field("minutes").open('[');
        for (Row r : rows) {
            j.open('{');
            j.field("minute").value(r.label());
            j.field("rssMiB").value(r.rssMib());
            j.field("fds").value(r.fds());
            j.field("threads").value(r.threads());
            j.field("budgetUsedMiB").value(r.usedMib());
            j.field("budgetUsedMaxMiB").value(r.maxUsedMib());
            j.field("heapUsedMiB").value(r.heapMib());
            j.field("directMiB").value(r.directMib());
            j.field("openTunnels").value(r.openTunnels());
            j.field("tunnelsOk").value(r.ok());
            j.field("expectedFailures").value(r.expected());
            j.field("unexpectedFailures").value(r.unexpected());
            j.field("echoP50Ms").value(r.rttP50Ms());
            j.field("echoP99Ms").value(r.rttP99Ms());
            j.field("verifiedMB").value(r.verifiedMb());
            j.close('}');
        }
        j.close(']');
        j.field("outcomes").open('[');
        for (Count k : tally.measuredCounts()) {
            j.open('{');
            j.field("kind").value(k.kind());
            j.field("outcome").value(k.outcome().name().toLowerCase(Locale.ROOT));
            j.field("how").value(k.reason());
            j.field("count").value(k.count());
            j.close('}');
        }
        j.close(']');
        j.field("checks").open('[');
        for (Check k : checks) {
            j.open('{');
            j.field("check").value(k.name());
            j.field("measured").value(k.measured());
            j.field("required").value(k.required());
            j.field("pass").value(k.pass());
            j.close('}');
        }
        j.close(']');
        j.field("facts").open('[');
        facts().forEach(l -> j.value(l));
        j.close(']');
        j.field("firstUnexpected").open('[');
        tally.firstUnexpected().forEach(l -> j.value(l));
        j.close(']');
        j.field("proxyLog").open('[');
        logLines.forEach(l -> j.value(l));
        j.close(']');
        j.field("samples").open('[');
        for (Sample s : samples) {
            j.open('{');
            j.field("t").value(Math.round(s.atSeconds() * 10) / 10.0);
            j.field("phase").value(s.phase());
            j.field("alive").value(s.alive());
            j.field("rssKiB").value(s.rssKiB());
            j.field("fds").value(s.fds());
            j.field("threads").value(s.threads());
            j.field("tcpMemKiB").value(s.tcpMemKiB());
            if (s.stats() != null) {
                j.field("stats").open('{');
                for (Map.Entry<String, Long> e : s.stats().entrySet()) {
                    j.field(e.getKey()).value(e.getValue());
                }
                j.close('}');
            }
            j.close('}');
        }
        j.close(']');
        j.close('}');
        return j.toString() + "\n";
    }

    /** A small JSON writer: commas and quoting handled, nothing else. */
    private static final class Json {
        private final StringBuilder sb = new StringBuilder();
        private final List<Boolean> first = new ArrayList<>(Arrays.asList(Boolean.TRUE));
        private boolean afterField;

        private void comma() {
            if (afterField) {
                afterField = false;
                return;
            }
            int top = first.size() - 1;
            if (!first.get(top)) {
                sb.append(',');
            }
            first.set(top, false);
        }

        Json open(char c) {
            comma();
            sb.append(c);
            first.add(Boolean.TRUE);
            return this;
        }

        Json close(char c) {
            first.remove(first.size() - 1);
            sb.append(c);
            return this;
        }

        Json field(String name) {
            comma();
            sb.append(quote(name)).append(':');
            afterField = true;
            return this;
        }

        Json value(String v) {
            comma();
            sb.append(v == null ? "null" : quote(v));
            return this;
        }

        Json value(long v) {
            comma();
            sb.append(v);
            return this;
        }

        Json value(boolean v) {
            comma();
            sb.append(v);
            return this;
        }

        Json value(double v) {
            comma();
            sb.append(Double.isNaN(v) || Double.isInfinite(v) ? "null" : String.format(Locale.ROOT, "%.6g", v));
            return this;
        }

        private static String quote(String s) {
            StringBuilder q = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                switch (c) {
                    case '"' -> q.append("\\\"");
                    case '\\' -> q.append("\\\\");
                    default -> {
                        if (c < 0x20) {
                            q.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                        } else {
                            q.append(c);
                        }
                    }
                }
            }
            return q.append('"').toString();
        }

        @Override
        public String toString() {
            return sb.toString();
        }
    }

    /** Counts by kind and outcome of the measured run, for tests and the JSON. */
    Map<String, Long> countsByKind(Outcome outcome) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (Count k : tally.measuredCounts()) {
            if (k.outcome() == outcome) {
                m.merge(k.kind(), k.count(), Long::sum);
            }
        }
        return m;
    }
}
