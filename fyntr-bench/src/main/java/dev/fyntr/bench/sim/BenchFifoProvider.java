package dev.fyntr.bench.sim;

import dev.fyntr.api.spi.Scheduler;
import dev.fyntr.api.spi.SchedulerConfig;
import dev.fyntr.api.spi.SchedulerProvider;

/**
 * Makes the {@link FifoScheduler} baseline selectable in a real proxy as {@code bench-fifo}, so that the load
 * tool can compare DRR with no scheduling through the same transport ({@code LoadTool … --scheduler bench-fifo}).
 * Only on the bench's class path; the name is prefixed so that it never clashes with a user's {@code fifo}.
 */
public final class BenchFifoProvider implements SchedulerProvider {

    /** The provider name. */
    public static final String NAME = "bench-fifo";

    /** For {@link java.util.ServiceLoader}. */
    public BenchFifoProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "first come, first served baseline from fyntr-bench (no fairness; for comparisons only)";
    }

    @Override
    public Scheduler create(SchedulerConfig config) {
        return new FifoScheduler();
    }
}
