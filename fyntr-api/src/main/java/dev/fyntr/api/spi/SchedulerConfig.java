package dev.fyntr.api.spi;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a {@link SchedulerProvider} receives when the transport creates a scheduler. Immutable.
 *
 * @param defaultQuantumBytes quantum for flows with no chunk sample yet (8 KiB by default), {@code >= 1}
 * @param quantumTuner        the tuner to use; empty means "the scheduler's own default"
 * @param sparseFlowPriority  whether flows waking up from idle are served first (DRR++); schedulers
 *                            without such a notion ignore it
 * @param options             free-form settings for one scheduler, by name (e.g. {@code weight} for
 *                            {@code wdrr}, from {@code --weight}); a scheduler reads the ones it knows and ignores
 *                            the rest. Names are lower case {@code [a-z0-9.-]+}; values are never {@code null}.
 *                            Sorted by name, unmodifiable.
 */
public record SchedulerConfig(int defaultQuantumBytes, Optional<QuantumTuner> quantumTuner,
                              boolean sparseFlowPriority, Map<String, String> options) {

    /** The quantum before a flow has any sample (docs/schedulers.md#the-quantum-adaptive-tuner). */
    public static final int DEFAULT_QUANTUM_BYTES = 8 * 1024;

    /** Validates the fields and copies the options. */
    public SchedulerConfig {
        if (defaultQuantumBytes < 1) {
            throw new IllegalArgumentException("defaultQuantumBytes < 1: " + defaultQuantumBytes);
        }
        if (quantumTuner == null) {
            throw new NullPointerException("quantumTuner (use Optional.empty())");
        }
        if (options == null) {
            throw new NullPointerException("options (use Map.of())");
        }
        TreeMap<String, String> sorted = new TreeMap<>();
        for (Map.Entry<String, String> e : options.entrySet()) {
            sorted.put(checkName(e.getKey()), checkValue(e.getKey(), e.getValue()));
        }
        options = java.util.Collections.unmodifiableMap(sorted);
    }

    /** Without options: the form of this record before options existed. */
    public SchedulerConfig(int defaultQuantumBytes, Optional<QuantumTuner> quantumTuner, boolean sparseFlowPriority) {
        this(defaultQuantumBytes, quantumTuner, sparseFlowPriority, Map.of());
    }

    /** The defaults: 8 KiB, the scheduler's own tuner, sparse-flow priority on, no options. */
    public static SchedulerConfig defaults() {
        return new SchedulerConfig(DEFAULT_QUANTUM_BYTES, Optional.empty(), true);
    }

    /** A copy with the given tuner. */
    public SchedulerConfig withQuantumTuner(QuantumTuner tuner) {
        return new SchedulerConfig(defaultQuantumBytes, Optional.of(tuner), sparseFlowPriority, options);
    }

    /** A copy with sparse-flow priority switched on or off. */
    public SchedulerConfig withSparseFlowPriority(boolean on) {
        return new SchedulerConfig(defaultQuantumBytes, quantumTuner, on, options);
    }

    /**
     * A copy with one option set (replacing an earlier value of that name).
     *
     * @throws IllegalArgumentException if the name is not lower case {@code [a-z0-9.-]+}
     */
    public SchedulerConfig withOption(String name, String value) {
        TreeMap<String, String> copy = new TreeMap<>(options);
        copy.put(checkName(name), checkValue(name, value));
        return new SchedulerConfig(defaultQuantumBytes, quantumTuner, sparseFlowPriority, copy);
    }

    /** The value of one option, if set. */
    public Optional<String> option(String name) {
        return Optional.ofNullable(options.get(name));
    }

    private static String checkName(String name) {
        if (name == null || !name.matches("[a-z0-9.-]+")) {
            throw new IllegalArgumentException("option name must be lower case [a-z0-9.-]+: " + name);
        }
        return name;
    }

    private static String checkValue(String name, String value) {
        if (value == null) {
            throw new NullPointerException("value of option " + name);
        }
        return value;
    }
}
