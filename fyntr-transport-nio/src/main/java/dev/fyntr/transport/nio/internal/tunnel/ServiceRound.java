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

/**
 * The loop's per-turn duty: lets the scheduler hand out this turn's upstream writes, up to
 * {@link #TURN_BUDGET_BYTES}, or fewer when the {@code --max-rate} bucket holds fewer tokens (the scheduler is
 * asked only while tokens remain). Event-loop thread only.
 */
public final class ServiceRound implements EventLoop.Duty {

    /**
     * Upstream bytes written per turn before the loop looks at its sockets again. It sets the trade between an
     * interactive flow's latency and bulk throughput: with 16 bulk uploads on loopback, 512 KiB gave a 64 B echo a
     * p50 of about 1.1 ms, 128 KiB about 0.5 ms for 6 % less throughput, 64 KiB about 0.35 ms for 15 % less. To
     * re-measure, change this constant and compare
     * {@code LoadTool interactive --fork --count 2000} and {@code LoadTool bulk --fork --seconds 4} (docs/benchmarks.md),
     * alternating the builds, median of 3.
     */
    public static final int TURN_BUDGET_BYTES = 128 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(ServiceRound.class);
    private static final RateLimitedLog SCHEDULER_BUGS = RateLimitedLog.warnings(LOG);
    private static final RateLimitedLog WRITE_FAILURES = RateLimitedLog.warnings(LOG);
    /** Passes per round at most; each pass writes bytes or takes a flow out of the eligible set. */
    private static final int MAX_PASSES = 1_000_000;

    private final Scheduler scheduler;
    private final String schedulerName;
    private final Shaping shaping;
    private final UploadShaper upload;
    private final Counters counters;

    public ServiceRound(ConnectionServices services, Shaping shaping) {
        this.scheduler = services.scheduler;
        this.schedulerName = services.schedulerName;
        this.shaping = shaping;
        this.upload = shaping.upload;
        this.counters = services.counters;
    }

    @Override
    public boolean workDue() {
        return upload.roundDue();
    }

    @Override
    public boolean doWork(long now) {
        shaping.onTurn(now, counters.bytesUpstream, counters.bytesDownstream);
        int allowance = upload.allowance(TURN_BUDGET_BYTES, now);
        int budget = allowance;
        RoundEnd end = RoundEnd.STOPPED;
        for (int pass = 0; pass < MAX_PASSES; pass++) {
            if (budget <= 0) {
                end = RoundEnd.BUDGET_SPENT;
                break;
            }
            Flow flow = scheduler.next(); // guarded: a scheduler that throws is replaced and this returns null
            if (flow == null) {
                end = RoundEnd.DRAINED;
                break;
            }
            if (!(flow instanceof ScheduledFlow upstream)) { // a tunnel's upload or a plain request's body
                String which = String.valueOf(flow);
                SCHEDULER_BUGS.warn(() -> "scheduler " + schedulerName + " returned a flow it was never given: " + which);
                break;
            }
            int cap = upload.writeCap(upstream.headChunkBytes(), budget);
            if (cap == 0) {
                scheduler.onSent(upstream, 0); // too few tokens for a useful write: it waits for the refill
                end = RoundEnd.STARVED;
                break;
            }
            try {
                budget -= upstream.writeHeadChunk(cap);
            } catch (RuntimeException e) {
                if (WRITE_FAILURES.admit()) {
                    String which = upstream.toString();
                    String note = WRITE_FAILURES.takeSuppressed();
                    LogHandoff.submit(() -> LOG.error("{}: failed while writing upstream; closing it{}", which, note, e));
                }
                upstream.reset("internal error: " + e);
            }
        }
        return upload.afterRound(allowance - budget, end, now);
    }
}
