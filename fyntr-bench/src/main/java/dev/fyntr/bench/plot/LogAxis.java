package dev.fyntr.bench.plot;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A base-10 logarithmic axis over whole decades, mapped onto pixels {@code [from, to]}: latencies here span from
 * microseconds to seconds, which a linear axis would squash into one corner.
 *
 * @param lowDecade  the axis starts at 10^lowDecade
 * @param highDecade and ends at 10^highDecade (greater than lowDecade)
 * @param from       pixel of the low end
 * @param to         pixel of the high end
 */
record LogAxis(int lowDecade, int highDecade, double from, double to) {

    LogAxis {
        if (highDecade <= lowDecade) {
            throw new IllegalArgumentException("highDecade " + highDecade + " <= lowDecade " + lowDecade);
        }
    }

    /**
     * The smallest whole-decade axis holding every positive value in [{@code min}, {@code max}]; at least one decade.
     *
     * @throws IllegalArgumentException unless 0 < min <= max, both finite
     */
    static LogAxis covering(double min, double max, double from, double to) {
        if (!(min > 0) || !(max >= min) || Double.isInfinite(max)) {
            throw new IllegalArgumentException("need 0 < min <= max: " + min + ", " + max);
        }
        int low = (int) Math.floor(Math.log10(min) + 1e-9);
        int high = (int) Math.ceil(Math.log10(max) - 1e-9);
        return new LogAxis(low, Math.max(high, low + 1), from, to);
    }

    /** The smallest value the axis shows; smaller ones (and 0) are drawn at the axis's start. */
    double min() {
        return Math.pow(10, lowDecade);
    }

    /** Pixel of {@code value}, clamped to the axis. */
    double position(double value) {
        double v = Math.max(value, min());
        double t = (Math.log10(v) - lowDecade) / (highDecade - lowDecade);
        return from + Math.min(1, t) * (to - from);
    }

    /** Tick values: 1, 2 and 5 times each power of ten on the axis, and its end. */
    List<Double> ticks() {
        List<Double> ticks = new ArrayList<>();
        for (int d = lowDecade; d < highDecade; d++) {
            for (int m : new int[] {1, 2, 5}) {
                ticks.add(m * Math.pow(10, d));
            }
        }
        ticks.add(Math.pow(10, highDecade));
        return ticks;
    }

    /** Whether a tick is a power of ten (drawn stronger, always labelled). */
    static boolean isDecade(double tick) {
        double l = Math.log10(tick);
        return Math.abs(l - Math.rint(l)) < 1e-9;
    }

    /** A tick's label: {@code 0.01}, {@code 0.5}, {@code 20}, {@code 1,000}, {@code 100k}. */
    static String label(double tick) {
        if (tick >= 100_000) {
            return String.format(Locale.ROOT, "%,.0fk", tick / 1000);
        }
        if (tick >= 1) {
            return String.format(Locale.ROOT, "%,.0f", tick);
        }
        String s = String.format(Locale.ROOT, "%.6f", tick).replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
