package dev.fyntr.transport.nio;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Closes what a test registered once the test is over, newest first (a proxy before the servers it connects to).
 * A close that fails does not stop the others; the test then fails with the first failure, the others attached
 * as suppressed. Register it on an instance field, so that every test gets its own:
 *
 * <pre>
 * {@literal @}RegisterExtension
 * final Closer closer = new Closer();
 *
 * TestServers.Server echo = closer.add(TestServers.echo());
 * FyntrProxy proxy = closer.add(Fixtures.proxyTo(echo.port()).start());
 * </pre>
 */
final class Closer implements AfterEachCallback {

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();

    /** Registers {@code resource} to be closed after the test, before everything registered earlier. */
    <T extends AutoCloseable> T add(T resource) {
        synchronized (resources) {
            resources.push(resource);
        }
        return resource;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        closeAll();
    }

    /** Closes everything registered so far, newest first; throws if any close failed. */
    void closeAll() {
        AssertionError failure = null;
        for (AutoCloseable resource = next(); resource != null; resource = next()) {
            try {
                resource.close();
            } catch (Exception | AssertionError e) {
                AssertionError f = new AssertionError("closing " + resource + " failed: " + e, e);
                if (failure == null) {
                    failure = f;
                } else {
                    failure.addSuppressed(f);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private AutoCloseable next() {
        synchronized (resources) {
            return resources.poll();
        }
    }
}
