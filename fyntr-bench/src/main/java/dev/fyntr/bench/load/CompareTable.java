package dev.fyntr.bench.load;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the JSON of several {@code LoadTool all --json} runs — one proxy per run, named by its {@code --label} —
 * into one Markdown table of medians, each proxy beside the direct connection. This is the table of
 * {@code fyntr-bench/tools/compare.sh}.
 *
 * <pre>java -cp benchmarks.jar dev.fyntr.bench.load.CompareTable RUN.json [RUN.json …]</pre>
 *
 * <p>The direct column is the median over every run's direct measurement. A proxy's "× direct" is the median of
 * its per-run ratios (proxy / direct in the same run), so that a slow moment of the machine counts against both
 * sides. Exit 0, 1 when a file cannot be read, 2 without files.
 */
public final class CompareTable {

    /** How a figure is found in a run's rows, and how it is shown. */
    enum Kind {
        /** A value and its ratio to direct. */
        RATIO,
        /** A value measured on every route; no ratio (e.g. an index, a ratio of its own). */
        VALUE,
        /** Measured on the proxy only (its process's CPU, calls, memory). */
        PROXY_ONLY,
        /** A count where the worst run matters (tunnels verified): the smallest value, not the median. */
        WORST
    }

    /**
     * One row of the table.
     *
     * @param figure  the row's text
     * @param scenario the load tool's scenario
     * @param metric  the load tool's metric, or its beginning when it ends with {@code "…"}
     */
    record Figure(String figure, String scenario, String metric, Kind kind) {
        boolean matches(LoadReport.Row row) {
            if (!row.scenario().equals(scenario)) {
                return false;
            }
            return metric.endsWith("…") ? row.metric().startsWith(metric.substring(0, metric.length() - 1))
                    : row.metric().equals(metric);
        }
    }

    static final List<Figure> FIGURES = List.of(
            new Figure("1 tunnel upload, MB/s", "bulk", "1 stream, MB/s", Kind.RATIO),
            new Figure("16 tunnels upload, aggregate MB/s", "bulk", "16 streams, MB/s", Kind.RATIO),
            new Figure("16 tunnels, Jain's index", "bulk", "16 streams, Jain", Kind.VALUE),
            new Figure("proxy CPU s per GiB, 1 flow", "bulk", "1 stream, proxy CPU s/GiB", Kind.PROXY_ONLY),
            new Figure("proxy CPU s per GiB, 16 flows", "bulk", "16 streams, proxy CPU s/GiB", Kind.PROXY_ONLY),
            new Figure("proxy read calls per MiB, 1 flow", "bulk", "1 stream, proxy read calls per MiB",
                    Kind.PROXY_ONLY),
            new Figure("proxy write calls per MiB, 1 flow", "bulk", "1 stream, proxy write calls per MiB",
                    Kind.PROXY_ONLY),
            new Figure("proxy read calls per MiB, 16 flows", "bulk", "16 streams, proxy read calls per MiB",
                    Kind.PROXY_ONLY),
            new Figure("proxy write calls per MiB, 16 flows", "bulk", "16 streams, proxy write calls per MiB",
                    Kind.PROXY_ONLY),
            new Figure("CONNECT + 1 B echo p50, ms", "latency", "connect+1B p50, ms", Kind.RATIO),
            new Figure("tunnels at once: verified (worst run)", "storm", "tunnels verified (of …", Kind.WORST),
            new Figure("tunnels at once: wall, ms", "storm", "total, ms", Kind.RATIO),
            new Figure("64 B echo p50 idle, µs", "interactive", "64B RTT p50, us", Kind.RATIO),
            new Figure("64 B echo p50 with 16 uploads, µs", "interactive", "64B RTT p50 +16 bulk, us", Kind.RATIO),
            new Figure("64 B echo p50 with 16 uploads ÷ idle p50", "interactive", "p50 +16 bulk / idle p50",
                    Kind.VALUE),
            new Figure("16 uploads' rate kept during the echoes, %", "interactive", "16 bulk kept during echoes, %",
                    Kind.VALUE),
            new Figure("idle RSS (before any traffic), MiB", "memory", "proxy RSS before any traffic, MiB",
                    Kind.PROXY_ONLY),
            new Figure("peak RSS (after the storm), MiB", "storm", "proxy peak RSS, MiB", Kind.PROXY_ONLY));

    private CompareTable() {
    }

    /** Entry point. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println("usage: CompareTable RUN.json [RUN.json ...]   (files of LoadTool all --label NAME --json)");
            return 2;
        }
        List<LoadReport> reports = new ArrayList<>();
        for (String a : args) {
            try {
                reports.add(LoadReport.read(Path.of(a)));
            } catch (IOException | RuntimeException e) {
                err.println("compare: cannot read " + a + ": " + e.getMessage());
                return 1;
            }
        }
        out.print(table(reports));
        return 0;
    }

    /** The Markdown table of medians over {@code reports}, one column pair per label, in order of appearance. */
    static String table(List<LoadReport> reports) {
        Map<String, List<LoadReport>> byLabel = new LinkedHashMap<>();
        for (LoadReport r : reports) {
            byLabel.computeIfAbsent(r.label(), k -> new ArrayList<>()).add(r);
        }
        StringBuilder sb = new StringBuilder("| figure | direct |");
        StringBuilder rule = new StringBuilder("|---|---:|");
        for (Map.Entry<String, List<LoadReport>> e : byLabel.entrySet()) {
            sb.append(' ').append(e.getKey()).append(" (").append(e.getValue().size()).append(" runs) | × direct |");
            rule.append("---:|---:|");
        }
        sb.append('\n').append(rule).append('\n');
        for (Figure f : FIGURES) {
            List<Double> direct = new ArrayList<>();
            for (LoadReport r : reports) {
                LoadReport.Row row = find(r, f);
                if (row != null && row.direct() != null) {
                    direct.add(row.direct());
                }
            }
            sb.append("| ").append(f.figure()).append(" | ").append(f.kind() == Kind.PROXY_ONLY ? "–"
                    : num(f.kind() == Kind.WORST ? min(direct) : median(direct))).append(" |");
            for (List<LoadReport> runs : byLabel.values()) {
                List<Double> values = new ArrayList<>();
                List<Double> ratios = new ArrayList<>();
                for (LoadReport r : runs) {
                    LoadReport.Row row = find(r, f);
                    if (row != null && row.proxy() != null) {
                        values.add(row.proxy());
                    }
                    if (row != null && row.ratio() != null) {
                        ratios.add(row.ratio());
                    }
                }
                sb.append(' ').append(num(f.kind() == Kind.WORST ? min(values) : median(values))).append(" | ")
                        .append(f.kind() == Kind.RATIO && !ratios.isEmpty()
                                ? String.format(Locale.ROOT, "%.2f×", median(ratios)) : "").append(" |");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    private static LoadReport.Row find(LoadReport r, Figure f) {
        for (LoadReport.Row row : r.metrics()) {
            if (f.matches(row)) {
                return row;
            }
        }
        return null;
    }

    /** The median; NaN for none. */
    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    }

    private static String num(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        if (Math.abs(v) >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 10 ? "%.1f" : "%.2f", v);
    }
}
