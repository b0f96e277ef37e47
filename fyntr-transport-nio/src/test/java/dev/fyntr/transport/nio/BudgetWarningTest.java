package dev.fyntr.transport.nio;

import dev.fyntr.transport.nio.internal.net.JvmLimits;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

class BudgetWarningTest {

    @Test
    void shouldWarnWhenTheBudgetExceedsWhatTheJvmAllowsForDirectBuffers() throws Exception {
        long tooMuch = JvmLimits.maxDirectMemory() + (64L << 20);
        ProxySettings settings = FyntrProxy.builder().port(0).maxBufferMemory(tooMuch).build();
        assertTrue(settings.warnings().stream().anyMatch(w -> w.contains("larger than the JVM allows for direct")),
                settings.warnings().toString());
        ProxySettings fine = FyntrProxy.builder().port(0).build();
        assertTrue(fine.warnings().stream().noneMatch(w -> w.contains("direct buffers")), fine.warnings().toString());
    }
}
