package dev.fyntr.scheduler.testkit;

import dev.fyntr.api.spi.Flow;
import dev.fyntr.api.spi.FlowInfo;
import dev.fyntr.api.spi.Scheduler;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.LongFunction;

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
 *
 * <p><b>No livelock.</b> Every call the driver makes to the scheduler has a budget of reads of the flows'
 * {@link Flow} methods ({@link #readBudget()}): enough for a deficit scheduler that gives a visited flow as little as
 * one byte of credit, but a call that reads more (a {@code next()} that goes round the flows for ever because no
 * deficit grows) fails with an {@link AssertionError} thrown from the read, which names the call, the bound and the
 * flows the scheduler kept looking at. A scheduler that spins without reading any flow is not caught here; the
 * contract classes' {@code @Timeout} is the second line of defence for that. The driver's own loops are bounded by
 * their callers ({@link #drain(long)}'s {@code maxDecisions}), and every decision either writes a byte or takes the
 * flow out of the eligible set, so no sequence of decisions can loop for ever either.
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

    /**
     * Reads of flow methods allowed per visit in {@link #readBudget()}: a scheduler reads a flow's head chunk, its
     * state and maybe its statistics when it visits it; 16 leaves room for schedulers that read more.
     */
    static final int READS_PER_VISIT = 16;

    private final Scheduler scheduler;
    private final String label;
    private final List<TestFlow> flows = new ArrayList<>();
    private LongFunction<FlowInfo> flowInfos = id -> FlowInfo.unknown();
    private final List<Observer> observers = new ArrayList<>();
    private long decisions;
    private int eligibleCount;
    private int maxChunkBytes;

    // The scheduler call in progress, for the read budget: null between calls.
    private String call;
    /** The flow the call is about, or null. */
    private TestFlow callFlow;
    /** Numbers the calls, so that a flow can tell whether its read count belongs to the current call. */
    private long callNumber;
    private long reads;
    private long readBudget;
    private String lastRead;
    private TestFlow lastReadFlow;
    /** The budget failure of the current call, kept in case the scheduler swallows it. */
    private AssertionError overBudget;

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
        return newFlow(flowInfos.apply(flows.size() + 1L));
    }

    /**
     * What {@link #newFlow()} gives each new flow as its {@link dev.fyntr.api.spi.Flow#info()}, by flow id;
     * {@link FlowInfo#unknown()} for all unless set.
     *
     * @return this driver
     */
    public SchedulerDriver flowInfos(LongFunction<FlowInfo> byId) {
        this.flowInfos = java.util.Objects.requireNonNull(byId, "byId");
        return this;
    }

    /** A new flow whose {@link dev.fyntr.api.spi.Flow#info()} is {@code info}: for schedulers that weigh flows by it. */
    public TestFlow newFlow(FlowInfo info) {
        TestFlow flow = new TestFlow(flows.size() + 1L, this, java.util.Objects.requireNonNull(info, "info"));
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

    /**
     * How many times one scheduler call may read the flows' {@link Flow} methods, from the workload so far:
     * {@value #READS_PER_VISIT} reads per visit × (flows + 1) × (largest chunk + 2). A deficit scheduler in which
     * each visit that does not end in a decision gives the flow at least one byte of credit makes at most about
     * flows × largest chunk visits before some flow can afford its head chunk (twice that with per-round shares),
     * so a correct scheduler stays far below; one that spins reaches it within a fraction of a second.
     */
    public long readBudget() {
        return READS_PER_VISIT * (flows.size() + 1L) * (maxChunkBytes + 2L);
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
        begin("onClosed", flow);
        try {
            scheduler.onClosed(flow);
        } finally {
            end();
        }
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
        Flow chosen;
        begin("next()", null);
        try {
            chosen = scheduler.next();
        } finally {
            end();
        }
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
        begin("onSent", flow);
        try {
            scheduler.onSent(flow, bytes);
        } finally {
            end();
        }
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

    /**
     * Runs a call to the scheduler that the driver would not make (odd sequences) under the same read budget.
     *
     * @param what names the call in the failure message
     */
    void guarded(String what, Runnable schedulerCall) {
        begin(what, null);
        try {
            schedulerCall.run();
        } finally {
            end();
        }
    }

    /**
     * Counts one read of a {@link Flow} method made by the scheduler during a call; over the budget, fails the call
     * by throwing from the read. Reads outside calls (the driver's, the monitors') are not counted.
     */
    void read(TestFlow flow, String method) {
        if (call == null) {
            return;
        }
        if (flow.readCall != callNumber) {
            flow.readCall = callNumber;
            flow.readsInCall = 0;
        }
        flow.readsInCall++;
        lastRead = method;
        lastReadFlow = flow;
        if (++reads > readBudget) {
            if (overBudget == null) {
                overBudget = livelock();
            }
            throw overBudget;
        }
    }

    private void begin(String what, TestFlow about) {
        call = what;
        callFlow = about;
        callNumber++;
        reads = 0;
        readBudget = readBudget();
        lastRead = null;
        lastReadFlow = null;
        overBudget = null;
    }

    /** Ends the call; rethrows a budget failure that the scheduler caught and ignored. */
    private void end() {
        call = null;
        callFlow = null;
        AssertionError swallowed = overBudget;
        overBudget = null;
        if (swallowed != null) {
            throw swallowed;
        }
    }

    private AssertionError livelock() {
        StringBuilder looked = new StringBuilder();
        int listed = 0;
        int more = 0;
        for (TestFlow flow : flows) {
            if (flow.readCall != callNumber) {
                continue;
            }
            if (listed == 8) {
                more++;
                continue;
            }
            looked.append(listed++ == 0 ? "" : ", ").append(flow).append(" read ").append(flow.readsInCall)
                    .append(" times");
        }
        if (more > 0) {
            looked.append(" and ").append(more).append(" more");
        }
        String what = callFlow == null ? call : call + " for flow " + callFlow.id;
        return failure("livelock: " + what + " read the flows more than " + readBudget + " times without returning"
                + " (budget = " + READS_PER_VISIT + " reads per visit × (" + flows.size() + " flows + 1) × (largest"
                + " chunk " + maxChunkBytes + " B + 2), enough for a scheduler that gives a visited flow at least one"
                + " byte of credit); it kept reading: " + looked + "; the last read was " + lastRead + " of flow "
                + lastReadFlow.id + "; " + decisions + " decisions made before this call, eligible: "
                + eligibleFlows() + "; scheduler: " + scheduler);
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
        begin(eligible ? "onBacklogged" : flow.queuedChunks() == 0 ? "onIdle" : "onBlocked", flow);
        try {
            if (eligible) {
                scheduler.onBacklogged(flow);
            } else if (flow.queuedChunks() == 0) {
                scheduler.onIdle(flow);
            } else {
                scheduler.onBlocked(flow);
            }
        } finally {
            end();
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
