package dev.fyntr.bench.sim;

import dev.fyntr.bench.plot.Cdf;
import dev.fyntr.bench.plot.Json;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code FairnessReport --json FILE} writes: the burst's parameters, every row of its table, and each
 * scheduler's whole distribution of sparse-flow delays, which the plots draw.
 *
 * @param seed          the workload's seed
 * @param linkMbit      the simulated link
 * @param uploadKib     each bulk flow's upload
 * @param results       one per scheduler and burst size, as in the table
 * @param sparseDelays  one per result, same order
 */
public record BurstReport(long seed, long linkMbit, long uploadKib, List<SimResult> results,
                          List<SparseDelay> sparseDelays) {

    /**
     * The sparse requests' delays of one simulation, in virtual milliseconds.
     *
     * @param scheduler the scheduler's label ({@code drr-adaptive}, {@code fifo}, {@code reference-tick} …)
     * @param flows     flows in the burst
     * @param cdf       arrival → first byte written, in ms; its {@code route} is the scheduler's label
     */
    public record SparseDelay(String scheduler, int flows, Cdf cdf) {
    }

    public BurstReport {
        results = List.copyOf(results);
        sparseDelays = List.copyOf(sparseDelays);
    }

    /** The delays of {@code scheduler} at {@code flows}, or null. */
    public SparseDelay sparseDelay(String scheduler, int flows) {
        for (SparseDelay d : sparseDelays) {
            if (d.scheduler().equals(scheduler) && d.flows() == flows) {
                return d;
            }
        }
        return null;
    }

    /** This report as indented JSON. */
    public String toJson() {
        return Json.write(this);
    }

    /** Reads a report written by {@link #toJson()}. */
    public static BurstReport read(Path file) throws IOException {
        return Json.read(file, BurstReport.class);
    }
}
