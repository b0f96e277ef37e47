package dev.fyntr.cli;

import dev.fyntr.api.SchedulerCatalog;

import java.io.File;
import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.module.ResolutionException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;

/**
 * Loads scheduler plug-ins from {@code --plugin-path} and the {@code plugins/} directory of the installation, so
 * that a jar works without touching the launcher's module path.
 *
 * <p>Where the command runs on the module path ({@code ./fyntr}, {@code java -p … -m dev.fyntr.cli}), the plug-ins
 * become a child {@link ModuleLayer} of the boot layer: a modular jar with {@code provides}, or a plain jar as an
 * automatic module (its {@code META-INF/services} become its provides). On the class path ({@code java -jar
 * fyntr-cli-all.jar}) there is no {@code dev.fyntr.api} module to require, so the jars go into a class loader and
 * their {@code META-INF/services} name the providers. Either way {@link #catalog()} finds the plug-ins' providers
 * next to the built-in ones.
 *
 * <p>A plug-in that cannot be loaded stops the command with one line naming the file and the reason
 * ({@link PluginException}); one whose provider fails to load or construct is skipped with a warning
 * ({@link SchedulerCatalog#problems()}), so the names found are still listed.
 */
final class Plugins {

    /** Set by launchers: the installation's plug-in directory ({@code plugins/} beside {@code bin/}). */
    static final String DIR_PROPERTY = "fyntr.plugins.dir";

    /** A plug-in path entry or file that cannot be used; the message says which and why. */
    static final class PluginException extends Exception {
        private static final long serialVersionUID = 1L;

        /** Whether the path given is wrong (a usage error), rather than a file in it. */
        final boolean badPath;

        PluginException(String message) {
            this(message, false);
        }

        PluginException(String message, boolean badPath) {
            super(message);
            this.badPath = badPath;
        }
    }

    private final ClassLoader loader;
    private final List<Path> jars;
    private final List<String> warnings;

    private Plugins(ClassLoader loader, List<Path> jars, List<String> warnings) {
        this.loader = loader;
        this.jars = List.copyOf(jars);
        this.warnings = List.copyOf(warnings);
    }

    /**
     * Loads the plug-ins of {@code pluginPath} (entries separated by the platform's path separator, each a jar or a
     * directory of jars; every one must exist) and of the installation's plug-in directory (used when it exists).
     *
     * @param pluginPath {@code --plugin-path}, or {@code null}
     * @param defaultDir the installation's {@code plugins/} directory, or {@code null}
     */
    static Plugins load(String pluginPath, Path defaultDir) throws PluginException {
        LinkedHashSet<Path> jars = new LinkedHashSet<>();
        if (pluginPath != null && !pluginPath.isBlank()) {
            for (String entry : pluginPath.split(File.pathSeparator, -1)) {
                if (entry.isBlank()) {
                    continue; // "a.jar::b.jar" or a trailing separator: nothing to load
                }
                Path path = Path.of(entry.strip());
                if (!Files.exists(path)) {
                    throw new PluginException("'" + entry.strip() + "' does not exist; accepted: jars or "
                            + "directories of jars, separated by '" + File.pathSeparator + "'", true);
                }
                addJars(path, jars);
            }
        }
        if (defaultDir != null && Files.isDirectory(defaultDir)) {
            addJars(defaultDir, jars);
        }
        ClassLoader parent = parentLoader();
        if (jars.isEmpty()) {
            return new Plugins(parent, List.of(), List.of());
        }
        List<Path> list = new ArrayList<>(jars);
        for (Path jar : list) {
            checkJar(jar);
        }
        boolean modulePath = FyntrCli.class.getModule().isNamed();
        List<String> warnings = new ArrayList<>();
        return new Plugins(modulePath ? moduleLayer(list, parent, warnings) : classPath(list, parent), list, warnings);
    }

    /** The installation's plug-in directory: {@value #DIR_PROPERTY}, else {@code plugins/} beside our jar. */
    static Path defaultDir() {
        String property = System.getProperty(DIR_PROPERTY);
        if (property != null && !property.isBlank()) {
            return Path.of(property.strip());
        }
        try {
            var source = FyntrCli.class.getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null || !"file".equals(source.getLocation().getProtocol())) {
                return null;
            }
            Path jar = Path.of(source.getLocation().toURI());
            return Files.isRegularFile(jar) ? jar.resolveSibling("plugins") : null;
        } catch (RuntimeException | java.net.URISyntaxException e) {
            return null; // no plug-in directory rather than no start
        }
    }

    /** The providers visible with the plug-ins: the built-in ones, the class path's and the plug-ins'. */
    SchedulerCatalog catalog() {
        return SchedulerCatalog.load(loader);
    }

    /** What was skipped, one sentence each, for {@code fyntr: warning:} lines. */
    List<String> warnings() {
        return warnings;
    }

    /** The jars loaded, in order. */
    List<Path> jars() {
        return jars;
    }

    private static ClassLoader parentLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : FyntrCli.class.getClassLoader();
    }

    private static void addJars(Path path, Set<Path> jars) throws PluginException {
        if (!Files.isDirectory(path)) {
            jars.add(path.toAbsolutePath().normalize());
            return;
        }
        TreeSet<Path> inDir = new TreeSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(path, "*.jar")) {
            for (Path jar : entries) {
                if (Files.isRegularFile(jar)) {
                    inDir.add(jar.toAbsolutePath().normalize());
                }
            }
        } catch (IOException e) {
            throw new PluginException("cannot read plug-in directory '" + path + "': " + e.getMessage());
        }
        jars.addAll(inDir);
    }

    private static void checkJar(Path jar) throws PluginException {
        try (JarFile file = new JarFile(jar.toFile())) {
            file.getManifest(); // reads the central directory and the manifest: the file is a readable jar
        } catch (IOException | SecurityException e) {
            throw new PluginException("plug-in '" + jar + "' is not a readable jar (" + e.getMessage() + ")");
        }
    }

    private static ClassLoader moduleLayer(List<Path> jars, ClassLoader parent, List<String> warnings)
            throws PluginException {
        ModuleLayer boot = ModuleLayer.boot();
        List<Path> modular = new ArrayList<>();
        List<String> roots = new ArrayList<>();
        for (Path jar : jars) {
            ModuleReference module;
            try {
                Set<ModuleReference> found = ModuleFinder.of(jar).findAll();
                module = found.isEmpty() ? null : found.iterator().next();
            } catch (FindException e) {
                throw new PluginException("plug-in '" + jar + "' cannot be loaded as a module: " + rootMessage(e));
            }
            if (module == null) {
                throw new PluginException("plug-in '" + jar + "' holds no module");
            }
            String name = module.descriptor().name();
            if (boot.findModule(name).isPresent()) {
                // e.g. a copy of fyntr-api in plugins/: the command's own module is the one to use.
                warnings.add("plug-in '" + jar + "' is module " + name + ", which the command has already; skipped");
                continue;
            }
            if (roots.contains(name)) {
                throw new PluginException("two plug-ins are module " + name + " (the second is '" + jar
                        + "'); remove one");
            }
            modular.add(jar);
            roots.add(name);
        }
        if (roots.isEmpty()) {
            return parent;
        }
        try {
            Configuration config = boot.configuration().resolveAndBind(
                    ModuleFinder.of(modular.toArray(Path[]::new)), ModuleFinder.of(), roots);
            ModuleLayer layer = ModuleLayer.defineModulesWithOneLoader(config, List.of(boot), parent).layer();
            return layer.findLoader(roots.get(0));
        } catch (FindException | ResolutionException | LayerInstantiationException e) {
            throw new PluginException("the plug-ins cannot be loaded: " + rootMessage(e)
                    + " (a plug-in needs only dev.fyntr.api and the JDK)");
        }
    }

    private static ClassLoader classPath(List<Path> jars, ClassLoader parent) throws PluginException {
        URL[] urls = new URL[jars.size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = jars.get(i).toUri().toURL();
            } catch (MalformedURLException e) {
                throw new PluginException("plug-in '" + jars.get(i) + "': " + e.getMessage());
            }
        }
        return new URLClassLoader("fyntr-plugins", urls, parent);
    }

    private static String rootMessage(Throwable e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        Throwable cause = e.getCause();
        for (int i = 0; i < 8 && cause != null; i++, cause = cause.getCause()) {
            sb.append(": ").append(cause.getMessage());
        }
        return sb.toString();
    }
}
