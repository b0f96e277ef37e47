package dev.fyntr.bench.sim;

import dev.fyntr.api.spi.Flow;
import dev.fyntr.api.spi.Scheduler;

import java.util.ArrayDeque;

/** Test-only: one chunk per flow per turn, in order of arrival. Its answers are easy to work out by hand. */
final class RoundRobinScheduler implements Scheduler {

    private final ArrayDeque<Flow> ring = new ArrayDeque<>();

    @Override
    public void onBacklogged(Flow flow) {
        if (!ring.contains(flow)) {
            ring.addLast(flow);
        }
    }

    @Override
    public void onIdle(Flow flow) {
        ring.remove(flow);
    }

    @Override
    public void onBlocked(Flow flow) {
        ring.remove(flow);
    }

    @Override
    public void onClosed(Flow flow) {
        ring.remove(flow);
    }

    @Override
    public Flow next() {
        return ring.peekFirst();
    }

    @Override
    public void onSent(Flow flow, int bytes) {
        if (ring.peekFirst() == flow && flow.headChunkBytes() > 0) {
            ring.addLast(ring.pollFirst());
        }
    }
}
