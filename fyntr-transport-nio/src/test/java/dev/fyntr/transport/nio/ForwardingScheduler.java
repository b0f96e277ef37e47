package dev.fyntr.transport.nio;

import dev.fyntr.api.spi.Flow;
import dev.fyntr.api.spi.Scheduler;

/**
 * A scheduler that hands every call to another one (the built-in DRR, in the tests): a test overrides the calls it
 * watches, disturbs or fails, and calls {@code super} to keep the scheduling real.
 */
class ForwardingScheduler implements Scheduler {

    final Scheduler inner;

    ForwardingScheduler(Scheduler inner) {
        this.inner = inner;
    }

    @Override
    public void onBacklogged(Flow flow) {
        inner.onBacklogged(flow);
    }

    @Override
    public void onIdle(Flow flow) {
        inner.onIdle(flow);
    }

    @Override
    public void onBlocked(Flow flow) {
        inner.onBlocked(flow);
    }

    @Override
    public void onClosed(Flow flow) {
        inner.onClosed(flow);
    }

    @Override
    public Flow next() {
        return inner.next();
    }

    @Override
    public void onSent(Flow flow, int bytes) {
        inner.onSent(flow, bytes);
    }
}
