package dev.fyntr.transport.nio.internal.tunnel;

import dev.fyntr.api.spi.Flow;
import dev.fyntr.api.spi.Scheduler;
import dev.fyntr.transport.nio.internal.forward.ScheduledFlow;
import dev.fyntr.transport.nio.internal.loop.EventLoop;
import dev.fyntr.transport.nio.internal.net.LogHandoff;
import dev.fyntr.transport.nio.internal.net.RateLimitedLog;
import dev.fyntr.transport.nio.internal.shaping.Shaping;
import dev.fyntr.transport.nio.internal.shaping.UploadShaper;
import dev.fyntr.transport.nio.internal.shaping.UploadShaper.RoundEnd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;

/**
 * The loop's per-turn duty: lets the scheduler hand out this turn's upstream bytes, up to
 * {@link #TURN_BUDGET_BYTES}, or fewer when the {@code --max-rate} bucket holds fewer tokens (the scheduler is
 * asked only while tokens remain). Event-loop thread only.
 *
 * <p>A round has two phases. First the scheduler decides, chunk by chunk as ever, and each chunk it grants is
 * <em>staged</em> in its flow ({@link ScheduledFlow#stage}: a tunnel's upload or a plain request's body). Then each
 * flow that got chunks writes them all with one gathering write ({@link ScheduledFlow#flushStaged}): a flow's whole share costs one system call instead of one per
 * 16 KiB chunk, which on loopback is most of the relay's cost (docs/benchmarks.md, "Where the time goes").
 *
 * <p>A large round must not make an interactive flow wait for all of it: between two flows' writes the round
 * polls the sockets ({@code pollReady}, a {@code selectNow}); if that made an interactive (sparse) flow eligible,
 * the scheduler is asked again at once, from a small reserve kept out of the round's budget, and what it grants
 * is written before the next bulk flow's write. So a sparse flow waits for at most one bulk write.
 */
public final class ServiceRound implements EventLoop.Duty {

    /**
     * Upstream bytes granted per turn before the loop looks at its sockets again. Larger rounds mean fewer, larger
     * writes (each flow writes its share at once); the latency cost for interactive flows is bounded by polling
     * between writes. To re-measure, change this constant and compare {@code LoadTool interactive --fork} and
     * {@code LoadTool bulk --fork} (docs/benchmarks.md), alternating the builds, median of 3.
     */
    public static final int TURN_BUDGET_BYTES = 1024 * 1024;

    /** Kept out of each round's budget for sparse flows that wake up while the round writes. */
    static final int SPARSE_RESERVE_BYTES = 64 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(ServiceRound.class);
    private static final RateLimitedLog SCHEDULER_BUGS = RateLimitedLog.warnings(LOG);
    private static final RateLimitedLog WRITE_FAILURES = RateLimitedLog.warnings(LOG);
    /** Passes per staging phase at most; each pass grants bytes or takes a flow out of the eligible set. */
    private static final int MAX_PASSES = 1_000_000;

    private final Scheduler scheduler;
    private final String schedulerName;
    private final Shaping shaping;
    private final UploadShaper upload;
    private final Counters counters;
    private final Runnable pollReady;
    /** Flows with staged chunks, in the order the scheduler first granted them; reused every round. */
    private final ArrayList<ScheduledFlow> toWrite = new ArrayList<>(64);
    /** The same for sparse flows served between two writes. */
    private final ArrayList<ScheduledFlow> urgent = new ArrayList<>(8);
    /** Bytes granted by the last {@link #stage} call. */
    private int granted;
    /** What is left of this round's reserve for sparse flows. */
    private int reserveLeft;

    /**
     * @param pollReady handles whatever sockets are ready now without waiting (the loop's {@code selectNow});
     *                  run between two flows' writes. Loop thread only; must not block.
     */
    public ServiceRound(ConnectionServices services, Shaping shaping, Runnable pollReady) {
        this.scheduler = services.scheduler;
        this.schedulerName = services.schedulerName;
        this.shaping = shaping;
        this.upload = shaping.upload;
        this.counters = services.counters;
        this.pollReady = pollReady;
    }

    @Override
    public boolean workDue() {
        return upload.roundDue();
    }

    @Override
    public boolean doWork(long now) {
        shaping.onTurn(now, counters.bytesUpstream, counters.bytesDownstream);
        int allowance = upload.allowance(TURN_BUDGET_BYTES, now);
        reserveLeft = allowance >= 4 * SPARSE_RESERVE_BYTES ? SPARSE_RESERVE_BYTES : 0;
        RoundEnd end = stage(allowance - reserveLeft, toWrite, false);
        long backlogBefore = counters.flowsBacklogged;
        long written = write(toWrite, true);
        // Reads between the writes may have made flows eligible after the scheduler said it had none left.
        boolean newBacklog = counters.flowsBacklogged != backlogBefore;
        return upload.afterRound((int) Math.min(Integer.MAX_VALUE, written), end, now) || newBacklog;
    }

    /**
     * Asks the scheduler for chunks until {@code budget} bytes are granted or it has none left, and lists each
     * flow that got some in {@code into}. With {@code sparseOnly}, stops at the first flow already listed for this
     * round: the point is to serve flows that just woke up, not to give bulk flows more.
     */
    private RoundEnd stage(int budget, ArrayList<ScheduledFlow> into, boolean sparseOnly) {
        granted = 0;
        for (int pass = 0; pass < MAX_PASSES; pass++) {
            if (budget - granted <= 0) {
                return RoundEnd.BUDGET_SPENT;
            }
            Flow flow = scheduler.next(); // guarded: a scheduler that throws is replaced and this returns null
            if (flow == null) {
                return RoundEnd.DRAINED;
            }
            if (!(flow instanceof ScheduledFlow upstream)) { // a tunnel's upload or a plain request's body
                String which = String.valueOf(flow);
                SCHEDULER_BUGS.warn(() -> "scheduler " + schedulerName + " returned a flow it was never given: " + which);
                return RoundEnd.STOPPED;
            }
            if (sparseOnly && upstream.listedForWrite()) {
                scheduler.onSent(upstream, 0); // its turn comes with the round's own writes
                return RoundEnd.STOPPED;
            }
            int cap = upload.writeCap(upstream.headChunkBytes(), budget - granted);
            if (cap == 0) {
                scheduler.onSent(upstream, 0); // too few tokens for a useful write: it waits for the refill
                return RoundEnd.STARVED;
            }
            int n;
            try {
                n = upstream.stage(cap);
            } catch (RuntimeException e) {
                fail(upstream, e);
                continue;
            }
            if (n == 0) {
                return RoundEnd.STOPPED; // it could not take more this round (a capped chunk is staged)
            }
            granted += n;
            if (upstream.listForWrite()) {
                into.add(upstream);
            }
        }
        return RoundEnd.STOPPED;
    }

    /**
     * Writes each listed flow's staged chunks; with {@code servingSparse}, serves woken sparse flows between two
     * writes. Every listed flow is written (or reset) whatever happens, so none keeps staged chunks.
     */
    private long write(ArrayList<ScheduledFlow> flows, boolean servingSparse) {
        long written = 0;
        int i = 0;
        try {
            for (; i < flows.size(); i++) {
                written += flush(flows.get(i));
                if (servingSparse && i + 1 < flows.size()) {
                    written += serveWokenSparseFlows();
                }
            }
        } finally {
            for (i++; i < flows.size(); i++) { // only after an Error: nothing may be left staged
                flush(flows.get(i));
            }
            flows.clear();
        }
        return written;
    }

    /** Polls the sockets; if a sparse flow became eligible, grants and writes it now, from the reserve. */
    private long serveWokenSparseFlows() {
        long wakeups = counters.sparseWakeups;
        pollReady.run();
        if (counters.sparseWakeups == wakeups || reserveLeft <= 0) {
            return 0;
        }
        stage(reserveLeft, urgent, true);
        reserveLeft -= granted;
        return write(urgent, false);
    }

    private long flush(ScheduledFlow flow) {
        try {
            return flow.flushStaged();
        } catch (RuntimeException e) {
            fail(flow, e);
            return 0;
        }
    }

    private void fail(ScheduledFlow flow, RuntimeException e) {
        if (WRITE_FAILURES.admit()) {
            String which = flow.toString();
            String note = WRITE_FAILURES.takeSuppressed();
            LogHandoff.submit(() -> LOG.error("{}: failed while writing upstream; closing it{}", which, note, e));
        }
        flow.reset("internal error: " + e);
    }
}
