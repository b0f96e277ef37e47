package dev.fyntr.bench.load;

import dev.fyntr.bench.plot.Cdf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every timed sample of a run, pooled over its repeats per route and series, in plain {@code long} arrays (no
 * boxing), so that the load tool can write whole distributions and not only their percentiles. Each series keeps
 * at most {@link #MAX_SAMPLES_PER_SERIES} samples; later ones are counted but dropped.
 *
 * <p>Not thread-safe: the load tool adds samples from its main thread only.
 */
final class SampleStore {

    /** 8 MiB per series at most. */
    static final int MAX_SAMPLES_PER_SERIES = 1 << 20;

    private final Map<String, Series> series = new LinkedHashMap<>();

    private static final class Series {
        final String route;
        final String name;
        final String unit;
        final double divisor;
        long[] values = new long[1024];
        int kept;
        long dropped;

        Series(String route, String name, String unit, double divisor) {
            this.route = route;
            this.name = name;
            this.unit = unit;
            this.divisor = divisor;
        }
    }

    /**
     * Adds the first {@code count} of {@code samples} (in nanoseconds) to the series {@code name} of {@code route};
     * {@code unit}/{@code divisor} say how they are shown (e.g. {@code "us"}, 1,000).
     */
    void add(String route, String name, String unit, double divisor, long[] samples, int count) {
        Series s = series.computeIfAbsent(route + "\u0000" + name, k -> new Series(route, name, unit, divisor));
        int room = MAX_SAMPLES_PER_SERIES - s.kept;
        int take = Math.min(room, count);
        if (s.kept + take > s.values.length) {
            s.values = Arrays.copyOf(s.values, Math.min(MAX_SAMPLES_PER_SERIES,
                    Math.max(s.kept + take, 2 * s.values.length)));
        }
        System.arraycopy(samples, 0, s.values, s.kept, take);
        s.kept += take;
        s.dropped += count - take;
    }

    /** Samples of a series that did not fit; 0 when the series is unknown. */
    long dropped(String route, String name) {
        Series s = series.get(route + "\u0000" + name);
        return s == null ? 0 : s.dropped;
    }

    /** One distribution per series, in the order the series were first added, each with at most {@code points} points. */
    List<Cdf> cdfs(int points) {
        List<Cdf> out = new ArrayList<>();
        for (Series s : series.values()) {
            if (s.kept == 0) {
                continue;
            }
            long[] sorted = Arrays.copyOf(s.values, s.kept);
            Arrays.sort(sorted);
            out.add(Cdf.of(s.name, s.route, s.unit, sorted, sorted.length, s.divisor, points));
        }
        return out;
    }
}
