package dev.fyntr.scheduler.drr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fyntr.api.Schedulers;
import dev.fyntr.api.spi.SchedulerConfig;
import dev.fyntr.api.spi.SchedulerProvider;

import org.junit.jupiter.api.Test;

/**
 * "drr" is found by name through ServiceLoader. The POM runs this class twice: on the module path (found through
 * {@code provides} in module-info) and on the class path (found through META-INF/services); the system property
 * {@value #EXPECT_MODULE_PATH} says which, so that each run proves its path was really used.
 */
class ServiceDiscoveryTest {

    static final String EXPECT_MODULE_PATH = "fyntr.test.modulePath";

    @Test
    void shouldFindDrrByNameOnTheExpectedPath() {
        SchedulerProvider provider = Schedulers.provider("drr");
        assertInstanceOf(DrrSchedulerProvider.class, provider);
        assertNotNull(provider.create(SchedulerConfig.defaults()));
        assertTrue(Schedulers.availableNames().contains("drr"), Schedulers.availableNames().toString());

        String expected = System.getProperty(EXPECT_MODULE_PATH);
        assertNotNull(expected, "run through Maven, which sets -D" + EXPECT_MODULE_PATH + " per execution");
        boolean modulePath = Boolean.parseBoolean(expected);
        Module drr = provider.getClass().getModule();
        Module api = Schedulers.class.getModule();
        assertEquals(modulePath, drr.isNamed(), "drr " + drr);
        assertEquals(modulePath, api.isNamed(), "api " + api);
        if (modulePath) {
            assertEquals("dev.fyntr.scheduler.drr", drr.getName());
            assertEquals("dev.fyntr.api", api.getName());
        }
    }

    @Test
    void shouldFindWeightedDrrByNameOnTheSamePath() {
        SchedulerProvider provider = Schedulers.provider("wdrr");
        assertInstanceOf(WeightedDrrSchedulerProvider.class, provider);
        assertNotNull(provider.create(SchedulerConfig.defaults().withOption("weight", "port:22=8")));
        assertEquals(Boolean.parseBoolean(System.getProperty(EXPECT_MODULE_PATH)),
                provider.getClass().getModule().isNamed());
    }

    @Test
    void shouldBeTheDefaultWhenNoNameIsGiven() {
        String saved = System.getProperty(Schedulers.PROPERTY);
        System.clearProperty(Schedulers.PROPERTY);
        try {
            assertInstanceOf(DrrSchedulerProvider.class, Schedulers.provider(null));
        } finally {
            if (saved != null) {
                System.setProperty(Schedulers.PROPERTY, saved);
            }
        }
    }
}
