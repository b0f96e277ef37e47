package dev.fyntr.bench.sim;

import dev.fyntr.api.Schedulers;

import dev.fyntr.bench.plot.Cdf;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Prints the secondary results of the scheduler benchmarks — fairness, deficit, sparse-flow delay and
 * completion spread of a burst — for every scheduler and burst size, as a Markdown table. Everything runs
 * in virtual time from a seed, so the output is the same on every machine and every run.
 *
 * <pre>
 * java -cp fyntr-bench/target/benchmarks.jar dev.fyntr.bench.sim.FairnessReport
 *      [--flows 10,100,1000,10000] [--schedulers drr-adaptive,…] [--seed 42] [--link-mbit 100] [--upload-kib 1024] [--think-ms MS]
 *      [--json FILE]
 * </pre>
 *
 * <p>{@code --json} also writes the rows and every scheduler's distribution of sparse-flow delays
 * ({@link BurstReport}), from which {@code dev.fyntr.bench.plot.Plots} draws its sparse-delay plot.
 */
public final class FairnessReport {

    private FairnessReport() {
    }

    /** Entry point; exit code 2 on bad usage. */
    public static void main(String[] args) {
        try {
            List<SimResult> results = run(args, System.out);
            if (results.isEmpty()) {
                System.exit(1);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("FairnessReport: " + e.getMessage());
            System.exit(2);
        } catch (UncheckedIOException e) {
            System.err.println("FairnessReport: " + e.getMessage());
            System.exit(1);
        }
    }

    /**
     * Parses the arguments, runs every simulation, prints the table to {@code out}, writes the JSON when asked,
     * and returns the rows.
     */
    static List<SimResult> run(String[] args, PrintStream out) {
        int[] flows = {10, 100, 1000, 10000};
        List<SchedulerKind> kinds = new ArrayList<>(List.of(SchedulerKind.values()));
        long seed = 42;
        long linkMbit = 100;
        long uploadKib = 1024;
        long thinkMs = 0; // 0: the workload's own, about 1 % of the link for all sparse flows together
        Path json = null;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--flows" -> flows = parseInts(require(value, "--flows"));
                case "--schedulers" -> {
                    kinds.clear();
                    for (String s : require(value, "--schedulers").split(",")) {
                        kinds.add(SchedulerKind.of(s));
                    }
                }
                case "--seed" -> seed = Long.parseLong(require(value, "--seed"));
                case "--link-mbit" -> linkMbit = Long.parseLong(require(value, "--link-mbit"));
                case "--upload-kib" -> uploadKib = Long.parseLong(require(value, "--upload-kib"));
                case "--think-ms" -> thinkMs = Long.parseLong(require(value, "--think-ms"));
                case "--json" -> json = Path.of(require(value, "--json"));
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; known: --flows, --schedulers, --seed, --link-mbit, --upload-kib, --think-ms, --json");
            }
            i++;
        }
        if (linkMbit < 1 || uploadKib < 1 || thinkMs < 0) {
            throw new IllegalArgumentException("--link-mbit and --upload-kib must be >= 1, --think-ms >= 0");
        }
        boolean drr = Schedulers.availableNames().contains("drr");
        out.printf(Locale.ROOT, "Burst in virtual time: link %d Mbit/s (%,d B per 1 ms tick), bulk uploads of %d KiB "
                        + "in 16 KiB chunks, 1 flow in 10 sparse (100-2000 B requests, think time %s), seed %d.%n%n",
                linkMbit, linkMbit * 125, uploadKib,
                thinkMs > 0 ? thinkMs + " ms" : "1 % of the link in total, >= 5 ms", seed);
        out.println("| scheduler | N | Jain min | Jain mean | Jain to 1st done | max deficit | sparse p50 ms | "
                + "p99 ms | p99.9 ms | samples | done first / median / last s | spread | link used |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|");
        List<SimResult> results = new ArrayList<>();
        List<BurstReport.SparseDelay> delays = new ArrayList<>();
        for (int n : flows) {
            Workload workload = Workload.burst(n, seed).withLinkBytesPerTick(linkMbit * 125)
                    .withBulkUploadBytes(uploadKib * 1024);
            if (thinkMs > 0) {
                workload = workload.withSparseThinkNanos(thinkMs * Workload.MS);
            }
            for (SchedulerKind kind : kinds) {
                if (kind.needsDrr() && !drr) {
                    out.printf(Locale.ROOT, "| %s | %d | (no drr provider on the class path) |%n", kind.label(), n);
                    continue;
                }
                Simulation simulation = Simulation.burst(workload, kind.create(), kind.label());
                SimResult r = simulation.run();
                results.add(r);
                long[] sorted = simulation.sparseDelaysNanos();
                delays.add(new BurstReport.SparseDelay(kind.label(), n, Cdf.of("sparse delay", kind.label(), "ms",
                        sorted, sorted.length, 1e6, Cdf.DEFAULT_POINTS)));
                out.println(row(r));
            }
        }
        out.println();
        out.println("Jain: bulk flows' bytes over sliding windows of 10 rounds (a round = every bulk flow sending "
                + "16 KiB), while all were backlogged. Sparse delay: a request's arrival until its first byte is "
                + "written. Spread: (last - first completion) / last. Link used: bytes / (last completion x capacity).");
        if (json != null) {
            try {
                Files.writeString(json, new BurstReport(seed, linkMbit, uploadKib, results, delays).toJson(),
                        StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + json + ": " + e.getMessage(), e);
            }
            out.println("wrote " + json);
        }
        return results;
    }

    static String row(SimResult r) {
        return String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %d | %.2f / %.2f / %.2f | %.3f | %.2f |",
                r.scheduler(), r.flows(), fixed(r.jainWindowMin()), fixed(r.jainWindowMean()),
                fixed(r.jainToFirstDone()), r.maxDeficitBytes() < 0 ? "n/a" : bytes(r.maxDeficitBytes()),
                ms(r.sparseP50Nanos()), ms(r.sparseP99Nanos()), ms(r.sparseP999Nanos()), r.sparseSamples(),
                r.firstDoneNanos() / 1e9, r.medianDoneNanos() / 1e9, r.makespanNanos() / 1e9, r.spread(),
                r.linkUtilisation());
    }

    private static String fixed(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.2f", nanos / 1e6);
    }

    private static String bytes(long b) {
        if (b >= 10L * 1024 * 1024) {
            return (b >> 20) + " MiB";
        }
        if (b >= 10L * 1024) {
            return (b >> 10) + " KiB";
        }
        return b + " B";
    }

    private static int[] parseInts(String csv) {
        String[] parts = csv.split(",");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Integer.parseInt(parts[i].strip());
            if (out[i] < 1) {
                throw new IllegalArgumentException("--flows: each N must be >= 1: " + out[i]);
            }
        }
        return out;
    }

    private static String require(String value, String option) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }
}
