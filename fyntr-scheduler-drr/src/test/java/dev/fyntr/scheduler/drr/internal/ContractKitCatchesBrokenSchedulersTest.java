package dev.fyntr.scheduler.drr.internal;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fyntr.api.spi.Flow;
import dev.fyntr.api.spi.Scheduler;
import dev.fyntr.api.spi.SchedulerConfig;
import dev.fyntr.scheduler.drr.internal.FaultyScheduler.Fault;
import dev.fyntr.scheduler.testkit.FairSchedulerContract;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

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
}
