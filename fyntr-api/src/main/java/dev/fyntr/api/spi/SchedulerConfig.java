package dev.fyntr.api.spi;

import java.util.Optional;

/**
 * What a {@link SchedulerProvider} receives when the transport creates a scheduler. Immutable.
 *
 * @param defaultQuantumBytes quantum for flows with no chunk sample yet (8 KiB by default), {@code >= 1}
 * @param quantumTuner        the tuner to use; empty means "the scheduler's own default"
 * @param sparseFlowPriority  whether flows waking up from idle are served first (DRR++); schedulers
 *                            without such a notion ignore it
 */
public record SchedulerConfig(int defaultQuantumBytes, Optional<QuantumTuner> quantumTuner,
                              boolean sparseFlowPriority) {

    /** The quantum before a flow has any sample (docs/schedulers.md#the-quantum-adaptive-tuner). */
    public static final int DEFAULT_QUANTUM_BYTES = 8 * 1024;

    /** Validates the fields. */
    public SchedulerConfig {
        if (defaultQuantumBytes < 1) {
            throw new IllegalArgumentException("defaultQuantumBytes < 1: " + defaultQuantumBytes);
        }
        if (quantumTuner == null) {
            throw new NullPointerException("quantumTuner (use Optional.empty())");
        }
    }

    /** The defaults: 8 KiB, the scheduler's own tuner, sparse-flow priority on. */
    public static SchedulerConfig defaults() {
        return new SchedulerConfig(DEFAULT_QUANTUM_BYTES, Optional.empty(), true);
    }

    /** A copy with the given tuner. */
    public SchedulerConfig withQuantumTuner(QuantumTuner tuner) {
        return new SchedulerConfig(defaultQuantumBytes, Optional.of(tuner), sparseFlowPriority);
    }

    /** A copy with sparse-flow priority switched on or off. */
    public SchedulerConfig withSparseFlowPriority(boolean on) {
        return new SchedulerConfig(defaultQuantumBytes, quantumTuner, on);
    }
}
