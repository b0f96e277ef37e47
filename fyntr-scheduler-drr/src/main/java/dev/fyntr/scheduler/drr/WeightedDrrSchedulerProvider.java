package dev.fyntr.scheduler.drr;

import dev.fyntr.api.spi.QuantumTuner;
import dev.fyntr.api.spi.Scheduler;
import dev.fyntr.api.spi.SchedulerConfig;
import dev.fyntr.api.spi.SchedulerProvider;
import dev.fyntr.scheduler.drr.internal.DrrScheduler;
import dev.fyntr.scheduler.drr.internal.WeightRules;

/**
 * Weighted Deficit Round-Robin ({@value #NAME}, docs/schedulers.md#weighted-drr-wdrr): DRR in which a flow's
 * quantum is scaled by the weight of the first rule its destination matches, from the option {@value #OPTION}
 * ({@code --weight 'registry.example=4,*.internal=0.5,port:22=8'}). Backlogged flows then share the uplink in
 * proportion to their weights. Everything else (the tuner, sparse-flow priority, no banked credit) is DRR's.
 */
public final class WeightedDrrSchedulerProvider implements SchedulerProvider {

    /** The name users select this scheduler by. */
    public static final String NAME = "wdrr";

    /** The {@link SchedulerConfig#options()} entry holding the rules. */
    public static final String OPTION = "weight";

    private static final QuantumTuner DEFAULT_TUNER = new AdaptiveQuantumTuner();

    /** Called by {@link java.util.ServiceLoader}. */
    public WeightedDrrSchedulerProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "weighted Deficit Round-Robin: DRR whose quantum is scaled per destination by --weight rules";
    }

    @Override
    public String description(SchedulerConfig config) {
        String rules;
        try {
            rules = WeightRules.parse(config.option(OPTION).orElse("")).toString();
        } catch (IllegalArgumentException e) {
            rules = "invalid";
        }
        return "weights " + rules + ", " + DrrSchedulerProvider.settings(config);
    }

    /**
     * @throws IllegalArgumentException if the {@value #OPTION} rules do not parse; the message names the bad
     *                                  rule and gives the syntax
     */
    @Override
    public Scheduler create(SchedulerConfig config) {
        WeightRules rules = WeightRules.parse(config.option(OPTION).orElse(""));
        return new DrrScheduler(config.quantumTuner().orElse(DEFAULT_TUNER), rules, config.defaultQuantumBytes(),
                config.sparseFlowPriority());
    }
}
