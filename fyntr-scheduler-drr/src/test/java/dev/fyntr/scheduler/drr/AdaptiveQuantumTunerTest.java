package dev.fyntr.scheduler.drr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fyntr.api.spi.ChunkStats;
import dev.fyntr.api.spi.EmaChunkStats;
import dev.fyntr.api.spi.SchedulerConfig;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AdaptiveQuantumTunerTest {

    private final AdaptiveQuantumTuner tuner = new AdaptiveQuantumTuner();

    /** Stats with an exact average, to test the boundaries without going through the EMA. */
    private record Stats(long chunks, double averageChunkBytes) implements ChunkStats {
        @Override
        public long bytes() {
            return Math.round(chunks * averageChunkBytes);
        }
    }

    @Test
    void shouldUseTheDefaultQuantumUntilTheFirstSample() {
        assertEquals(SchedulerConfig.DEFAULT_QUANTUM_BYTES, tuner.quantumBytes(new EmaChunkStats(),
                SchedulerConfig.DEFAULT_QUANTUM_BYTES));
        assertEquals(3000, tuner.quantumBytes(new EmaChunkStats(), 3000));
    }

    @ParameterizedTest(name = "average {0} B -> quantum {1} B")
    @CsvSource({
        "1,        1500",   // chatty
        "199.99,   1500",   // just below the chatty threshold
        "200,      2000",   // at the threshold: ten chunks
        "500,      5000",
        "1000.04,  10000",  // rounded to the nearest byte
        "1638.4,   16384",  // exactly the cap
        "1638.5,   16384",  // above the cap: clamped
        "16384,    16384",
    })
    void shouldFollowSpecBoundaries(double average, int expected) {
        assertEquals(expected, tuner.quantumBytes(new Stats(5, average), 8192));
    }

    @Test
    void shouldReadTheMovingAverageOfTheChunks() {
        EmaChunkStats stats = new EmaChunkStats();
        stats.record(100); // first sample initialises the average: 100 -> chatty
        assertEquals(1500, tuner.quantumBytes(stats, 8192));
        stats.record(1100); // 100 + 0.2 * (1100 - 100) = 300
        assertEquals(3000, tuner.quantumBytes(stats, 8192));
    }
}
