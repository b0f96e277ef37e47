package dev.fyntr.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

/**
 * The name resolution of {@link Schedulers} and its helpers, on the module path, where the only module is this one
 * and no provider is visible. The lookup among real providers is in {@link ProviderDiscoveryTest}.
 */
class SchedulersTest {

    private String savedProperty;

    @BeforeEach
    void clearProperty() {
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
    void shouldUseTheExplicitNameFirst() {
        System.setProperty(Schedulers.PROPERTY, "from-property");
        assertEquals("explicit", Schedulers.resolveName("explicit"));
    }

    @Test
    void shouldUseTheSystemPropertyWhenNoNameIsGiven() {
        assertEquals("fyntr.scheduler", Schedulers.PROPERTY);
        System.setProperty(Schedulers.PROPERTY, "from-property");
        assertEquals("from-property", Schedulers.resolveName(null));
        assertEquals("from-property", Schedulers.resolveName(""));
        assertEquals("from-property", Schedulers.resolveName(" \t\n"), "a blank name counts as none");
    }

    @Test
    void shouldUseDrrWhenNeitherANameNorThePropertyIsGiven() {
        assertEquals("drr", Schedulers.DEFAULT_NAME);
        assertEquals("drr", Schedulers.resolveName(null));
        assertEquals("drr", Schedulers.resolveName("  "));
        System.setProperty(Schedulers.PROPERTY, " \t");
        assertEquals("drr", Schedulers.resolveName(null), "a blank property counts as none");
    }

    @Test
    void shouldStripWhitespaceAroundNames() {
        assertEquals("rr", Schedulers.resolveName(" rr\t"));
        assertEquals("my-sched", Schedulers.resolveName("\nmy-sched \n"));
        System.setProperty(Schedulers.PROPERTY, "  fifo ");
        assertEquals("fifo", Schedulers.resolveName(null));
    }

    @Test
    void shouldRunOnTheModulePathWhereThisModuleProvidesNoScheduler() {
        String expected = System.getProperty(ProviderDiscoveryTest.EXPECT_MODULE_PATH);
        assertNotNull(expected, "run through Maven, which sets -D" + ProviderDiscoveryTest.EXPECT_MODULE_PATH);
        assertTrue(Boolean.parseBoolean(expected), "this class belongs to the module-path execution");
        assertEquals("dev.fyntr.api", Schedulers.class.getModule().getName());
        // The test resources' META-INF/services is patched into this named module, whose classes count as
        // providers only through 'provides' (which it has none of): ServiceLoader skips them.
        assertEquals(List.of(), Schedulers.availableNames());
    }

    @Test
    void shouldFailForTheDefaultNameAndSayThatNoSchedulerWasFound() {
        UnknownSchedulerException e = assertThrows(UnknownSchedulerException.class, () -> Schedulers.provider(null));
        assertEquals("drr", e.requested());
        assertEquals(Set.of(), e.available());
        assertTrue(e.getMessage().contains("is fyntr-scheduler-drr on the class path or module path?"),
                e.getMessage());
    }

    @Test
    void shouldDescribeAProviderByClassAndModule() {
        String origin = SchedulerCatalog.origin(new TestProviders.Alpha());
        assertTrue(origin.startsWith("module dev.fyntr.api, "), origin);
    }
}
