package dev.fyntr.scheduler.drr;

import dev.fyntr.api.spi.ChunkStats;
import dev.fyntr.api.spi.QuantumTuner;

/**
 * The adaptive quantum (docs/schedulers.md#the-quantum-adaptive-tuner), from the flow's moving average of chunk
 * sizes ({@link ChunkStats#averageChunkBytes()}, α = 0.2): the default quantum until the flow has a sample;
 * {@value #CHATTY_QUANTUM_BYTES} B when the average is below {@value #CHATTY_AVERAGE_BYTES} B, so that chatty flows
 * cycle quickly; otherwise ten average chunks, clamped to [{@value #CHATTY_QUANTUM_BYTES},
 * {@value #MAX_QUANTUM_BYTES}] B.
 *
 * <p>DRR's default tuner. Stateless and thread-safe; O(1), allocates nothing.
 */
public final class AdaptiveQuantumTuner implements QuantumTuner {

    /** Flows whose average chunk is below this many bytes count as chatty. */
    public static final int CHATTY_AVERAGE_BYTES = 200;

    /** The quantum of chatty flows, and the smallest quantum for the others: one Ethernet MTU. */
    public static final int CHATTY_QUANTUM_BYTES = 1500;

    /** The largest quantum: one maximal chunk, so that a bulk flow writes at most one read per turn extra. */
    public static final int MAX_QUANTUM_BYTES = 16 * 1024;

    /** A quantum is worth this many average chunks. */
    public static final int CHUNKS_PER_QUANTUM = 10;

    /** The tuner; it has no state, so one instance can serve any number of schedulers. */
    public AdaptiveQuantumTuner() {
    }

    @Override
    public int quantumBytes(ChunkStats stats, int defaultQuantum) {
        if (stats.chunks() == 0) {
            return Math.max(1, defaultQuantum);
        }
        double average = stats.averageChunkBytes();
        if (average < CHATTY_AVERAGE_BYTES) {
            return CHATTY_QUANTUM_BYTES;
        }
        long quantum = Math.round(average * CHUNKS_PER_QUANTUM);
        return (int) Math.max(CHATTY_QUANTUM_BYTES, Math.min(MAX_QUANTUM_BYTES, quantum));
    }

    @Override
    public String toString() {
        return "adaptive(" + CHATTY_QUANTUM_BYTES + ".." + MAX_QUANTUM_BYTES + ")";
    }
}
