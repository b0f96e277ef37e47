package dev.fyntr.api;

import dev.fyntr.api.spi.SchedulerProvider;

import java.util.List;

/**
 * Finds {@link SchedulerProvider}s. This is the one place where the lookup order is defined:
 *
 * <ol>
 *   <li>the explicit name given by the caller (builder {@code scheduler(..)}, {@code --scheduler});</li>
 *   <li>otherwise the system property {@value #PROPERTY} ({@code -Dfyntr.scheduler=fifo});</li>
 *   <li>otherwise {@value #DEFAULT_NAME}.</li>
 * </ol>
 * The chosen name is then matched against {@link SchedulerProvider#name()} of every provider that
 * {@link ServiceLoader} finds through the thread's context class loader (class path) and the module layer
 * (module path). There is no silent fallback: an unknown name fails, listing the names that were found. A
 * provider that fails to load is reported through {@link System.Logger} and skipped, so one broken jar does
 * not hide the others; two providers with one name is an error, since either choice would be a guess.
 */
public final class Schedulers {

    /** The system property consulted when no explicit name is given. */
    public static final String PROPERTY = "fyntr.scheduler";

    /** The built-in scheduler's name: Deficit Round-Robin. */
    public static final String DEFAULT_NAME = "drr";

    private static final System.Logger LOG = System.getLogger(Schedulers.class.getName());

    private Schedulers() {
    }

    /**
     * The provider for a name, after the lookup order above.
     *
     * @param name the explicit name, or {@code null} to use {@value #PROPERTY} or {@value #DEFAULT_NAME}
     * @throws UnknownSchedulerException if no provider has that name; its message lists the names found
     * @throws IllegalStateException     if two providers claim that name
     */
    public static SchedulerProvider provider(String name) {
        return catalog().provider(name);
    }

    /** The names of every provider that loads, sorted; duplicates appear once. */
    public static List<String> availableNames() {
        return catalog().names();
    }

    /**
     * What the default lookup finds: {@link SchedulerCatalog#load} with the thread's context class loader (the
     * system class loader when it has none). Providers that fail to load are logged (one warning each, the stack
     * trace at debug) and left out.
     */
    public static SchedulerCatalog catalog() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        SchedulerCatalog catalog = SchedulerCatalog.load(context != null ? context : ClassLoader.getSystemClassLoader());
        for (String problem : catalog.problems()) {
            LOG.log(System.Logger.Level.WARNING, "skipping: " + problem);
        }
        return catalog;
    }

    /**
     * The name the lookup would use for an explicit name that may be {@code null}: the name itself, else the
     * system property, else {@value #DEFAULT_NAME}.
     */
    public static String resolveName(String explicit) {
        if (explicit != null && !explicit.isBlank()) {
            return explicit.strip();
        }
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            return property.strip();
        }
        return DEFAULT_NAME;
    }

}
