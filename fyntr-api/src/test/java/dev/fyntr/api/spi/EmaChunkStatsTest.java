package dev.fyntr.api.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EmaChunkStatsTest {

    @Test
    void shouldStartEmpty() {
        EmaChunkStats stats = new EmaChunkStats();
        assertEquals(0, stats.chunks());
        assertEquals(0, stats.bytes());
        assertEquals(0.0, stats.averageChunkBytes());
    }

    @Test
    void shouldTakeTheFirstSampleAsTheAverage() {
        EmaChunkStats stats = new EmaChunkStats();
        stats.record(1000);
        // Not 0.2 × 1000 = 200, as an average that starts from 0 would give.
        assertEquals(1000.0, stats.averageChunkBytes());
        assertEquals(1, stats.chunks());
        assertEquals(1000, stats.bytes());
    }

    @Test
    void shouldWeighTheNewestSampleWithAlpha() {
        assertEquals(0.2, ChunkStats.EMA_ALPHA);
        EmaChunkStats stats = new EmaChunkStats();
        stats.record(1000);
        stats.record(2000); // 1000 + 0.2 × (2000 - 1000)
        assertEquals(1200.0, stats.averageChunkBytes(), 1e-9);
        stats.record(200); // 1200 + 0.2 × (200 - 1200)
        assertEquals(1000.0, stats.averageChunkBytes(), 1e-9);
        assertEquals(3, stats.chunks());
        assertEquals(3200, stats.bytes());
    }

    @Test
    void shouldApproachASteadyChunkSizeGeometrically() {
        EmaChunkStats stats = new EmaChunkStats();
        stats.record(16_384);
        for (int i = 0; i < 20; i++) {
            stats.record(100);
        }
        // What is left of the first sample's distance after 20 samples: 0.8^20.
        double expected = 100 + (16_384 - 100) * Math.pow(0.8, 20);
        assertEquals(expected, stats.averageChunkBytes(), 1e-6);
    }

    @Test
    void shouldRejectEmptyAndNegativeChunksAndKeepItsState() {
        EmaChunkStats stats = new EmaChunkStats();
        stats.record(500);
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> stats.record(0));
        assertEquals("chunkBytes <= 0: 0", zero.getMessage());
        assertThrows(IllegalArgumentException.class, () -> stats.record(-1));
        assertEquals(1, stats.chunks());
        assertEquals(500, stats.bytes());
        assertEquals(500.0, stats.averageChunkBytes());
    }

    @Test
    void shouldCountBytesBeyondTheIntRange() {
        EmaChunkStats stats = new EmaChunkStats();
        int chunks = Integer.MAX_VALUE / ChunkStats.MAX_CHUNK_BYTES + 2;
        for (int i = 0; i < chunks; i++) {
            stats.record(ChunkStats.MAX_CHUNK_BYTES);
        }
        assertTrue(stats.bytes() > Integer.MAX_VALUE, "bytes " + stats.bytes());
        assertEquals((long) chunks * ChunkStats.MAX_CHUNK_BYTES, stats.bytes());
    }

    @Test
    void shouldShowItsNumbersRounded() {
        EmaChunkStats stats = new EmaChunkStats();
        stats.record(1000);
        stats.record(1003); // average 1000.6
        assertEquals("ChunkStats[chunks=2, bytes=2003, avg=1001]", stats.toString());
    }
}
