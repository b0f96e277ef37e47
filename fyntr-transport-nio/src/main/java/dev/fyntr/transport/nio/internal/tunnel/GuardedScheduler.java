package dev.fyntr.transport.nio.internal.tunnel;

import dev.fyntr.api.spi.Flow;
import dev.fyntr.api.spi.Scheduler;
import dev.fyntr.transport.nio.internal.forward.ScheduledFlow;
import dev.fyntr.transport.nio.internal.net.LogHandoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Stands between the transport and a scheduler, which may be third-party code: when a call throws, it logs one
 * error naming the provider, replaces the scheduler with a fresh built-in one, re-introduces every flow that is
 * eligible, and the loop goes on. Later calls never reach the scheduler that failed. A built-in fallback that
 * fails too is logged and replaced the same way. Event-loop thread only.
 */
final class GuardedScheduler implements Scheduler {

    private static final Logger LOG = LoggerFactory.getLogger(GuardedScheduler.class);

    private final Supplier<Scheduler> fallback;
    private final String fallbackName;
    private Scheduler delegate;
    private String name;
    private Consumer<Consumer<ScheduledFlow>> flows = each -> { };
    private long replacements;

    /**
     * @param fallback     makes the built-in scheduler that replaces one that threw
     * @param fallbackName its name, for the log
     */
    GuardedScheduler(Scheduler delegate, String name, Supplier<Scheduler> fallback, String fallbackName) {
        this.delegate = delegate;
        this.name = name;
        this.fallback = fallback;
        this.fallbackName = fallbackName;
    }

    /** How to visit every open flow (tunnel uploads, plain request bodies), for a switch; set once the connection registry exists. */
    void flows(Consumer<Consumer<ScheduledFlow>> flows) {
        this.flows = flows;
    }

    /** How many times a failing scheduler was replaced. */
    long replacements() {
        return replacements;
    }

    @Override
    public void onBacklogged(Flow flow) {
        try {
            delegate.onBacklogged(flow);
        } catch (RuntimeException | LinkageError | AssertionError e) {
            replace("onBacklogged", e);
        }
    }

    @Override
    public void onIdle(Flow flow) {
        try {
            delegate.onIdle(flow);
        } catch (RuntimeException | LinkageError | AssertionError e) {
            replace("onIdle", e);
        }
    }

    @Override
    public void onBlocked(Flow flow) {
        try {
            delegate.onBlocked(flow);
        } catch (RuntimeException | LinkageError | AssertionError e) {
            replace("onBlocked", e);
        }
    }

    @Override
    public void onClosed(Flow flow) {
        try {
            delegate.onClosed(flow);
        } catch (RuntimeException | LinkageError | AssertionError e) {
            replace("onClosed", e); // the closing flow is no longer eligible, so the new scheduler never sees it
        }
    }

    @Override
    public Flow next() {
        try {
            return delegate.next();
        } catch (RuntimeException | LinkageError | AssertionError e) {
            replace("next", e);
            return null; // this turn is over; the next one asks the replacement
        }
    }

    @Override
    public void onSent(Flow flow, int bytes) {
        try {
            delegate.onSent(flow, bytes);
        } catch (RuntimeException | LinkageError | AssertionError e) {
            replace("onSent", e);
        }
    }

    private void replace(String method, Throwable e) {
        replacements++;
        String failed = name;
        LogHandoff.submit(() -> LOG.error("scheduler {} threw from {}(); every flow now uses the built-in {} "
                + "scheduler", failed, method, fallbackName, e));
        delegate = fallback.get();
        name = fallbackName;
        flows.accept(flow -> flow.rejoin(this));
    }
}
