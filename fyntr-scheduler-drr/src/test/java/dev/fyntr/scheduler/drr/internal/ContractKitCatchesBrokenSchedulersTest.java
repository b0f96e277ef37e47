package dev.fyntr.scheduler.drr.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fyntr.api.spi.ChunkStats;
import dev.fyntr.api.spi.Flow;
import dev.fyntr.api.spi.QuantumTuner;
import dev.fyntr.api.spi.Scheduler;
import dev.fyntr.api.spi.SchedulerConfig;
import dev.fyntr.scheduler.drr.DrrSchedulerProvider;
import dev.fyntr.scheduler.drr.internal.FaultyScheduler.Fault;
import dev.fyntr.scheduler.testkit.FairSchedulerContract;
import dev.fyntr.scheduler.testkit.SchedulerDriver;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

/** The contract kit is only worth something if it fails broken schedulers: one planted bug at a time. */
class ContractKitCatchesBrokenSchedulersTest {

    /** The kit applied to a faulty scheduler; anonymous, so JUnit does not run it as a test class itself. */
    private static FairSchedulerContract kit(Fault fault, boolean deficitHook) {
        return new FairSchedulerContract() {
            @Override
            protected Scheduler createScheduler(SchedulerConfig config) {
                return new FaultyScheduler(fault, config);
            }

            @Override
            protected OptionalLong deficit(Flow flow) {
                return deficitHook ? FaultyScheduler.deficitOf(flow) : OptionalLong.empty();
            }
        };
    }

    private static void assertCaught(String expected, Executable check) {
        AssertionError error = assertThrows(AssertionError.class, check);
        assertTrue(error.getMessage().contains(expected),
                () -> "expected a failure about '" + expected + "', got: " + error.getMessage());
    }

    @Test
    void shouldAcceptTheSameSchedulerWithoutBug() {
        FairSchedulerContract kit = kit(Fault.NONE, true);
        for (long seed = 1; seed <= 3; seed++) {
            kit.checkWorkConservation(seed);
            kit.checkNoStarvation(seed);
            kit.checkRemovedFlowsNeverReturned(seed);
            kit.checkFairness(seed);
            kit.checkDeficitInvariant(seed);
        }
        kit.checkOddCallSequences();
        kit.checkNoBankedCredit();
    }

    @Test
    void shouldCatchASchedulerThatBanksCreditThroughFairnessAlone() {
        assertCaught("fairness", () -> kit(Fault.BANKS_CREDIT, false).checkNoBankedCredit());
    }

    @Test
    void shouldCatchASchedulerThatBanksCreditThroughTheDeficitHook() {
        assertCaught("reset to 0", () -> kit(Fault.BANKS_CREDIT, true).checkDeficitInvariant(1));
    }

    @Test
    void shouldCatchASchedulerThatStarvesAFlow() {
        assertCaught("starvation", () -> kit(Fault.STARVES, false).checkNoStarvation(1));
    }

    @Test
    void shouldCatchASchedulerThatReturnsAClosedFlow() {
        assertCaught("closed", () -> kit(Fault.SERVES_CLOSED, false).checkRemovedFlowsNeverReturned(1));
    }

    @Test
    void shouldCatchASchedulerThatIdlesWhileFlowsAreEligible() {
        assertCaught("work conservation", () -> kit(Fault.GIVES_UP, false).checkWorkConservation(1));
    }

    /**
     * A deficit that never grows makes next() spin for ever inside the scheduler. The kit must fail it at once, not
     * wait for a timeout, in every check; if it hung instead, this test fails after 30 s (and leaves the spinning
     * thread behind).
     */
    @Test
    void shouldCatchASchedulerWhoseDeficitNeverGrowsInsteadOfHanging() {
        FairSchedulerContract kit = kit(Fault.NEVER_CREDITS, true);
        List<Executable> checks = List.of(
                () -> kit.checkWorkConservation(1),
                () -> kit.checkNoStarvation(1),
                () -> kit.checkRemovedFlowsNeverReturned(1),
                kit::checkOddCallSequences,
                () -> kit.checkFairness(1),
                () -> kit.checkDeficitInvariant(1),
                kit::checkNoBankedCredit);
        for (Executable check : checks) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertCaught("livelock", check));
        }
    }

    /**
     * The other side of the livelock bound: a correct DRR with a one-byte quantum must go round twelve flows 16,384
     * times before the first can afford its 16 KiB chunk, and the kit must let it.
     */
    @Test
    void shouldNotMistakeASlowButCorrectSchedulerForALivelock() {
        SchedulerConfig config = SchedulerConfig.defaults().withQuantumTuner(QuantumTuner.fixed(1));
        for (Scheduler scheduler : List.of(new DrrSchedulerProvider().create(config),
                new FaultyScheduler(Fault.NONE, config))) {
            SchedulerDriver driver = new SchedulerDriver(scheduler, scheduler.getClass().getSimpleName());
            for (int i = 0; i < 12; i++) {
                driver.enqueue(driver.newFlow(), ChunkStats.MAX_CHUNK_BYTES);
            }
            assertEquals(12, driver.drain(12));
        }
    }
}
