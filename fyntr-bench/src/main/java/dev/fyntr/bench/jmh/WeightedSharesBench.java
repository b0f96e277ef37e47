package dev.fyntr.bench.jmh;

import dev.fyntr.bench.sim.WeightedShares;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Weighted DRR under a burst ({@link WeightedShares}): the score is the wall time to simulate it; the secondary
 * results are the deterministic shares, in percent, and the largest deviation from the weights' shares. As with
 * {@link BurstBench}, JMH adds event counters over iterations: keep {@code -i 1}.
 *
 * <pre>java -jar fyntr-bench/target/benchmarks.jar WeightedSharesBench -f 1 -i 1 -foe true</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1, batchSize = 1)
@Fork(value = 1)
public class WeightedSharesBench {

    /** Flows to each of the four destinations. */
    @Param({"4", "64"})
    public int flowsPerKind;

    /** The secondary results of the burst. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Shares {
        /** Largest |share − expected| / expected, percent: at most 5 is the target. */
        public double maxErrorPercent;
        /** Share of registry.example (weight 4), percent. */
        public double registryPercent;
        /** Share of *.internal (weight 0.5), percent. */
        public double internalPercent;
        /** Share of port 22 (weight 8), percent. */
        public double port22Percent;
        /** Share of the others (weight 1), percent. */
        public double otherPercent;

        /** Clears the counters before the measured iteration. */
        @Setup(Level.Iteration)
        public void clear() {
            maxErrorPercent = 0;
            registryPercent = 0;
            internalPercent = 0;
            port22Percent = 0;
            otherPercent = 0;
        }
    }

    /** Simulates one burst until the first flow runs dry. */
    @Benchmark
    public WeightedShares.Result burst(Shares shares) {
        WeightedShares.Result r = WeightedShares.run(flowsPerKind, 500, 42);
        shares.maxErrorPercent = r.maxErrorPercent();
        shares.registryPercent = r.sharePercent()[0];
        shares.internalPercent = r.sharePercent()[1];
        shares.port22Percent = r.sharePercent()[2];
        shares.otherPercent = r.sharePercent()[3];
        return r;
    }
}
