package dev.fyntr.bench.plot;

import java.util.Arrays;
import java.util.Objects;

/**
 * An empirical cumulative distribution, thinned to at most a few hundred points so that it can be written to JSON
 * and drawn: the point {@code (values[i], fractions[i])} says that a fraction {@code fractions[i]} of the samples
 * were at most {@code values[i]}.
 *
 * <p>The points are the samples at nearest ranks, so the value at fraction {@code p / 100} is the nearest-rank
 * percentile {@code p} that the load tool and the simulation print ({@code Fairness.percentile}).
 *
 * @param series    what was measured, e.g. {@code "64B RTT +16 bulk"}
 * @param route     whose samples they are: {@code "direct"}, {@code "fyntr"}, {@code "squid"}, a scheduler …
 * @param unit      the unit of {@code values}, e.g. {@code "us"}
 * @param samples   how many samples the distribution was made of
 * @param fractions increasing, in (0, 1]; the last is 1
 * @param values    non-decreasing, one per fraction
 */
public record Cdf(String series, String route, String unit, long samples, double[] fractions, double[] values) {

    /** The most points {@link #of} keeps: enough for a smooth line in a 900-pixel-wide plot. */
    public static final int DEFAULT_POINTS = 400;

    public Cdf {
        Objects.requireNonNull(series, "series");
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(fractions, "fractions");
        Objects.requireNonNull(values, "values");
        if (fractions.length != values.length) {
            throw new IllegalArgumentException("fractions and values differ in length: " + fractions.length + " vs "
                    + values.length);
        }
    }

    /**
     * The distribution of the first {@code count} entries of {@code sorted} (ascending), each divided by
     * {@code divisor} (e.g. 1,000 for nanoseconds shown in microseconds), thinned to at most {@code maxPoints}
     * points. The first point is always the smallest sample and the last the largest.
     */
    public static Cdf of(String series, String route, String unit, long[] sorted, int count, double divisor,
                         int maxPoints) {
        if (count < 0 || count > sorted.length) {
            throw new IllegalArgumentException("count " + count + " outside 0.." + sorted.length);
        }
        if (maxPoints < 2) {
            throw new IllegalArgumentException("maxPoints < 2: " + maxPoints);
        }
        int points = Math.min(count, maxPoints);
        double[] fractions = new double[points];
        double[] values = new double[points];
        for (int j = 0; j < points; j++) {
            // Ranks 1..count spread evenly, the first and the last included: rank = round(1 + j (count-1) / (points-1)).
            int rank = points == 1 ? 1 : (int) Math.round(1 + (double) j * (count - 1) / (points - 1));
            fractions[j] = (double) rank / count;
            values[j] = sorted[rank - 1] / divisor;
        }
        return new Cdf(series, route, unit, count, fractions, values);
    }

    /**
     * The smallest value whose fraction is at least {@code p / 100}: the nearest-rank percentile when every sample
     * was kept, and the next kept point above it otherwise. NaN when there are no points.
     */
    public double percentile(double p) {
        double f = p / 100;
        for (int i = 0; i < fractions.length; i++) {
            if (fractions[i] >= f - 1e-12) {
                return values[i];
            }
        }
        return values.length == 0 ? Double.NaN : values[values.length - 1];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cdf c && series.equals(c.series) && route.equals(c.route) && unit.equals(c.unit)
                && samples == c.samples && Arrays.equals(fractions, c.fractions) && Arrays.equals(values, c.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(series, route, unit, samples, Arrays.hashCode(fractions), Arrays.hashCode(values));
    }

    @Override
    public String toString() {
        return "Cdf[" + series + ", " + route + ", " + samples + " samples, " + fractions.length + " points, "
                + unit + "]";
    }
}
