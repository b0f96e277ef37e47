package dev.fyntr.bench.jmh;

import dev.fyntr.bench.sim.SchedulerKind;
import dev.fyntr.bench.sim.SimResult;
import dev.fyntr.bench.sim.Simulation;
import dev.fyntr.bench.sim.Workload;
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
 * One whole burst per operation, with its fairness and delay results as JMH secondary results
 * ({@code @AuxCounters}). The score is the wall time to simulate the burst; the counters are virtual-time
 * results and deterministic, identical to {@code FairnessReport}'s row. JMH adds event counters up over
 * iterations, so this benchmark runs exactly one measured iteration of one operation: keep {@code -i 1}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1, batchSize = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class BurstBench {

    /** Flows in the burst. */
    @Param({"10", "100", "1000", "10000"})
    public int flows;

    /** A {@link SchedulerKind} label. */
    @Param({"drr-adaptive", "drr-fixed", "drr-no-sparse", "fifo", "reference-tick"})
    public String scheduler;

    /** The secondary results of the last burst; see {@link SimResult} for their meaning. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Results {
        /** Smallest Jain's index of bulk flows over sliding windows. */
        public double jainMin;
        /** Mean Jain's index over the windows. */
        public double jainMean;
        /** Largest credit seen, bytes; -1 where not observable. */
        public double maxDeficitBytes;
        /** Sparse-flow queueing delay percentiles, virtual milliseconds. */
        public double sparseP50Ms;
        /** 99th percentile. */
        public double sparseP99Ms;
        /** 99.9th percentile. */
        public double sparseP999Ms;
        /** (last - first completion) / last. */
        public double completionSpread;
        /** Last bulk completion, virtual seconds. */
        public double makespanS;

        /** Clears the counters before the measured iteration. */
        @Setup(Level.Iteration)
        public void clear() {
            jainMin = 0;
            jainMean = 0;
            maxDeficitBytes = 0;
            sparseP50Ms = 0;
            sparseP99Ms = 0;
            sparseP999Ms = 0;
            completionSpread = 0;
            makespanS = 0;
        }
    }

    private Workload workload;
    private SchedulerKind kind;

    /** Resolves the parameters (and fails early when a DRR variant is asked for without a provider). */
    @Setup(Level.Trial)
    public void setUp() {
        workload = Workload.burst(flows, 42);
        kind = SchedulerKind.of(scheduler);
        kind.create();
    }

    /** Simulates one burst to its end. */
    @Benchmark
    public SimResult burst(Results results) {
        SimResult r = Simulation.burst(workload, kind.create(), kind.label()).run();
        results.jainMin = r.jainWindowMin();
        results.jainMean = r.jainWindowMean();
        results.maxDeficitBytes = r.maxDeficitBytes();
        results.sparseP50Ms = r.sparseP50Nanos() / 1e6;
        results.sparseP99Ms = r.sparseP99Nanos() / 1e6;
        results.sparseP999Ms = r.sparseP999Nanos() / 1e6;
        results.completionSpread = r.spread();
        results.makespanS = r.makespanNanos() / 1e9;
        return r;
    }
}
