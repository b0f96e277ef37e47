package dev.fyntr.api.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class QuantumTunerTest {

    @Test
    void shouldGiveEveryFlowTheFixedQuantumWhateverItsChunks() {
        QuantumTuner tuner = QuantumTuner.fixed(3000);
        EmaChunkStats stats = new EmaChunkStats();
        assertEquals(3000, tuner.quantumBytes(stats, 8192), "no sample yet: not the default quantum");
        stats.record(100);
        assertEquals(3000, tuner.quantumBytes(stats, 8192));
        stats.record(ChunkStats.MAX_CHUNK_BYTES);
        assertEquals(3000, tuner.quantumBytes(stats, 1));
    }

    @Test
    void shouldAcceptOneByteAndRejectLess() {
        assertEquals(1, QuantumTuner.fixed(1).quantumBytes(new EmaChunkStats(), 8192));
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> QuantumTuner.fixed(0));
        assertEquals("quantumBytes < 1: 0", zero.getMessage());
        assertThrows(IllegalArgumentException.class, () -> QuantumTuner.fixed(-5));
        assertThrows(IllegalArgumentException.class, () -> QuantumTuner.fixed(Integer.MIN_VALUE));
    }

    @Test
    void shouldNameItsQuantumInLogs() {
        assertEquals("fixed(16384)", QuantumTuner.fixed(16_384).toString());
    }
}
