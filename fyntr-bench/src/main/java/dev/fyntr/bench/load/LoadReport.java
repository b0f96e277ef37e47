package dev.fyntr.bench.load;

import dev.fyntr.bench.plot.Cdf;
import dev.fyntr.bench.plot.Json;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code LoadTool --json FILE} writes, and what {@code CompareTable} and the plots read back: the table's
 * rows and, for the timed series (echo round trips), their whole distributions.
 *
 * @param command the load tool's command ({@code all}, {@code interactive} …)
 * @param route   how the proxy was reached, in words
 * @param label   the proxy column's short name ({@code fyntr}, {@code squid} …; {@code --label})
 * @param runs    repeats; every row is a median over them
 * @param metrics the table's rows
 * @param cdfs    distributions of the timed series, pooled over the runs; their {@code route} is {@code direct}
 *                or {@code label}
 */
public record LoadReport(String command, String route, String label, int runs, List<Row> metrics,
                         List<Cdf> cdfs) {

    /**
     * One row: a metric over a direct connection and through the proxy.
     *
     * @param direct null when not measured
     * @param proxy  null when not measured
     * @param ratio  proxy / direct, null when either is missing
     */
    public record Row(String scenario, String metric, Double direct, Double proxy, Double ratio) {
    }

    public LoadReport {
        metrics = List.copyOf(metrics);
        cdfs = List.copyOf(cdfs);
    }

    /** The row named {@code metric} of {@code scenario}, or null. */
    public Row row(String scenario, String metric) {
        for (Row r : metrics) {
            if (r.scenario().equals(scenario) && r.metric().equals(metric)) {
                return r;
            }
        }
        return null;
    }

    /** The distribution of {@code series} on {@code route}, or null. */
    public Cdf cdf(String series, String route) {
        for (Cdf c : cdfs) {
            if (c.series().equals(series) && c.route().equals(route)) {
                return c;
            }
        }
        return null;
    }

    /** This report as indented JSON. */
    public String toJson() {
        return Json.write(this);
    }

    /** Reads a report written by {@link #toJson()}. */
    public static LoadReport read(Path file) throws IOException {
        return Json.read(file, LoadReport.class);
    }

    /** Reads a report from JSON text. */
    public static LoadReport parse(String json) throws IOException {
        return Json.parse(json, LoadReport.class);
    }

    /** NaN and infinities as null, which JSON can carry. */
    static Double orNull(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? null : v;
    }
}
