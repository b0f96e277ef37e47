package dev.fyntr.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

/**
 * {@link Schedulers}' lookup among the test-only {@link TestProviders}, found through the test resources'
 * {@code META-INF/services}. That file counts on the class path only, so the POM runs this class alone in a
 * class-path execution (and the module-path execution skips it).
 */
class ProviderDiscoveryTest {

    /** Where the test providers' classes are: the origin a catalog names. */
    private static final String TARGET_TEST_CLASSES = java.nio.file.Path.of("target", "test-classes")
            .toAbsolutePath().toString();

    /** Set by the POM per execution: whether the tests run on the module path. */
    static final String EXPECT_MODULE_PATH = "fyntr.test.modulePath";

    private static final List<String> LOADABLE = List.of("alpha", "beta", "twin");

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
    void shouldRunOnTheClassPath() {
        String expected = System.getProperty(EXPECT_MODULE_PATH);
        assertNotNull(expected, "run through Maven, which sets -D" + EXPECT_MODULE_PATH);
        assertFalse(Boolean.parseBoolean(expected), "this class belongs to the class-path execution");
        assertFalse(Schedulers.class.getModule().isNamed(), Schedulers.class.getModule().toString());
    }

    @Test
    void shouldListEveryProviderThatLoadsSortedAndOnceAndSkipTheBrokenOnes() {
        // Listed first, in between and last-but-one: a constructor that throws, a class that does not exist, a
        // name() that throws and a null name. None hides the providers after it.
        assertEquals(LOADABLE, Schedulers.availableNames());
    }

    @Test
    void shouldFindAProviderByItsExplicitName() {
        assertInstanceOf(TestProviders.Alpha.class, Schedulers.provider("alpha"));
        assertInstanceOf(TestProviders.Beta.class, Schedulers.provider(" beta\t"));
    }

    @Test
    void shouldPreferTheExplicitNameToTheProperty() {
        System.setProperty(Schedulers.PROPERTY, "alpha");
        assertInstanceOf(TestProviders.Beta.class, Schedulers.provider("beta"));
    }

    @Test
    void shouldUseThePropertyWhenNoNameIsGiven() {
        System.setProperty(Schedulers.PROPERTY, " alpha ");
        assertInstanceOf(TestProviders.Alpha.class, Schedulers.provider(null));
        assertInstanceOf(TestProviders.Alpha.class, Schedulers.provider(" "));
    }

    @Test
    void shouldLookForDrrWhenNothingIsChosenAndNotFallBackToAnother() {
        UnknownSchedulerException e = assertThrows(UnknownSchedulerException.class, () -> Schedulers.provider(null));
        assertEquals("drr", e.requested());
        assertEquals(Set.copyOf(LOADABLE), e.available());
        assertEquals("no scheduler named 'drr'; available: alpha, beta, twin", e.getMessage());
    }

    @Test
    void shouldListTheNamesFoundWhenTheNameIsUnknown() {
        System.setProperty(Schedulers.PROPERTY, "gamma");
        UnknownSchedulerException e = assertThrows(UnknownSchedulerException.class, () -> Schedulers.provider(null));
        assertEquals("no scheduler named 'gamma'; available: alpha, beta, twin", e.getMessage());
    }

    @Test
    void shouldRefuseToGuessBetweenTwoProvidersWithOneName() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Schedulers.provider("twin"));
        String classes = TARGET_TEST_CLASSES;
        assertEquals("more than one scheduler provider is named 'twin': "
                + "dev.fyntr.api.TestProviders$TwinOne (class path, " + classes + "), "
                + "dev.fyntr.api.TestProviders$TwinTwo (class path, " + classes + ");"
                + " remove one of them from the class path, module path or plug-in path", e.getMessage());
    }

    @Test
    void shouldDescribeAClassPathProviderAsSuch() {
        assertEquals("class path, " + TARGET_TEST_CLASSES, SchedulerCatalog.origin(new TestProviders.Beta()));
    }

    @Test
    void shouldReportABrokenProviderInOneLineAndKeepTheOthers() {
        SchedulerCatalog catalog = Schedulers.catalog();
        assertEquals(LOADABLE, catalog.names());
        assertFalse(catalog.problems().isEmpty());
        for (String problem : catalog.problems()) {
            assertFalse(problem.contains("\n"), problem);
            assertFalse(problem.contains("\tat "), problem);
        }
    }
}
