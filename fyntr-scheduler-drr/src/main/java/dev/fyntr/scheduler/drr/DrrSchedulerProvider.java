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
    public String description(SchedulerConfig config) {
        return settings(config);
    }

    /** {@code quantum auto, sparse-flow priority on}: the settings DRR reads from a config. */
    static String settings(SchedulerConfig config) {
        String quantum = config.quantumTuner().map(DrrSchedulerProvider::quantum).orElse("auto");
        return "quantum " + quantum + ", sparse-flow priority " + (config.sparseFlowPriority() ? "on" : "off");
    }

    /** A fixed tuner as a size ({@code 4 KiB}, {@code 1500 B}); another tuner as it describes itself. */
    private static String quantum(QuantumTuner tuner) {
        String text = String.valueOf(tuner);
        java.util.regex.Matcher fixed = java.util.regex.Pattern.compile("fixed\\((\\d+)\\)").matcher(text);
        if (!fixed.matches()) {
            return text;
        }
        long bytes = Long.parseLong(fixed.group(1));
        return bytes % (1 << 20) == 0 ? (bytes >> 20) + " MiB" : bytes % 1024 == 0 ? (bytes >> 10) + " KiB" : bytes + " B";
    }

    @Override
    public Scheduler create(SchedulerConfig config) {
        return new DrrScheduler(config.quantumTuner().orElse(DEFAULT_TUNER), config.defaultQuantumBytes(),
                config.sparseFlowPriority());
    }
}
