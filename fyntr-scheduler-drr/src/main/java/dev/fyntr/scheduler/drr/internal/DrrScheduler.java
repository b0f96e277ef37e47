package dev.fyntr.scheduler.drr.internal;

import dev.fyntr.api.spi.Flow;
import dev.fyntr.api.spi.QuantumTuner;
import dev.fyntr.api.spi.Scheduler;

/**
 * Deficit Round-Robin over chunks (Shreedhar and Varghese, 1995) with optional sparse-flow priority (DRR++ as
 * in Linux fq_codel). See {@link dev.fyntr.scheduler.drr.DrrSchedulerProvider} for the behaviour; this class
 * follows {@link Scheduler}'s contract: event-loop thread only, nothing thrown, O(1) amortised per call and no
 * allocation after a flow's first {@code onBacklogged}.
 *
 * <p>Two intrusive lists: {@code newFlows}, for flows that woke up and have not yet had their share of the current
 * round (only with sparse-flow priority), always served first; {@code oldFlows}, the ordinary round. A flow at the
 * head of a list gets credit when its visit starts and is returned by {@code next()} while its head chunk fits its
 * deficit; when it no longer fits, the visit ends and the flow goes to the tail of {@code oldFlows} with what is
 * left (less than that chunk). Leaving the eligible set resets the deficit to 0.
 *
 * <p><b>Sparse flows and rounds.</b> A round ends when a flow comes up for its second old-list visit since the
 * round began. In each round a flow is served at most its quantum in all (plus what it carried over, less than one
 * chunk): a visit's credit is the quantum minus what the flow already got this round. A flow that wakes with part
 * of that share left, and no more queued than that, goes to the new list and is served at once, however often it
 * wakes; one that has used its share, or arrives with more than it (a bulk upload), joins the ordinary round. So an interactive flow that speaks more often than once per round (a TLS
 * handshake's second flight, a request right after a response) keeps its priority as long as it stays light,
 * while pausing briefly can never earn a flow more than its share: fq_codel's intent, without its rule that
 * makes such a flow wait a whole round whenever it speaks again before its old-list position comes up.
 */
public final class DrrScheduler implements Scheduler {

    private final QuantumTuner tuner;
    /** Scales each flow's quantum, once per flow from its {@link Flow#info()}; {@code null}: every weight 1. */
    private final WeightRules weights;
    private final int defaultQuantum;
    private final boolean sparseFlowPriority;
    private final FlowList newFlows = new FlowList("new");
    private final FlowList oldFlows = new FlowList("old");
    /** Iterations of next()'s loop, for the O(1) test: they must stay proportional to decisions. */
    private long iterations;
    /** The current round (see the class comment). */
    private long round;

    /**
     * @param tuner              the quantum of a flow at the start of each visit
     * @param defaultQuantum     passed to the tuner for flows without samples
     * @param sparseFlowPriority serve flows waking up from idle first (DRR++)
     */
    public DrrScheduler(QuantumTuner tuner, int defaultQuantum, boolean sparseFlowPriority) {
        this(tuner, null, defaultQuantum, sparseFlowPriority);
    }

    /**
     * Weighted DRR: a flow's quantum is the tuner's times the weight of the first rule its {@link Flow#info()}
     * matches, decided when the scheduler first sees the flow (the info never changes).
     *
     * @param weights the rules, or {@code null} for plain DRR
     */
    public DrrScheduler(QuantumTuner tuner, WeightRules weights, int defaultQuantum, boolean sparseFlowPriority) {
        if (tuner == null) {
            throw new NullPointerException("tuner");
        }
        if (defaultQuantum < 1) {
            throw new IllegalArgumentException("defaultQuantum < 1: " + defaultQuantum);
        }
        this.tuner = tuner;
        this.weights = weights;
        this.defaultQuantum = defaultQuantum;
        this.sparseFlowPriority = sparseFlowPriority;
    }

    @Override
    public void onBacklogged(Flow flow) {
        FlowState s = stateOf(flow);
        if (s == null) {
            s = new FlowState(flow, this);
            if (weights != null) {
                s.weight = weights.weightOf(flow.info());
            }
            flow.schedulerState(s);
        }
        if (s.eligible || s.closed) {
            return;
        }
        s.eligible = true;
        boolean wasBlocked = s.blocked;
        s.blocked = false;
        // A flow whose upstream was full did not go quiet: it rejoins the round without priority. A flow that
        // wakes with more queued than its share left is not sparse either (a new upload arriving with a full queue
        // in a burst): the new list is for flows that will be done within their share.
        if (sparseFlowPriority && !wasBlocked && flow.queuedBytes() <= shareLeft(s)) {
            newFlows.addLast(s);
        } else {
            oldFlows.addLast(s);
        }
    }

    @Override
    public void onIdle(Flow flow) {
        FlowState s = stateOf(flow);
        if (s == null || !s.eligible) {
            return;
        }
        leave(s);
        if (s.list != null) {
            s.list.remove(s);
        }
    }

    @Override
    public void onBlocked(Flow flow) {
        FlowState s = stateOf(flow);
        if (s == null || !s.eligible) {
            return;
        }
        leave(s);
        s.blocked = true;
        if (s.list != null) {
            s.list.remove(s);
        }
    }

    @Override
    public void onClosed(Flow flow) {
        FlowState s = stateOf(flow);
        if (s == null) {
            return;
        }
        leave(s);
        s.closed = true;
        if (s.list != null) {
            s.list.remove(s);
        }
    }

    @Override
    public Flow next() {
        // Terminates: each pass drops a ghost or ends a visit, and a visit that ends adds at least one byte of
        // credit, so a flow's head chunk (at most 16 KiB) fits after a bounded number of rounds.
        while (true) {
            iterations++;
            FlowList list = newFlows.isEmpty() ? oldFlows : newFlows;
            FlowState s = list.head;
            if (s == null) {
                return null;
            }
            if (!s.visiting) {
                s.visiting = true;
                if (list == oldFlows) {
                    if (s.lastOldVisitRound == round) {
                        round++; // this flow's second old-list visit since the round began: a new round
                    }
                    s.lastOldVisitRound = round;
                }
                s.deficit += Math.max(0, shareLeft(s));
            }
            if (s.flow.headChunkBytes() <= s.deficit) {
                return s.flow;
            }
            s.visiting = false;
            list.remove(s);
            oldFlows.addLast(s);
        }
    }

    @Override
    public void onSent(Flow flow, int bytes) {
        FlowState s = stateOf(flow);
        if (s == null || bytes <= 0) {
            return;
        }
        // Never below 0: more bytes than the credit would be a transport bug, not a debt to carry.
        s.deficit = Math.max(0, s.deficit - bytes);
        countInCurrentRound(s);
        s.roundBytes += bytes;
    }

    /** What the flow may still be served in the current round: its quantum minus what it got this round. */
    private long shareLeft(FlowState s) {
        countInCurrentRound(s);
        long quantum = Math.max(1, tuner.quantumBytes(s.flow.chunkStats(), defaultQuantum));
        if (s.weight != 1.0) {
            quantum = Math.max(1, Math.round(quantum * s.weight));
        }
        return quantum - s.roundBytes;
    }

    /** Starts the flow's byte count afresh when a new round has begun since it was last served. */
    private void countInCurrentRound(FlowState s) {
        if (s.round != round) {
            s.round = round;
            s.roundBytes = 0;
        }
    }

    /** Loop iterations of {@link #next()} so far. */
    long iterations() {
        return iterations;
    }

    /** The flow's deficit, or -1 when this scheduler does not know it. */
    static long deficitOf(Flow flow) {
        Object state = flow.schedulerState();
        return state instanceof FlowState ? ((FlowState) state).deficit : -1;
    }

    /** The list the flow is in: "new", "old" or {@code null}. */
    static String listOf(Flow flow) {
        Object state = flow.schedulerState();
        return state instanceof FlowState && ((FlowState) state).list != null ? ((FlowState) state).list.name : null;
    }

    @Override
    public String toString() {
        return (weights == null ? "drr[" : "wdrr[" + weights + ", ") + (sparseFlowPriority ? "new=" + newFlows.size() + ", " : "") + "old=" + oldFlows.size()
                + ", tuner=" + tuner + "]";
    }

    private FlowState stateOf(Flow flow) {
        Object state = flow.schedulerState();
        return state instanceof FlowState && ((FlowState) state).owner == this ? (FlowState) state : null;
    }

    private static void leave(FlowState s) {
        s.eligible = false;
        s.deficit = 0;
        s.visiting = false;
    }
}
