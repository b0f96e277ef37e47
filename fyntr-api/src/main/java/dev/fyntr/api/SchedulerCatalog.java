package dev.fyntr.api;

import dev.fyntr.api.spi.SchedulerProvider;

import java.net.URL;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * Every {@link SchedulerProvider} one {@link ServiceLoader} lookup found, each with where it came from, and the
 * providers that failed to load, as one-line messages (no stack traces: a broken plug-in is the user's to fix,
 * and they need its name and the reason, not our call stack).
 *
 * <p>{@link Schedulers} uses one for the default lookup; a program that loads plug-ins itself (the command's
 * {@code --plugin-path}) makes one from the class loader of its plug-in layer with {@link #load(ClassLoader)}.
 * Immutable; the providers are the instances {@code ServiceLoader} created.
 */
public final class SchedulerCatalog {

    /**
     * One provider.
     *
     * @param name     its {@link SchedulerProvider#name()}
     * @param provider the instance
     * @param origin   where it came from: {@code module dev.fyntr.scheduler.drr, /…/fyntr-scheduler-drr.jar}, or
     *                 {@code class path, /…/plugin.jar}
     */
    public record Entry(String name, SchedulerProvider provider, String origin) {
    }

    private final List<Entry> entries;
    private final List<String> problems;

    private SchedulerCatalog(List<Entry> entries, List<String> problems) {
        this.entries = List.copyOf(entries);
        this.problems = List.copyOf(problems);
    }

    /**
     * Runs {@link ServiceLoader#load(Class, ClassLoader)}: providers in the named modules of the loader's module
     * layers and their parents (module path), then those listed in {@code META-INF/services} of its class path.
     *
     * @param loader the class loader, or {@code null} for the system class loader
     */
    public static SchedulerCatalog load(ClassLoader loader) {
        List<Entry> entries = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        var iterator = ServiceLoader.load(SchedulerProvider.class, loader).iterator();
        // Bounded: each step yields a provider, records a broken one, or ends.
        for (int guard = 0; guard < 10_000; guard++) {
            SchedulerProvider provider;
            try {
                if (!iterator.hasNext()) {
                    break;
                }
                provider = iterator.next();
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                problems.add("a scheduler provider failed to load: " + reason(e));
                continue;
            }
            String name;
            try {
                name = Objects.requireNonNull(provider.name(), "name() returned null");
            } catch (RuntimeException | LinkageError e) {
                problems.add("scheduler provider " + provider.getClass().getName() + " (" + origin(provider)
                        + ") failed in name(): " + reason(e));
                continue;
            }
            entries.add(new Entry(name, provider, origin(provider)));
        }
        return new SchedulerCatalog(entries, problems);
    }

    /** The providers found, in the order {@code ServiceLoader} found them. */
    public List<Entry> entries() {
        return entries;
    }

    /** One line per provider that failed to load or to name itself; empty when all loaded. */
    public List<String> problems() {
        return problems;
    }

    /** The names found, sorted, each once. */
    public List<String> names() {
        TreeSet<String> names = new TreeSet<>();
        entries.forEach(e -> names.add(e.name()));
        return List.copyOf(names);
    }

    /**
     * The provider for a name, after {@link Schedulers}' lookup order (explicit name, system property, default).
     *
     * @throws UnknownSchedulerException if none has that name; the message lists the names found
     * @throws IllegalStateException     if two providers claim it; the message names both and where they came from
     */
    public SchedulerProvider provider(String explicitName) {
        String wanted = Schedulers.resolveName(explicitName);
        List<Entry> matches = new ArrayList<>(1);
        for (Entry e : entries) {
            if (e.name().equals(wanted)) {
                matches.add(e);
            }
        }
        if (matches.isEmpty()) {
            throw new UnknownSchedulerException(wanted, new TreeSet<>(names()));
        }
        if (matches.size() > 1) {
            StringBuilder classes = new StringBuilder();
            for (Entry e : matches) {
                classes.append(classes.length() == 0 ? "" : ", ").append(e.provider().getClass().getName())
                        .append(" (").append(e.origin()).append(')');
            }
            throw new IllegalStateException("more than one scheduler provider is named '" + wanted + "': "
                    + classes + "; remove one of them from the class path, module path or plug-in path");
        }
        return matches.get(0).provider();
    }

    /** {@code module m, location} or {@code class path, location}; the location only when the JVM knows it. */
    static String origin(SchedulerProvider provider) {
        Class<?> type = provider.getClass();
        Module module = type.getModule();
        String where = module.isNamed() ? "module " + module.getName() : "class path";
        String location = location(type);
        return location == null ? where : where + ", " + location;
    }

    private static String location(Class<?> type) {
        try {
            CodeSource source = type.getProtectionDomain().getCodeSource();
            URL url = source == null ? null : source.getLocation();
            if (url == null) {
                return null;
            }
            return "file".equals(url.getProtocol()) ? java.nio.file.Path.of(url.toURI()).toString() : url.toString();
        } catch (RuntimeException | java.net.URISyntaxException e) {
            return null;
        }
    }

    /** The deepest cause's class and message: for a throwing constructor, what it threw. */
    private static String reason(Throwable e) {
        String top = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        Throwable root = e;
        for (int i = 0; i < 16 && root.getCause() != null && root.getCause() != root; i++) {
            root = root.getCause();
        }
        return root == e ? top : top + " (" + root + ")";
    }
}
