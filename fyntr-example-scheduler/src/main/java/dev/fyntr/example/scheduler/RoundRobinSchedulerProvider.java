package dev.fyntr.example.scheduler;

import dev.fyntr.api.spi.Scheduler;
import dev.fyntr.api.spi.SchedulerConfig;
import dev.fyntr.api.spi.SchedulerProvider;

/** Plain round robin, {@code --scheduler rr}: one head chunk per flow per turn, whatever its size. */
public final class RoundRobinSchedulerProvider implements SchedulerProvider {

    /** Called by {@link java.util.ServiceLoader}. */
    public RoundRobinSchedulerProvider() {
    }

    @Override
    public String name() {
        return "rr";
    }

    @Override
    public String description() {
        return "plain round robin: one chunk per flow per turn (example)";
    }

    @Override
    public Scheduler create(SchedulerConfig config) {
        return new RoundRobinScheduler(); // no quantum, no sparse-flow priority: the config does not apply
    }
}
