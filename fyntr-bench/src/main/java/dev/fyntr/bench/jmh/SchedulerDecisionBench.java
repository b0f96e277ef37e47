package dev.fyntr.bench.jmh;

import dev.fyntr.bench.sim.SchedulerKind;
import dev.fyntr.bench.sim.Simulation;
import dev.fyntr.bench.sim.Workload;
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
 * Nanoseconds per scheduling decision under a sustained burst: N flows (one in ten sparse, waking now and
 * then), bulk uploads that never end, in virtual time. One operation is what the transport does per chunk:
 * {@code next()}, the write (simulated), {@code onSent}, and {@code onIdle}/{@code onBacklogged} when a sparse
 * flow empties or wakes. It includes the simulated flow's own bookkeeping (chunk statistics), which the real
 * transport pays too. Run with {@code -prof gc} to see allocation per decision ({@code gc.alloc.rate.norm}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class SchedulerDecisionBench {

    /** Flows in the burst. */
    @Param({"10", "100", "1000", "10000"})
    public int flows;

    /** A {@link SchedulerKind} label. */
    @Param({"drr-adaptive", "drr-fixed", "drr-no-sparse", "fifo", "reference-tick"})
    public String scheduler;

    private Simulation simulation;

    /** Builds the burst and runs it until every flow has been served a few times (per-flow state exists). */
    @Setup(Level.Trial)
    public void setUp() {
        simulation = Simulation.steadyState(Workload.burst(flows, 42), SchedulerKind.of(scheduler).create());
        for (long i = 0, warm = 40L * flows; i < warm; i++) {
            simulation.step();
        }
    }

    /** One scheduling decision. */
    @Benchmark
    public boolean decision() {
        return simulation.step();
    }
}
