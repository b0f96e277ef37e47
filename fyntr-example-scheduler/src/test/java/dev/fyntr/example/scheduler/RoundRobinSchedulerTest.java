package dev.fyntr.example.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fyntr.api.spi.Scheduler;
import dev.fyntr.api.spi.SchedulerConfig;
import dev.fyntr.scheduler.testkit.SchedulerContract;
import dev.fyntr.scheduler.testkit.SchedulerDriver;
import dev.fyntr.scheduler.testkit.TestFlow;

import org.junit.jupiter.api.Test;

/** The example against the basic contract (round robin is not byte-fair, so not the fair one), plus its order. */
class RoundRobinSchedulerTest extends SchedulerContract {

    @Override
    protected Scheduler createScheduler(SchedulerConfig config) {
        return new RoundRobinSchedulerProvider().create(config);
    }

    @Test
    void shouldServeOneChunkPerFlowPerTurn() {
        SchedulerDriver driver = new SchedulerDriver(createScheduler(config()));
        TestFlow a = driver.newFlow();
        TestFlow b = driver.newFlow();
        driver.enqueue(a, 100, 100, 100);
        driver.enqueue(b, 16_000, 16_000);
        StringBuilder order = new StringBuilder();
        for (TestFlow f; (f = driver.step()) != null; ) {
            order.append(f.id());
        }
        assertEquals("12121", order.toString());
    }
}
