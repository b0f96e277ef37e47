package dev.fyntr.bench.sim;

import java.util.Arrays;

/** The statistics the reports use. Pure functions. */
public final class Fairness {

    private Fairness() {
    }

    /**
     * Jain's fairness index (Σx)² / (n·Σx²): 1 when all shares are equal, 1/n when one flow gets everything.
     * An all-zero (or empty) vector is perfectly fair: nobody got more than anybody else.
     */
    public static double jain(long[] shares) {
        if (shares.length == 0) {
            return 1.0;
        }
        double sum = 0;
        double squares = 0;
        for (long x : shares) {
            if (x < 0) {
                throw new IllegalArgumentException("negative share: " + x);
            }
            sum += x;
            squares += (double) x * x;
        }
        return squares == 0 ? 1.0 : sum * sum / (shares.length * squares);
    }

    /** As {@link #jain(long[])} for measured rates. */
    public static double jain(double[] shares) {
        long[] scaled = new long[shares.length];
        for (int i = 0; i < shares.length; i++) {
            scaled[i] = Math.round(shares[i] * 1e6);
        }
        return jain(scaled);
    }

    /**
     * The nearest-rank percentile ({@code p} in [0, 100]) of a <em>sorted</em> array; 0 when it is empty.
     * p50 of {1,2,3,4} is 2, p100 the largest value.
     */
    public static long percentile(long[] sorted, int count, double p) {
        if (p < 0 || p > 100) {
            throw new IllegalArgumentException("p must be 0-100: " + p);
        }
        if (count == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * count);
        return sorted[Math.max(0, Math.min(count, rank) - 1)];
    }

    /** A sorted copy of the first {@code count} values. */
    public static long[] sorted(long[] values, int count) {
        long[] copy = Arrays.copyOf(values, count);
        Arrays.sort(copy);
        return copy;
    }
}
