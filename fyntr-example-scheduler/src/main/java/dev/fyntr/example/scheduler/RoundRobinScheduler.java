package dev.fyntr.example.scheduler;

import dev.fyntr.api.spi.Flow;
import dev.fyntr.api.spi.Scheduler;

import java.util.ArrayDeque;

/** One chunk per eligible flow per turn. Flows that leave stay in the ring until they reach its head. */
final class RoundRobinScheduler implements Scheduler {

    /** Per-flow state, kept in {@link Flow#schedulerState()}. */
    private static final class Slot {
        boolean inRing;
        boolean eligible;
    }

    private final ArrayDeque<Flow> ring = new ArrayDeque<>();

    @Override
    public void onBacklogged(Flow flow) {
        if (!(flow.schedulerState() instanceof Slot)) {
            flow.schedulerState(new Slot());
        }
        Slot slot = (Slot) flow.schedulerState();
        slot.eligible = true;
        if (!slot.inRing) { // back before its stale entry was dropped: it keeps that place
            slot.inRing = true;
            ring.addLast(flow);
        }
    }

    @Override
    public void onIdle(Flow flow) {
        leave(flow);
    }

    @Override
    public void onBlocked(Flow flow) {
        leave(flow);
    }

    @Override
    public void onClosed(Flow flow) {
        leave(flow);
    }

    @Override
    public Flow next() {
        // Entries of flows that left are dropped here, not in leave(): O(1) amortised instead of O(n) removal.
        for (Flow head = ring.peekFirst(); head != null; head = ring.peekFirst()) {
            Slot slot = (Slot) head.schedulerState();
            if (slot.eligible) {
                return head;
            }
            ring.pollFirst();
            slot.inRing = false;
        }
        return null;
    }

    @Override
    public void onSent(Flow flow, int bytes) {
        if (ring.peekFirst() == flow) {
            ring.addLast(ring.pollFirst()); // its turn is over
        }
    }

    private static void leave(Flow flow) {
        if (flow.schedulerState() instanceof Slot) {
            ((Slot) flow.schedulerState()).eligible = false;
        }
    }
}
