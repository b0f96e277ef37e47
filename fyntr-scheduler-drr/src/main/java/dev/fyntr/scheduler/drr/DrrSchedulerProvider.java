package dev.fyntr.scheduler.drr;

import dev.fyntr.api.spi.QuantumTuner;
import dev.fyntr.api.spi.Scheduler;
import dev.fyntr.api.spi.SchedulerConfig;
import dev.fyntr.api.spi.SchedulerProvider;
import dev.fyntr.scheduler.drr.internal.DrrScheduler;

/**
 * Deficit Round-Robin ({@value #NAME}), Fyntr's default scheduler (docs/schedulers.md#drr-drr): flows take turns,
 * each turn worth one quantum of bytes; credit left at the end of a turn carries to the next turn only while the
 * flow stays backlogged. With {@link SchedulerConfig#sparseFlowPriority()} (the default) a flow that wakes up from idle is
 * served before the ordinary round for one quantum (DRR++, as in Linux fq_codel).
 *
 * <p>The quantum comes from {@link SchedulerConfig#quantumTuner()}, or {@link AdaptiveQuantumTuner} when the
 * config has none. Found through {@link java.util.ServiceLoader}; users never need this class directly.
 */
public final class DrrSchedulerProvider implements SchedulerProvider {

    /** The name users select this scheduler by. */
    public static final String NAME = "drr";

    private static final QuantumTuner DEFAULT_TUNER = new AdaptiveQuantumTuner();

    /** Called by {@link java.util.ServiceLoader}. */
    public DrrSchedulerProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Deficit Round-Robin with an adaptive quantum and sparse-flow priority (DRR++)";
    }

    @Override
    public Scheduler create(SchedulerConfig config) {
        return new DrrScheduler(config.quantumTuner().orElse(DEFAULT_TUNER), config.defaultQuantumBytes(),
                config.sparseFlowPriority());
    }
}
