package dev.fyntr.bench.sim;

import dev.fyntr.api.spi.Flow;
import dev.fyntr.api.spi.Scheduler;

import java.util.ArrayDeque;

/**
 * A model of the original Rust Fyntr's scheduler, for comparison only: a timer ticks every 5 ms; each tick
 * credits <em>every</em> known flow one quantum (idle flows too: the deficit is never reset, so it can grow
 * without bound); a flow whose credit covers its head chunk is granted one chunk for that tick, and grants
 * are written in the order they were made. At most one chunk per flow per tick, so a flow can never exceed
 * quantum / tick (8 KiB / 5 ms ≈ 1.6 MB/s) even on an idle link: the model is not work-conserving.
 *
 * <p>Credit is accounted lazily (ticks elapsed since the flow's last send × quantum), so a tick costs time
 * only for the flows that are waiting for a grant, not for every flow.
 */
public final class ReferenceTickScheduler implements Scheduler, VirtualTimeDriven, DeficitProbe {

    /** The reference's tick. */
    public static final long TICK_NANOS = 5_000_000L;

    private static final class Node {
        final Flow flow;
        long baseCredit;   // credit at tick baseTick
        long baseTick;
        boolean eligible;
        boolean waiting;   // eligible, no grant yet
        boolean inWaiting; // sits in the waiting list (possibly stale)
        boolean granted;   // holds a grant for the current or an earlier tick
        boolean inGrants;  // sits in the grant queue (possibly stale)
        boolean known = true;

        Node(Flow flow, long tick) {
            this.flow = flow;
            this.baseTick = tick;
        }

        long credit(long tick, int quantum) {
            return baseCredit + (tick - baseTick) * quantum;
        }
    }

    private final int quantum;
    private final ArrayDeque<Node> waiting = new ArrayDeque<>();
    private final ArrayDeque<Node> grants = new ArrayDeque<>();
    private long ticks;            // ticks elapsed so far
    private long nextTickNanos;    // the first tick is at t = 0
    private long maxDeficit;

    /** A model with the given quantum (the reference used 8 KiB). */
    public ReferenceTickScheduler(int quantumBytes) {
        if (quantumBytes < 1) {
            throw new IllegalArgumentException("quantumBytes < 1: " + quantumBytes);
        }
        this.quantum = quantumBytes;
    }

    @Override
    public void advanceTo(long nowNanos) {
        if (nowNanos < nextTickNanos) {
            return;
        }
        // Every tick that passed credited every flow; one grant per flow covers all of them.
        long passed = (nowNanos - nextTickNanos) / TICK_NANOS + 1;
        ticks += passed;
        nextTickNanos += passed * TICK_NANOS;
        for (int i = waiting.size(); i > 0; i--) {
            Node node = waiting.pollFirst();
            node.inWaiting = false;
            if (!node.waiting) {
                continue;
            }
            if (node.credit(ticks, quantum) >= node.flow.headChunkBytes()) {
                node.waiting = false;
                node.granted = true;
                if (!node.inGrants) {
                    node.inGrants = true;
                    grants.addLast(node);
                }
            } else {
                enqueueWaiting(node);
            }
        }
    }

    private void enqueueWaiting(Node node) {
        node.waiting = true;
        if (!node.inWaiting) {
            node.inWaiting = true;
            waiting.addLast(node);
        }
    }

    @Override
    public long nextWakeupNanos() {
        return nextTickNanos;
    }

    @Override
    public void onBacklogged(Flow flow) {
        Node node;
        if (flow.schedulerState() instanceof Node n) {
            node = n;
        } else {
            node = new Node(flow, ticks);
            flow.schedulerState(node);
        }
        if (!node.known || node.eligible) {
            return;
        }
        node.eligible = true;
        if (!node.granted) {
            enqueueWaiting(node);
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
        if (flow.schedulerState() instanceof Node node) {
            node.known = false;
            node.eligible = false;
            node.waiting = false;
            node.granted = false;
            flow.schedulerState(null);
        }
    }

    private static void leave(Flow flow) {
        // The credit stays: the reference never resets it. Stale list entries are skipped lazily.
        if (flow.schedulerState() instanceof Node node) {
            node.eligible = false;
            node.waiting = false;
            node.granted = false;
        }
    }

    @Override
    public Flow next() {
        for (Node node = grants.peekFirst(); node != null; node = grants.peekFirst()) {
            if (node.granted && node.eligible) {
                return node.flow;
            }
            grants.pollFirst();
            node.inGrants = false;
        }
        return null;
    }

    @Override
    public void onSent(Flow flow, int bytes) {
        if (!(flow.schedulerState() instanceof Node node) || !node.granted) {
            return;
        }
        long credit = node.credit(ticks, quantum);
        maxDeficit = Math.max(maxDeficit, credit);
        node.baseCredit = credit - bytes;
        node.baseTick = ticks;
        if (bytes == 0) {
            return; // nothing written: the grant stands
        }
        // One chunk per tick: the grant is used up; wait for the next tick.
        node.granted = false;
        if (grants.peekFirst() == node) {
            grants.pollFirst();
            node.inGrants = false;
        }
        if (node.eligible) {
            enqueueWaiting(node);
        }
    }

    @Override
    public long maxDeficitBytes() {
        return maxDeficit;
    }

    @Override
    public String toString() {
        return "reference-tick(" + quantum + " B / 5 ms)";
    }
}
