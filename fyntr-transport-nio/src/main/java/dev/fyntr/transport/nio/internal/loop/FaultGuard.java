package dev.fyntr.transport.nio.internal.loop;

import dev.fyntr.transport.nio.internal.net.LogHandoff;
import dev.fyntr.transport.nio.internal.net.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;

/**
 * The one place where whatever a duty of the loop throws ends up (Agrona's {@code AgentRunner} idea): key
 * handlers, inbox tasks and timers all run behind it. It counts the fault, hands it to the failing tenant's own
 * handler (which closes what that tenant owns) and lets the loop go on. Only a fault that leaves the JVM itself
 * in doubt ({@link VirtualMachineError} other than {@link OutOfMemoryError}) is rethrown, which ends the loop: a
 * dead loop is reported and the process exits, rather than a live process with a dead loop.
 * Loop thread only.
 */
public final class FaultGuard {

    private static final Logger LOG = LoggerFactory.getLogger(FaultGuard.class);
    private static final RateLimitedLog UNOWNED = RateLimitedLog.warnings(LOG);

    private long faults;

    /**
     * Runs {@code work}; if it throws, counts the fault and passes it to {@code onFailure} (itself guarded), or
     * logs it when {@code onFailure} is null.
     *
     * @param what for the log line when {@code onFailure} itself fails
     */
    public void run(Runnable work, Consumer<Throwable> onFailure, Object what) {
        try {
            work.run();
        } catch (Throwable t) {
            contain(t, onFailure, what);
        }
    }

    /** Counts {@code t} and hands it to {@code onFailure} (guarded), or logs it; rethrows only a fatal error. */
    public void contain(Throwable t, Consumer<Throwable> onFailure, Object what) {
        rethrowIfFatal(t);
        faults++;
        if (onFailure == null) {
            if (UNOWNED.admit()) {
                String where = String.valueOf(what);
                String note = UNOWNED.takeSuppressed();
                LogHandoff.submit(() -> LOG.error("{} failed; the loop goes on{}", where, note, t));
            }
            return;
        }
        try {
            onFailure.accept(t);
        } catch (Throwable second) {
            rethrowIfFatal(second);
            faults++;
            String where = String.valueOf(what);
            LogHandoff.submit(() -> LOG.error("{}: its failure handler failed too; the loop goes on", where, second));
        }
    }

    /** Faults contained since start. */
    public long faults() {
        return faults;
    }

    static void rethrowIfFatal(Throwable t) {
        if (t instanceof VirtualMachineError && !(t instanceof OutOfMemoryError)) {
            throw (VirtualMachineError) t;
        }
    }
}
