package dev.fyntr.scheduler.drr.internal;

import dev.fyntr.api.spi.Flow;
import dev.fyntr.api.spi.QuantumTuner;
import dev.fyntr.api.spi.Scheduler;
import dev.fyntr.api.spi.SchedulerConfig;

import java.util.ArrayDeque;
import java.util.OptionalLong;

/**
 * A deliberately simple plain DRR (an {@link ArrayDeque} round, O(n) removal) with at most one planted bug, to
 * show that the contract kit rejects each bug and accepts the version without one.
 */
final class FaultyScheduler implements Scheduler {

    enum Fault {
        /** No bug: a second, independent DRR that the kit must accept. */
        NONE,
        /** Keeps the deficit when a flow leaves the round (the reference implementation's bug). */
        BANKS_CREDIT,
        /** Refills the head flow's quantum in place instead of sending it to the tail of the round. */
        STARVES,
        /** Ignores onClosed, so a closed flow stays in the round. */
        SERVES_CLOSED,
        /** Returns null when the head flow cannot afford its chunk instead of moving on. */
        GIVES_UP,
        /**
         * Never adds the quantum when a visit starts, so no deficit ever grows: next() goes round and round the
         * flows, none of which can afford its chunk, and never returns (a livelock, not a wrong answer).
         */
        NEVER_CREDITS,
    }

    private static final class State {
        long deficit;
        boolean queued;
        boolean visiting;
    }

    private final Fault fault;
    private final QuantumTuner tuner;
    private final int defaultQuantum;
    private final ArrayDeque<Flow> round = new ArrayDeque<>();

    FaultyScheduler(Fault fault, SchedulerConfig config) {
        this.fault = fault;
        this.tuner = config.quantumTuner().orElse(QuantumTuner.fixed(config.defaultQuantumBytes()));
        this.defaultQuantum = config.defaultQuantumBytes();
    }

    static OptionalLong deficitOf(Flow flow) {
        return flow.schedulerState() instanceof State
                ? OptionalLong.of(((State) flow.schedulerState()).deficit) : OptionalLong.empty();
    }

    @Override
    public void onBacklogged(Flow flow) {
        if (!(flow.schedulerState() instanceof State)) {
            flow.schedulerState(new State());
        }
        State s = (State) flow.schedulerState();
        if (!s.queued) {
            s.queued = true;
            round.addLast(flow);
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
        if (fault != Fault.SERVES_CLOSED) {
            leave(flow);
        }
    }

    @Override
    public Flow next() {
        while (true) {
            Flow head = round.peekFirst();
            if (head == null) {
                return null;
            }
            State s = (State) head.schedulerState();
            if (!s.visiting) {
                s.visiting = true;
                if (fault != Fault.NEVER_CREDITS) {
                    s.deficit += tuner.quantumBytes(head.chunkStats(), defaultQuantum);
                }
            }
            if (head.headChunkBytes() <= s.deficit) {
                return head;
            }
            if (fault == Fault.GIVES_UP) {
                return null;
            }
            s.visiting = false;
            if (fault != Fault.STARVES) {
                round.addLast(round.pollFirst());
            }
        }
    }

    @Override
    public void onSent(Flow flow, int bytes) {
        if (flow.schedulerState() instanceof State) {
            State s = (State) flow.schedulerState();
            s.deficit = Math.max(0, s.deficit - bytes);
        }
    }

    private void leave(Flow flow) {
        if (!(flow.schedulerState() instanceof State)) {
            return;
        }
        State s = (State) flow.schedulerState();
        if (s.queued) {
            round.remove(flow);
            s.queued = false;
        }
        s.visiting = false;
        if (fault != Fault.BANKS_CREDIT) {
            s.deficit = 0;
        }
    }
}
