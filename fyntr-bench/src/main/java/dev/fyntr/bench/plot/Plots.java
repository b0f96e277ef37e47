package dev.fyntr.bench.plot;

import dev.fyntr.bench.load.LoadReport;
import dev.fyntr.bench.sim.BurstReport;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Draws the README's two plots as SVG from the benchmark JSON, so that no number in them is drawn by hand.
 *
 * <pre>
 * java -cp benchmarks.jar dev.fyntr.bench.plot.Plots echo --out FILE.svg LOADTOOL.json [LOADTOOL.json …]
 *     interactive 64 B echo round trips while 16 uploads run (solid) and idle (dashed), as distributions: the
 *     direct route from the first file, then each file's proxy under its label (fyntr, squid …), from
 *     {@code LoadTool interactive --json}
 * java -cp benchmarks.jar dev.fyntr.bench.plot.Plots sparse --out FILE.svg [--flows N]
 *     [--schedulers drr-adaptive,fifo,reference-tick] FAIRNESS.json
 *     sparse requests' delay under a burst of N flows (default 100), per scheduler, from
 *     {@code FairnessReport --json}
 * </pre>
 *
 * Exit 0 on success, 1 when a file cannot be read or lacks the data, 2 on bad usage.
 */
public final class Plots {

    private static final String DIRECT_COLOR = "#555555";
    private static final String[] PALETTE = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};
    private static final String REGENERATE = "regenerate: fyntr-bench/tools/plots.sh (measure and draw) or "
            + "fyntr-bench/tools/plots.sh --replot (draw from the committed JSON)";

    private Plots() {
    }

    /** Entry point. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the tool; returns the exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("plots: " + e.getMessage());
            err.println("usage: Plots echo --out FILE.svg LOADTOOL.json [LOADTOOL.json ...]");
            err.println("       Plots sparse --out FILE.svg [--flows N] [--schedulers A,B,...] FAIRNESS.json");
            return 2;
        }
        try {
            String svg = o.kind().equals("echo") ? echo(o.inputs()) : sparse(o.inputs().get(0), o.flows(),
                    o.schedulers());
            Files.writeString(o.out(), svg, StandardCharsets.UTF_8);
            out.println("wrote " + o.out());
            return 0;
        } catch (IOException | IllegalStateException e) {
            err.println("plots: " + e.getMessage());
            return 1;
        }
    }

    /** The parsed command line. */
    record Options(String kind, Path out, int flows, List<String> schedulers, List<Path> inputs) {
        static Options parse(String[] args) {
            if (args.length == 0 || !(args[0].equals("echo") || args[0].equals("sparse"))) {
                throw new IllegalArgumentException("first argument must be echo or sparse");
            }
            Path out = null;
            int flows = 100;
            List<String> schedulers = List.of("drr-adaptive", "fifo", "reference-tick");
            List<Path> inputs = new ArrayList<>();
            for (int i = 1; i < args.length; i++) {
                String a = args[i];
                if (a.startsWith("--")) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(a + " needs a value");
                    }
                    String v = args[++i];
                    switch (a) {
                        case "--out" -> out = Path.of(v);
                        case "--flows" -> {
                            try {
                                flows = Integer.parseInt(v);
                            } catch (NumberFormatException e) {
                                throw new IllegalArgumentException("--flows must be a number: " + v, e);
                            }
                            if (flows < 1) {
                                throw new IllegalArgumentException("--flows must be >= 1: " + v);
                            }
                        }
                        case "--schedulers" -> schedulers = Arrays.asList(v.split(","));
                        default -> throw new IllegalArgumentException("unknown option " + a
                                + "; known: --out, --flows, --schedulers");
                    }
                } else {
                    inputs.add(Path.of(a));
                }
            }
            if (out == null) {
                throw new IllegalArgumentException("--out FILE.svg is required");
            }
            if (inputs.isEmpty()) {
                throw new IllegalArgumentException("name at least one JSON file to draw from");
            }
            if (args[0].equals("sparse") && inputs.size() != 1) {
                throw new IllegalArgumentException("sparse draws from exactly one FairnessReport JSON file");
            }
            return new Options(args[0], out, flows, schedulers, inputs);
        }
    }

    /** The echo plot from {@code LoadTool interactive --json} files. */
    static String echo(List<Path> inputs) throws IOException {
        List<LoadReport> reports = new ArrayList<>();
        for (Path p : inputs) {
            reports.add(LoadReport.read(p));
        }
        return echoChart(reports).svg();
    }

    static CdfChart echoChart(List<LoadReport> reports) {
        CdfChart chart = new CdfChart("Interactive 64 B echo round trip while 16 uploads run",
                List.of("One tunnel's round trips on loopback (2 cores shared by client, servers and proxy).",
                        "Solid: while 16 flat-out uploads share the route; dashed: the same tunnel idle."),
                "round trip, µs",
                List.of("data: LoadTool interactive --json (every sample, pooled over the runs): "
                        + String.join(", ", reports.stream().map(r -> r.label() + " " + r.runs() + " run(s)")
                        .toList()), REGENERATE));
        LoadReport first = reports.get(0);
        addPair(chart, first, "direct", "direct", DIRECT_COLOR);
        int color = 0;
        for (LoadReport r : reports) {
            addPair(chart, r, r.label(), r.label(), PALETTE[color++ % PALETTE.length]);
        }
        return chart;
    }

    private static void addPair(CdfChart chart, LoadReport r, String route, String label, String color) {
        Cdf loaded = r.cdf("64B RTT +16 bulk", route);
        Cdf idle = r.cdf("64B RTT idle", route);
        if (loaded == null || idle == null) {
            throw new IllegalStateException("no interactive echo samples for " + route + " in the report of "
                    + r.label() + " (made with LoadTool interactive --json?)");
        }
        chart.add(new CdfChart.Line(loaded, label + ", 16 uploads running", color, false));
        chart.add(new CdfChart.Line(idle, label + ", idle", color, true));
    }

    /** The sparse-delay plot from a {@code FairnessReport --json} file. */
    static String sparse(Path input, int flows, List<String> schedulers) throws IOException {
        return sparseChart(BurstReport.read(input), flows, schedulers).svg();
    }

    static CdfChart sparseChart(BurstReport report, int flows, List<String> schedulers) {
        CdfChart chart = new CdfChart(String.format(Locale.ROOT,
                "Sparse-flow delay under a burst of %,d flows", flows),
List.of(String.format(Locale.ROOT, "Virtual time, %d Mbit/s link; 9 in 10 flows upload %d KiB, 1 in 10 send "
                        + "100–2,000 B requests (seed %d).", report.linkMbit(), report.uploadKib(), report.seed()),
                        "Delay: from a request's arrival until its first byte is written."),
                "delay, ms",
                List.of("data: FairnessReport --json (deterministic: the same on every machine)", REGENERATE));
        int color = 0;
        for (String s : schedulers) {
            BurstReport.SparseDelay d = report.sparseDelay(s, flows);
            if (d == null) {
                throw new IllegalStateException("no " + s + " run with " + flows + " flows in the report");
            }
            chart.add(new CdfChart.Line(d.cdf(), describe(s), PALETTE[color++ % PALETTE.length], false));
        }
        return chart;
    }

    private static String describe(String scheduler) {
        return switch (scheduler) {
            case "drr-adaptive" -> "DRR (drr, as shipped)";
            case "drr-no-sparse" -> "DRR without sparse-flow priority";
            case "drr-fixed" -> "DRR, fixed 8 KiB quantum";
            case "fifo" -> "FIFO (no scheduling)";
            case "reference-tick" -> "tick model (original Fyntr)";
            default -> scheduler;
        };
    }
}
