package dev.fyntr.scheduler.drr.internal;

import dev.fyntr.api.spi.Flow;

/**
 * DRR's bookkeeping for one flow, kept in {@link Flow#schedulerState()} so that no map is needed. It is also the
 * node of an intrusive doubly linked list, so that joining and leaving a list allocate nothing and cost O(1).
 */
final class FlowState {

    final Flow flow;
    /** The scheduler this state belongs to, so that a state left by another instance is not mistaken for ours. */
    final DrrScheduler owner;

    FlowState prev;
    FlowState next;
    /** The list this node is in, {@code null} when in none. */
    FlowList list;

    /** Its quantum's multiplier (weighted DRR), fixed when the state is created. */
    double weight = 1.0;
    /** Bytes the flow may still send in the current visit; 0 whenever it is not eligible. */
    long deficit;
    /** The round {@link #roundBytes} counts for. */
    long round = -1;
    /** Bytes served in {@link #round}, from either list: a flow gets at most a quantum per round. */
    long roundBytes;
    /** The round of the flow's last visit in the old list; a second visit in one round means the round is over. */
    long lastOldVisitRound = -1;
    /** Whether the quantum of the current visit was already added. */
    boolean visiting;
    boolean eligible;
    /** It left through onBlocked: it did not go quiet, so it comes back to the old list. */
    boolean blocked;
    boolean closed;

    FlowState(Flow flow, DrrScheduler owner) {
        this.flow = flow;
        this.owner = owner;
    }

    @Override
    public String toString() {
        return "flow " + flow.id() + "[deficit=" + deficit + (eligible ? "" : closed ? ", closed" : ", out")
                + (list == null ? "" : ", " + list.name) + "]";
    }
}
