package dev.fyntr.cli;

import dev.fyntr.api.spi.SchedulerProvider;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Makes {@link FifoSchedulerProvider} visible to the real scheduler lookup ({@code Schedulers.provider}, which the
 * builder's check calls), as if a jar on the class path provided it next to the DRR module.
 *
 * <p>Why a class loader: {@code ServiceLoader} finds a provider in a named module only through that module's
 * {@code provides}, and the tests are compiled into the command's module, whose descriptor provides nothing. It
 * also finds class-path providers listed in {@code META-INF/services} of the thread's context class loader, but
 * only those in an unnamed module. So this loader lists the provider in such a resource and defines the
 * provider's class itself, from the test class file, in its own unnamed module; everything else it leaves to its
 * parent. {@link #call} runs code with it as the context class loader.
 */
final class TestSchedulers extends ClassLoader {

    private static final String PROVIDER = FifoSchedulerProvider.class.getName();
    private static final String SERVICES = "META-INF/services/" + SchedulerProvider.class.getName();
    private static final TestSchedulers LOADER = new TestSchedulers();

    private final URL services;

    private TestSchedulers() {
        super("fyntr-cli-test-schedulers", TestSchedulers.class.getClassLoader());
        byte[] listing = (PROVIDER + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            services = new URL(null, "fyntr-test:" + SERVICES, new URLStreamHandler() {
                @Override
                protected URLConnection openConnection(URL url) {
                    return new URLConnection(url) {
                        @Override
                        public void connect() {
                        }

                        @Override
                        public InputStream getInputStream() {
                            return new ByteArrayInputStream(listing);
                        }
                    };
                }
            });
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs the code with {@link FifoSchedulerProvider} visible to {@code ServiceLoader}, on this thread. */
    static <T> T call(Supplier<T> code) {
        Thread thread = Thread.currentThread();
        ClassLoader saved = thread.getContextClassLoader();
        thread.setContextClassLoader(LOADER);
        try {
            return code.get();
        } finally {
            thread.setContextClassLoader(saved);
        }
    }

    @Override
    protected Enumeration<URL> findResources(String name) {
        return SERVICES.equals(name) ? Collections.enumeration(List.of(services))
                : Collections.emptyEnumeration();
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!PROVIDER.equals(name)) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            if (loaded == null) {
                byte[] bytes = classFile();
                loaded = defineClass(name, bytes, 0, bytes.length);
            }
            return loaded;
        }
    }

    private static byte[] classFile() {
        String file = FifoSchedulerProvider.class.getSimpleName() + ".class";
        try (InputStream in = FifoSchedulerProvider.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException(file + " not found next to " + TestSchedulers.class.getName());
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
