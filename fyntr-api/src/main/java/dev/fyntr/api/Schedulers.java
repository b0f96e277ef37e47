package dev.fyntr.api;

import dev.fyntr.api.spi.SchedulerProvider;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeSet;

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
        String wanted = resolveName(name);
        List<SchedulerProvider> matches = new ArrayList<>();
        Map<String, List<SchedulerProvider>> all = discover();
        List<SchedulerProvider> named = all.get(wanted);
        if (named != null) {
            matches.addAll(named);
        }
        if (matches.isEmpty()) {
            throw new UnknownSchedulerException(wanted, new TreeSet<>(all.keySet()));
        }
        if (matches.size() > 1) {
            StringBuilder classes = new StringBuilder();
            for (SchedulerProvider p : matches) {
                classes.append(classes.length() == 0 ? "" : ", ").append(describe(p));
            }
            throw new IllegalStateException("more than one scheduler provider is named '" + wanted + "': "
                    + classes + "; remove one of them from the class path or module path");
        }
        return matches.get(0);
    }

    /** The names of every provider that loads, sorted; duplicates appear once. */
    public static List<String> availableNames() {
        return List.copyOf(new TreeSet<>(discover().keySet()));
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

    /** "class (module m)" or "class (class path)", to tell a user which jar a provider came from. */
    static String describe(SchedulerProvider provider) {
        Module module = provider.getClass().getModule();
        return provider.getClass().getName()
                + (module.isNamed() ? " (module " + module.getName() + ")" : " (class path)");
    }

    private static Map<String, List<SchedulerProvider>> discover() {
        Map<String, List<SchedulerProvider>> byName = new LinkedHashMap<>();
        ServiceLoader<SchedulerProvider> loader = ServiceLoader.load(SchedulerProvider.class);
        var iterator = loader.iterator();
        // Bounded: each step either yields a provider, reports and skips a broken one, or ends.
        for (int guard = 0; guard < 10_000; guard++) {
            SchedulerProvider provider;
            try {
                if (!iterator.hasNext()) {
                    break;
                }
                provider = iterator.next();
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                LOG.log(System.Logger.Level.WARNING,
                        "skipping a scheduler provider that failed to load: " + e.getMessage(), e);
                continue;
            }
            String providerName;
            try {
                providerName = Objects.requireNonNull(provider.name(), "name()");
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING,
                        "skipping scheduler provider " + describe(provider) + ": name() failed: " + e, e);
                continue;
            }
            byName.computeIfAbsent(providerName, k -> new ArrayList<>(1)).add(provider);
        }
        return Collections.unmodifiableMap(byName);
    }
}
