package dev.fyntr.scheduler.drr.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fyntr.scheduler.drr.AdaptiveQuantumTuner;
import dev.fyntr.scheduler.testkit.SchedulerDriver;
import dev.fyntr.scheduler.testkit.TestFlow;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

/**
 * O(1) per decision, shown by counting work instead of timing it: the iterations of {@code next()}'s loop per
 * decision must not grow with the number of flows. (Timings belong in fyntr-bench.)
 */
class DrrComplexityTest {

    private static final int DECISIONS = 200_000;

    /** Iterations per decision with {@code flows} flows: three quarters bulk, one quarter waking up now and then. */
    private static double iterationsPerDecision(int flows) {
        DrrScheduler drr = new DrrScheduler(new AdaptiveQuantumTuner(), 8192, true);
        SchedulerDriver driver = new SchedulerDriver(drr);
        SplittableRandom random = new SplittableRandom(flows);
        int[] chunk = new int[flows];
        for (int i = 0; i < flows; i++) {
            TestFlow flow = driver.newFlow();
            chunk[i] = i % 4 == 0 ? 300 : new int[] {1000, 4000, 16_384}[i % 3];
            if (i % 4 != 0) {
                driver.enqueue(flow, chunk[i], chunk[i]);
            }
        }
        List<TestFlow> all = driver.flows();
        for (int d = 0; d < DECISIONS; d++) {
            TestFlow served = driver.step();
            int i = (int) served.id() - 1;
            if (i % 4 != 0 && served.queuedChunks() < 2) {
                driver.enqueue(served, chunk[i]);
            }
            if (d % 5 == 0) {
                int sparse = random.nextInt(flows / 4 + 1) * 4 % flows;
                driver.enqueue(all.get(sparse), chunk[sparse]);
            }
        }
        return (double) drr.iterations() / driver.decisions();
    }

    @Test
    void shouldDoBoundedWorkPerDecisionWhateverTheNumberOfFlows() {
        double few = iterationsPerDecision(10);
        double many = iterationsPerDecision(10_000);
        String report = String.format("iterations per decision: %.3f with 10 flows, %.3f with 10,000", few, many);
        assertTrue(few < 2 && many < 2, report);
        assertTrue(many < few * 1.25, report);
    }
}
