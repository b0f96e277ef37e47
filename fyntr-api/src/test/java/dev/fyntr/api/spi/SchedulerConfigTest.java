package dev.fyntr.api.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

class SchedulerConfigTest {

    @Test
    void shouldDefaultToEightKibTheSchedulersOwnTunerAndSparseFlowPriority() {
        SchedulerConfig defaults = SchedulerConfig.defaults();
        assertEquals(8192, SchedulerConfig.DEFAULT_QUANTUM_BYTES);
        assertEquals(SchedulerConfig.DEFAULT_QUANTUM_BYTES, defaults.defaultQuantumBytes());
        assertEquals(Optional.empty(), defaults.quantumTuner());
        assertTrue(defaults.sparseFlowPriority());
    }

    @Test
    void shouldRejectAQuantumBelowOneByte() {
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> new SchedulerConfig(0, Optional.empty(), true));
        assertEquals("defaultQuantumBytes < 1: 0", zero.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SchedulerConfig(-1, Optional.empty(), false));
        assertEquals(1, new SchedulerConfig(1, Optional.empty(), false).defaultQuantumBytes());
    }

    @Test
    void shouldRejectANullTunerAndSayWhatToUseInstead() {
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> new SchedulerConfig(8192, null, true));
        assertEquals("quantumTuner (use Optional.empty())", e.getMessage());
        assertThrows(NullPointerException.class, () -> SchedulerConfig.defaults().withQuantumTuner(null));
    }

    @Test
    void shouldReturnChangedCopiesAndLeaveTheOriginalAlone() {
        SchedulerConfig original = new SchedulerConfig(3000, Optional.empty(), true);
        QuantumTuner tuner = QuantumTuner.fixed(500);

        SchedulerConfig tuned = original.withQuantumTuner(tuner);
        assertSame(tuner, tuned.quantumTuner().orElseThrow());
        assertEquals(3000, tuned.defaultQuantumBytes());
        assertTrue(tuned.sparseFlowPriority());

        SchedulerConfig plain = tuned.withSparseFlowPriority(false);
        assertFalse(plain.sparseFlowPriority());
        assertSame(tuner, plain.quantumTuner().orElseThrow());
        assertEquals(3000, plain.defaultQuantumBytes());

        assertEquals(new SchedulerConfig(3000, Optional.empty(), true), original);
        assertNotEquals(original, plain);
    }

    @Test
    void shouldCarryOptionsSortedAndImmutableAndKeepThemAcrossCopies() {
        SchedulerConfig config = SchedulerConfig.defaults().withOption("weight", "a.example=2").withOption("b", "1");
        assertEquals(Map.of("b", "1", "weight", "a.example=2"), config.options());
        assertEquals("b", config.options().keySet().iterator().next());
        assertEquals(Optional.of("a.example=2"), config.option("weight"));
        assertEquals(Optional.empty(), config.option("quantum"));
        assertThrows(UnsupportedOperationException.class, () -> config.options().put("x", "y"));
        assertEquals(config.options(), config.withSparseFlowPriority(false).withQuantumTuner(QuantumTuner.fixed(9))
                .options());
        assertEquals(Map.of(), SchedulerConfig.defaults().options());
        assertEquals(Optional.of("3"), config.withOption("weight", "3").option("weight"));
    }

    @Test
    void shouldRefuseOptionNamesOutsideTheAllowedFormAndNullValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SchedulerConfig.defaults().withOption("Weight", "1"));
        assertEquals("option name must be lower case [a-z0-9.-]+: Weight", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SchedulerConfig.defaults().withOption("", "1"));
        assertThrows(NullPointerException.class, () -> SchedulerConfig.defaults().withOption("w", null));
        assertThrows(NullPointerException.class, () -> new SchedulerConfig(1, Optional.empty(), true, null));
    }
}
