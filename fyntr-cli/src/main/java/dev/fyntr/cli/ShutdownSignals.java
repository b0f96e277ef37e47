package dev.fyntr.cli;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * SIGINT and SIGTERM for the running command: the first one asks for a graceful stop (the main thread wakes up and
 * closes the proxy with its grace period), a second one ends the process at once with status 128 + the signal's
 * number, as a shell reports a process killed by that signal. SIGHUP re-reads the auth file and the threat feeds
 * ({@link #onHangup}) and never stops the process.
 *
 * <p>Why not a {@code Runtime} shutdown hook alone: once the JVM has begun to shut down, a further SIGTERM only
 * makes the JVM's own handler call {@code System.exit} again, which blocks behind the running hooks, so a second
 * signal could never cut the grace period short. The handlers are therefore installed with {@code sun.misc.Signal}
 * from the {@code jdk.unsupported} module, the supported way for applications to handle signals since JDK 9.
 * It is reached by reflection only because javac's "internal proprietary API" warning cannot be suppressed and
 * the build treats warnings as errors; if the class is missing or refuses a signal (e.g. under {@code -Xrs}),
 * {@link #installOsHandlers} says so and the command falls back to a shutdown hook, which still closes gracefully
 * but cannot see a second signal.
 *
 * <p>The waiting main thread is also woken when the proxy stops by itself ({@link #proxyStopped}, from
 * {@code FyntrProxy.terminated()}), so that it learns of it at once instead of polling.
 */
final class ShutdownSignals {

    private final CountDownLatch requested = new CountDownLatch(1);
    /** Counted down by the first signal or by {@link #proxyStopped}, whichever comes first. */
    private final CountDownLatch woken = new CountDownLatch(1);
    private final AtomicInteger received = new AtomicInteger();
    private final AtomicReference<String> first = new AtomicReference<>();
    private final IntConsumer halt;
    private final Consumer<String> announce;
    private volatile Runnable onHangup = () -> { };

    /**
     * @param halt     ends the process with a status; {@code Runtime.getRuntime()::halt} in production
     * @param announce says why the process ends at once (stderr in production)
     */
    ShutdownSignals(IntConsumer halt, Consumer<String> announce) {
        this.halt = halt;
        this.announce = announce;
    }

    /**
     * What SIGHUP does (docs/auth.md#reloading): the proxy's reload. Runs on the signal's own thread, which may
     * block for as long as the reload takes; whatever it throws is reported, never thrown on.
     */
    void onHangup(Runnable action) {
        this.onHangup = action;
    }

    /** Called on the signal's thread (or by tests). Never blocks, except SIGHUP for its reload. */
    void signal(String name, int number) {
        if (name.equals("HUP")) {
            try {
                onHangup.run();
            } catch (RuntimeException e) {
                announce.accept("fyntr: SIGHUP: reload failed: " + e);
            }
            return;
        }
        if (received.incrementAndGet() == 1) {
            first.set("SIG" + name);
            requested.countDown();
            woken.countDown();
        } else {
            announce.accept("fyntr: second signal (SIG" + name + "): exiting now, without waiting for open tunnels");
            halt.accept(128 + number);
        }
    }

    /** Waits up to the timeout for the first signal; true once it has come. */
    boolean awaitRequest(long timeout, TimeUnit unit) throws InterruptedException {
        return requested.await(timeout, unit);
    }

    /**
     * The proxy has stopped without a signal having asked for it (its event loop failed, or something else closed
     * it): wakes {@link #awaitSignalOrStop}. It is not a signal: a later SIGINT/SIGTERM still counts as the first.
     * Never blocks; called on whichever thread completes the proxy's {@code terminated()} stage.
     */
    void proxyStopped() {
        woken.countDown();
    }

    /**
     * Waits, without a timeout, for the first signal or {@link #proxyStopped}, whichever comes first (or came
     * before the call); {@link #firstSignal} then tells which.
     */
    void awaitSignalOrStop() throws InterruptedException {
        woken.await();
    }

    /** The first signal's name, e.g. {@code SIGTERM}, or {@code null} before it. */
    String firstSignal() {
        return first.get();
    }

    /**
     * Routes SIGINT, SIGTERM and SIGHUP of this process to {@link #signal}. Process-wide, so only the real command
     * calls it.
     *
     * @return whether the handlers are installed; false means only a shutdown hook can react to signals (and
     *         SIGHUP then stops the process, as it does by default)
     */
    boolean installOsHandlers() {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Method getName = signalClass.getMethod("getName");
            Method getNumber = signalClass.getMethod("getNumber");
            Object handler = Proxy.newProxyInstance(ShutdownSignals.class.getClassLoader(),
                    new Class<?>[] {handlerClass}, (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "handle":
                                signal((String) getName.invoke(args[0]), (Integer) getNumber.invoke(args[0]));
                                return null;
                            case "equals":
                                return proxy == args[0];
                            case "hashCode":
                                return System.identityHashCode(proxy);
                            default:
                                return "fyntr shutdown signal handler";
                        }
                    });
            Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            for (String name : new String[] {"INT", "TERM"}) {
                handle.invoke(null, signalClass.getConstructor(String.class).newInstance(name), handler);
            }
            try {
                handle.invoke(null, signalClass.getConstructor(String.class).newInstance("HUP"), handler);
            } catch (ReflectiveOperationException | RuntimeException e) {
                announce.accept("fyntr: SIGHUP cannot be handled here (" + e + "); it will stop the process instead"
                        + " of reloading");
            }
            return true;
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            // InvocationTargetException wraps IllegalArgumentException("Signal already used by VM or OS: SIGINT").
            return false;
        }
    }
}
