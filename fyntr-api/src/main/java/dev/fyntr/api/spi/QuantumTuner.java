package dev.fyntr.api.spi;

/**
 * Chooses how many bytes of credit a flow earns each time it reaches the head of a round-robin round.
 *
 * <p>A scheduler receives its tuner through {@link SchedulerConfig#quantumTuner()}; when the config
 * carries none, the scheduler uses its own default (DRR: its adaptive tuner,
 * docs/schedulers.md#the-quantum-adaptive-tuner).
 *
 * <p><b>Contract:</b> called on the event-loop thread, a few times per flow per round (when a visit starts, when
 * the flow wakes up); must be O(1), allocate nothing, never block and never throw. The result must be {@code >= 1}; schedulers treat anything smaller as 1.
 */
@FunctionalInterface
public interface QuantumTuner {

    /**
     * @param stats          the flow's chunk statistics
     * @param defaultQuantum {@link SchedulerConfig#defaultQuantumBytes()}, for flows without samples
     * @return the flow's quantum in bytes, {@code >= 1}
     */
    int quantumBytes(ChunkStats stats, int defaultQuantum);

    /**
     * A tuner that gives every flow the same quantum, whatever its chunks look like.
     *
     * @throws IllegalArgumentException if {@code quantumBytes < 1}
     */
    static QuantumTuner fixed(int quantumBytes) {
        if (quantumBytes < 1) {
            throw new IllegalArgumentException("quantumBytes < 1: " + quantumBytes);
        }
        return new QuantumTuner() {
            @Override
            public int quantumBytes(ChunkStats stats, int defaultQuantum) {
                return quantumBytes;
            }

            @Override
            public String toString() {
                return "fixed(" + quantumBytes + ")";
            }
        };
    }
}
