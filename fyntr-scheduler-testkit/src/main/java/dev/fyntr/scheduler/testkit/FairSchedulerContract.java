package dev.fyntr.scheduler.testkit;

import dev.fyntr.api.spi.Flow;
import dev.fyntr.api.spi.QuantumTuner;
import dev.fyntr.api.spi.SchedulerConfig;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@link SchedulerContract} plus the properties of a byte-fair, deficit-based scheduler such as DRR. Extend it
 * instead of {@code SchedulerContract} when your scheduler honours {@link SchedulerConfig#quantumTuner()}.
 *
 * <ul>
 *   <li><b>fairness bound</b>: with a fixed quantum {@code Q}, over any interval in which two flows both stay
 *       eligible, the bytes they are served differ by at most {@code Q + 2 × M}, {@code M} the largest chunk —
 *       whatever the chunk sizes, wake-ups and partial writes — and by at most {@code 2 × Q + 2 × M} with
 *       sparse-flow priority on. Checked with the priority off and on. Why not {@code Q + M}: a flow can start
 *       the interval holding up to {@code M - 1} bytes of credit that it spends inside it, while the other ends
 *       it holding up to {@code M - 1} unspent; classic DRR reaches {@code Q + 2M - 2}. Why {@code 2Q} with the
 *       priority: a flow that wakes up is served one quantum from the new-flows list and then joins the round
 *       behind the flow being served, so it gets two turns before that flow's next one (fq_codel does the
 *       same). DRR's tests show both cases.</li>
 *   <li><b>no banked credit</b>: a flow that goes idle again and again does not come back with saved-up credit;
 *       checked through the fairness bound, so it needs no access to the scheduler's state;</li>
 *   <li><b>deficit invariant</b>, if {@link #deficit(Flow)} is implemented: {@code 0 <= deficit}, {@code 0}
 *       when the flow is not eligible, and {@code < M} whenever the scheduler moves on from a flow that is still
 *       eligible (the end of its visit).</li>
 * </ul>
 * Hangs are bounded as in {@link SchedulerContract}: a read budget per scheduler call, and a timeout per test.
 */
@Timeout(value = SchedulerContract.TIMEOUT_SECONDS, unit = TimeUnit.SECONDS,
        threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public abstract class FairSchedulerContract extends SchedulerContract {

    /** For subclasses. */
    protected FairSchedulerContract() {
    }

    /**
     * The scheduler's current deficit (credit) of a flow, for the deficit invariant; empty (the default) when the
     * scheduler does not expose it, which skips that property. Typically read from {@link Flow#schedulerState()}.
     */
    protected OptionalLong deficit(Flow flow) {
        return OptionalLong.empty();
    }

    /**
     * The fairness bound for a fixed quantum and the largest chunk: {@code quantum + 2 × maxChunk}, plus one more
     * quantum with sparse-flow priority.
     */
    public static long fairnessBound(int quantumBytes, int maxChunkBytes, boolean sparseFlowPriority) {
        return (sparseFlowPriority ? 2L : 1L) * quantumBytes + 2L * maxChunkBytes;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.fyntr.scheduler.testkit.SchedulerContract#seeds")
    public void shouldBoundUnfairnessBetweenBackloggedFlows(long seed) {
        checkFairness(seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.fyntr.scheduler.testkit.SchedulerContract#seeds")
    public void shouldKeepDeficitBelowMaxChunkAfterEachVisit(long seed) {
        checkDeficitInvariant(seed);
    }

    @Test
    public void shouldNotBankCreditAcrossIdlePeriods() {
        checkNoBankedCredit();
    }

    /**
     * A random workload under a random fixed quantum (from much smaller to much larger than the chunks), then a
     * drain, once with sparse-flow priority off and once on; every pair of flows is checked over every interval
     * in which both were eligible.
     *
     * @return the largest spread seen divided by its bound (at most 1), to show how tight the bound is
     */
    public final double checkFairness(long seed) {
        double worst = 0;
        for (boolean sparse : new boolean[] {false, true}) {
            int quantum = randomQuantum(seed);
            SchedulerDriver driver = driver(fairConfig(quantum, sparse), seed);
            Monitors.Fairness monitor = new Monitors.Fairness(driver);
            driver.addObserver(monitor);
            RandomScenario scenario = new RandomScenario(driver, seed, fairMix());
            scenario.run(2000);
            scenario.drain();
            long bound = fairnessBound(quantum, driver.maxChunkBytes(), sparse);
            monitor.check(bound, boundText(quantum, driver.maxChunkBytes(), sparse));
            worst = Math.max(worst, (double) monitor.worst() / bound);
        }
        return worst;
    }

    /**
     * The deficit invariant over a random workload, with sparse-flow priority off and on; skipped (aborted) when
     * {@link #deficit} is not implemented.
     */
    public final void checkDeficitInvariant(long seed) {
        long readings = 0;
        for (boolean sparse : new boolean[] {false, true}) {
            int quantum = randomQuantum(seed);
            SchedulerDriver driver = driver(fairConfig(quantum, sparse), seed);
            Monitors.Deficit monitor = new Monitors.Deficit(driver, this::deficit, quantum);
            driver.addObserver(monitor);
            RandomScenario scenario = new RandomScenario(driver, seed, fairMix());
            scenario.run(2000);
            scenario.drain();
            readings += monitor.readings();
        }
        Assumptions.assumeTrue(readings > 0, "deficit(Flow) is not implemented");
    }

    /**
     * A bulk flow and a flow that sends one small chunk and goes idle, twenty times, then comes back with many:
     * a scheduler that keeps the unspent credit of each short visit lets the second flow burst far beyond the
     * fairness bound. Run with sparse-flow priority off and on.
     */
    public final void checkNoBankedCredit() {
        int quantum = 4096;
        for (boolean sparse : new boolean[] {false, true}) {
            SchedulerDriver driver = driver(fairConfig(quantum, sparse), 0);
            Monitors.Fairness monitor = new Monitors.Fairness(driver);
            driver.addObserver(monitor);
            TestFlow bulk = driver.newFlow();
            TestFlow sporadic = driver.newFlow();
            for (int cycle = 0; cycle < 20; cycle++) {
                driver.enqueue(sporadic, 100);
                for (int i = 0; i < 50 && sporadic.queuedChunks() > 0; i++) {
                    refill(driver, bulk);
                    driver.step();
                }
            }
            int[] burst = new int[200];
            Arrays.fill(burst, 100);
            driver.enqueue(sporadic, burst);
            for (int i = 0; i < 600; i++) {
                refill(driver, bulk);
                driver.step();
            }
            monitor.check(fairnessBound(quantum, driver.maxChunkBytes(), sparse),
                    boundText(quantum, driver.maxChunkBytes(), sparse));
        }
    }

    private SchedulerConfig fairConfig(int quantum, boolean sparse) {
        return config().withQuantumTuner(QuantumTuner.fixed(quantum)).withSparseFlowPriority(sparse);
    }

    private static String boundText(int quantum, int maxChunk, boolean sparse) {
        return (sparse ? "2 × quantum " : "quantum ") + quantum + " + 2 × max chunk " + maxChunk
                + (sparse ? " (sparse-flow priority on)" : " (sparse-flow priority off)");
    }

    private static void refill(SchedulerDriver driver, TestFlow flow) {
        if (flow.queuedChunks() < 2) {
            driver.enqueue(flow, 1000, 1000);
        }
    }

    private static RandomScenario.Mix fairMix() {
        RandomScenario.Mix mix = new RandomScenario.Mix();
        mix.close = 0.02;
        return mix;
    }

    /** Quanta well below, around and above the chunk sizes; below 256 B the rounds get needlessly long. */
    private static int randomQuantum(long seed) {
        SplittableRandom random = new SplittableRandom(seed ^ 0x7A5C_0DE5L);
        switch (random.nextInt(3)) {
            case 0:
                return random.nextInt(256, 2048);
            case 1:
                return random.nextInt(2048, 16_385);
            default:
                return random.nextInt(16_384, 65_537);
        }
    }
}
