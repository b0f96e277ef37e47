package dev.fyntr.example.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fyntr.api.Schedulers;
import dev.fyntr.api.UnknownSchedulerException;
import dev.fyntr.api.spi.SchedulerConfig;
import dev.fyntr.api.spi.SchedulerProvider;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

/**
 * {@link Schedulers}' lookup with two providers visible: "rr" from this module and "drr" (a test dependency),
 * both found through ServiceLoader by name only; nothing here names the DRR classes.
 */
class SchedulerLookupTest {

    private String savedProperty;

    @BeforeEach
    void saveProperty() {
        savedProperty = System.getProperty(Schedulers.PROPERTY);
        System.clearProperty(Schedulers.PROPERTY);
    }

    @AfterEach
    void restoreProperty() {
        if (savedProperty == null) {
            System.clearProperty(Schedulers.PROPERTY);
        } else {
            System.setProperty(Schedulers.PROPERTY, savedProperty);
        }
    }

    @Test
    void shouldFindTheExampleByName() {
        SchedulerProvider provider = Schedulers.provider("rr");
        assertInstanceOf(RoundRobinSchedulerProvider.class, provider);
        assertInstanceOf(RoundRobinScheduler.class, provider.create(SchedulerConfig.defaults()));
        assertEquals("dev.fyntr.example.scheduler", provider.getClass().getModule().getName(),
                "loaded as a named module, through provides");
    }

    @Test
    void shouldFindBothProviders() {
        assertEquals(List.of("drr", "rr", "wdrr"), Schedulers.availableNames());
        assertEquals("drr", Schedulers.provider("drr").name());
        assertEquals("dev.fyntr.scheduler.drr", Schedulers.provider("drr").getClass().getModule().getName());
    }

    @Test
    void shouldUseDrrWhenNothingIsChosen() {
        assertEquals("drr", Schedulers.resolveName(null));
        assertEquals("drr", Schedulers.provider(null).name());
        assertEquals("drr", Schedulers.provider("  ").name());
    }

    @Test
    void shouldHonourTheSystemProperty() {
        System.setProperty(Schedulers.PROPERTY, "rr");
        assertEquals("rr", Schedulers.provider(null).name());
        assertEquals("drr", Schedulers.provider("drr").name(), "an explicit name wins over the property");
    }

    @Test
    void shouldListTheAvailableNamesWhenTheNameIsUnknown() {
        UnknownSchedulerException e = assertThrows(UnknownSchedulerException.class,
                () -> Schedulers.provider("fifo"));
        assertEquals("fifo", e.requested());
        assertEquals(Set.of("drr", "rr", "wdrr"), e.available());
        assertTrue(e.getMessage().contains("'fifo'") && e.getMessage().contains("drr, rr, wdrr"), e.getMessage());
    }

    @Test
    void shouldRejectAnUnknownNameFromTheSystemPropertyToo() {
        System.setProperty(Schedulers.PROPERTY, "nope");
        UnknownSchedulerException e = assertThrows(UnknownSchedulerException.class, () -> Schedulers.provider(null));
        assertEquals("nope", e.requested());
    }
}
