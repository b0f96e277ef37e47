package dev.fyntr.scheduler.testkit;

import dev.fyntr.api.spi.Flow;
import dev.fyntr.api.spi.Scheduler;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Plays the transport's part against a {@link Scheduler}, deterministically and without sockets.
 *
 * <p>Each {@link TestFlow} has a queue of chunk sizes and an upstream that takes either any number of bytes or a
 * limited number ({@link #limitSocket}) before it is full. The driver reports every eligibility change to the
 * scheduler exactly once, following the life cycle documented on {@link Scheduler}; {@link #step()} asks for one
 * decision and writes the chosen flow's head chunk (partly, when the socket fills up).
 *
 * <p>Every decision is checked: {@code next()} must not return {@code null} while a flow is eligible (work
 * conservation) and must not return a flow that is idle, blocked, closed or unknown. A violation throws an
 * {@link AssertionError} whose message starts with the label given at construction (e.g. the seed).
 */
public final class SchedulerDriver {

    /** Hooks for the contract's monitors; called after the scheduler was told. */
    interface Observer {
        /** The flow became eligible ({@code true}) or left the eligible set. */
        default void eligibilityChanged(TestFlow flow, boolean eligible) {
        }

        /** {@code next()} returned this (valid) flow; nothing is written yet. */
        default void chosen(TestFlow flow) {
        }

        /** The bytes written for the chosen flow, reported before any resulting idle/blocked change. */
        default void served(TestFlow flow, int bytes) {
        }

        /** The decision and all transitions it caused are done. */
        default void afterStep() {
        }
    }

    private final Scheduler scheduler;
    private final String label;
    private final List<TestFlow> flows = new ArrayList<>();
    private final List<Observer> observers = new ArrayList<>();
    private long decisions;
    private int eligibleCount;
    private int maxChunkBytes;

    /** A driver for the scheduler, with no label in failure messages. */
    public SchedulerDriver(Scheduler scheduler) {
        this(scheduler, "");
    }

    /**
     * @param scheduler the scheduler under test; the driver becomes its only caller
     * @param label     prefix of failure messages, e.g. {@code "seed 42"}
     */
    public SchedulerDriver(Scheduler scheduler, String label) {
        if (scheduler == null) {
            throw new NullPointerException("scheduler");
        }
        this.scheduler = scheduler;
        this.label = label == null || label.isEmpty() ? "" : label + ": ";
    }

    /** The scheduler, for calls the driver would not make (odd sequences). */
    public Scheduler scheduler() {
        return scheduler;
    }

    /** A new flow with an empty queue and a writable upstream; ids are 1, 2, 3 … in creation order. */
    public TestFlow newFlow() {
        TestFlow flow = new TestFlow(flows.size() + 1L);
        flows.add(flow);
        return flow;
    }

    /** Every flow created so far, in creation order. */
    public List<TestFlow> flows() {
        return Collections.unmodifiableList(flows);
    }

    /** The flows that are eligible now. */
    public List<TestFlow> eligibleFlows() {
        List<TestFlow> result = new ArrayList<>();
        for (TestFlow flow : flows) {
            if (flow.eligible) {
                result.add(flow);
            }
        }
        return result;
    }

    /** Decisions that named a flow so far. */
    public long decisions() {
        return decisions;
    }

    /** The largest chunk enqueued so far. */
    public int maxChunkBytes() {
        return maxChunkBytes;
    }

    /** Queues chunks for a flow; tells the scheduler {@code onBacklogged} if that makes the flow eligible. */
    public void enqueue(TestFlow flow, int... chunkBytes) {
        requireOpen(flow);
        for (int bytes : chunkBytes) {
            flow.enqueue(bytes);
            maxChunkBytes = Math.max(maxChunkBytes, bytes);
        }
        settle(flow);
    }

    /**
     * From now on the flow's upstream takes only {@code bytes} more bytes; the write that fills it is partial if
     * needed and the flow is then blocked ({@code onBlocked}). With {@code 0} the next write writes nothing.
     */
    public void limitSocket(TestFlow flow, long bytes) {
        requireOpen(flow);
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes < 0: " + bytes);
        }
        flow.socketRoom = bytes;
    }

    /** The flow's upstream is writable again, without limit; {@code onBacklogged} if chunks are queued. */
    public void unblock(TestFlow flow) {
        requireOpen(flow);
        flow.writable = true;
        flow.socketRoom = Long.MAX_VALUE;
        settle(flow);
    }

    /** Closes the flow: {@code onClosed}, whatever its state. The flow is never used again. */
    public void close(TestFlow flow) {
        requireOpen(flow);
        flow.closed = true;
        if (flow.eligible) {
            flow.eligible = false;
            eligibleCount--;
            for (Observer observer : observers) {
                observer.eligibilityChanged(flow, false);
            }
        }
        scheduler.onClosed(flow);
    }

    /**
     * One decision: asks {@code next()}, checks the answer, writes the head chunk (or what the socket takes),
     * reports {@code onSent} and then {@code onIdle} or {@code onBlocked} if the write caused it.
     *
     * @return the flow written for, or {@code null} when {@code next()} returned {@code null} (and no flow was
     *         eligible, else this throws)
     * @throws AssertionError if the scheduler broke work conservation or named a flow that is not eligible
     */
    public TestFlow step() {
        Flow chosen = scheduler.next();
        if (chosen == null) {
            if (eligibleCount > 0) {
                throw failure("work conservation: next() returned null while " + eligibleFlows()
                        + " were eligible (after " + decisions + " decisions)");
            }
            return null;
        }
        TestFlow flow = own(chosen);
        if (!flow.eligible) {
            throw failure("next() returned " + flow + ", which is not eligible (decision " + (decisions + 1) + ")");
        }
        decisions++;
        for (Observer observer : observers) {
            observer.chosen(flow);
        }
        int bytes = flow.write(flow.socketRoom);
        if (flow.socketRoom != Long.MAX_VALUE) {
            flow.socketRoom -= bytes;
            if (flow.socketRoom == 0) {
                flow.writable = false;
            }
        }
        scheduler.onSent(flow, bytes);
        for (Observer observer : observers) {
            observer.served(flow, bytes);
        }
        settle(flow);
        for (Observer observer : observers) {
            observer.afterStep();
        }
        return flow;
    }

    /**
     * Steps until {@code next()} returns {@code null}.
     *
     * @return the number of decisions made
     * @throws AssertionError if that takes more than {@code maxDecisions}
     */
    public long drain(long maxDecisions) {
        for (long made = 0; made <= maxDecisions; made++) {
            if (step() == null) {
                return made;
            }
        }
        throw failure("still serving after " + maxDecisions + " decisions; eligible: " + eligibleFlows());
    }

    /** An assertion failure whose message starts with this driver's label. */
    AssertionError failure(String message) {
        return new AssertionError(label + message);
    }

    void addObserver(Observer observer) {
        observers.add(observer);
    }

    /** Tells the scheduler about the flow's eligibility if it changed. */
    private void settle(TestFlow flow) {
        boolean eligible = !flow.closed && flow.writable && flow.queuedChunks() > 0;
        if (eligible == flow.eligible) {
            return;
        }
        flow.eligible = eligible;
        eligibleCount += eligible ? 1 : -1;
        for (Observer observer : observers) {
            observer.eligibilityChanged(flow, eligible);
        }
        if (eligible) {
            scheduler.onBacklogged(flow);
        } else if (flow.queuedChunks() == 0) {
            scheduler.onIdle(flow);
        } else {
            scheduler.onBlocked(flow);
        }
    }

    private TestFlow own(Flow flow) {
        if (flow instanceof TestFlow) {
            TestFlow test = (TestFlow) flow;
            int index = (int) (test.id() - 1);
            if (index >= 0 && index < flows.size() && flows.get(index) == test) {
                return test;
            }
        }
        throw failure("next() returned " + flow + ", a flow this driver never gave to the scheduler");
    }

    private void requireOpen(TestFlow flow) {
        if (flow.closed) {
            throw new IllegalStateException(flow + " is closed");
        }
    }
}
