package dev.fyntr.bench.sim;

import dev.fyntr.api.Schedulers;
import dev.fyntr.api.spi.QuantumTuner;
import dev.fyntr.api.spi.Scheduler;
import dev.fyntr.api.spi.SchedulerConfig;

import java.util.Locale;

/** The schedulers the benchmarks compare, by the names used in tables and JMH parameters. */
public enum SchedulerKind {

    /** {@code drr} as shipped: adaptive quantum, sparse-flow priority on. */
    DRR_ADAPTIVE("drr-adaptive"),
    /** {@code drr} with a fixed 8 KiB quantum for every flow. */
    DRR_FIXED("drr-fixed"),
    /** {@code drr}, adaptive quantum, sparse-flow priority off (plain DRR). */
    DRR_NO_SPARSE("drr-no-sparse"),
    /** {@link FifoScheduler}: first come, first served. */
    FIFO("fifo"),
    /** {@link ReferenceTickScheduler}: the original Fyntr's 5 ms tick. */
    REFERENCE_TICK("reference-tick");

    private final String label;

    SchedulerKind(String label) {
        this.label = label;
    }

    /** The name used in tables, JSON and {@code -p scheduler=…}. */
    public String label() {
        return label;
    }

    /** Whether this kind needs the {@code drr} provider on the class path. */
    public boolean needsDrr() {
        return this == DRR_ADAPTIVE || this == DRR_FIXED || this == DRR_NO_SPARSE;
    }

    /**
     * A new scheduler of this kind. DRR variants are obtained through {@link Schedulers#provider(String)} so
     * that service discovery is part of what is exercised.
     *
     * @throws dev.fyntr.api.UnknownSchedulerException if a DRR variant is asked for and no {@code drr} is found
     */
    public Scheduler create() {
        SchedulerConfig defaults = SchedulerConfig.defaults();
        return switch (this) {
            case DRR_ADAPTIVE -> Schedulers.provider("drr").create(defaults);
            case DRR_FIXED -> Schedulers.provider("drr").create(
                    defaults.withQuantumTuner(QuantumTuner.fixed(SchedulerConfig.DEFAULT_QUANTUM_BYTES)));
            case DRR_NO_SPARSE -> Schedulers.provider("drr").create(defaults.withSparseFlowPriority(false));
            case FIFO -> new FifoScheduler();
            case REFERENCE_TICK -> new ReferenceTickScheduler(SchedulerConfig.DEFAULT_QUANTUM_BYTES);
        };
    }

    /** The kind with this label (case-insensitive). */
    public static SchedulerKind of(String label) {
        String wanted = label.strip().toLowerCase(Locale.ROOT);
        for (SchedulerKind kind : values()) {
            if (kind.label.equals(wanted)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown scheduler '" + label + "'; known: drr-adaptive, drr-fixed, "
                + "drr-no-sparse, fifo, reference-tick");
    }
}
