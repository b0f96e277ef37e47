package dev.fyntr.cli;

import picocli.CommandLine.IVersionProvider;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The project version, from a resource that Maven filters at build time. A resource rather than the manifest's
 * {@code Implementation-Version} because on the module path {@link Package#getImplementationVersion()} is not
 * filled in from the jar manifest, while a resource in our own package reads the same way on the module path, on
 * the class path and in the fat jar.
 */
final class Version {

    private static final String RESOURCE = "fyntr-version.properties";

    private Version() {
    }

    /** The version, e.g. {@code 0.1.0}; {@code unknown} when run from unfiltered classes. */
    static String get() {
        try (InputStream in = Version.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "unknown").strip();
            return v.isEmpty() || v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** For {@code --version}. */
    static final class Provider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"fyntr " + get(),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name", "?") + ")"};
        }
    }
}
