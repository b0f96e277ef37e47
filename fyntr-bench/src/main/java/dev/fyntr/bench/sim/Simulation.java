package dev.fyntr.bench.sim;

import dev.fyntr.api.spi.ChunkStats;
import dev.fyntr.api.spi.Flow;
import dev.fyntr.api.spi.Scheduler;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Replays a {@link Workload} against one {@link Scheduler} in virtual time, driving the scheduler exactly as
 * the transport does: {@code onBacklogged} when a flow gets a chunk, then per decision {@code next()}, a
 * write of the head chunk, {@code onSent(flow, bytes)}, and {@code onIdle} when its queue empties
 * ({@code onClosed} when a bulk upload ends). The link is the only bottleneck: a chunk of {@code b} bytes
 * occupies it for {@code b / C} ticks, then the next decision is taken.
 *
 * <p>Two modes. {@link #burst} runs the workload to its end and records the metrics of {@link SimResult}.
 * {@link #steadyState} makes bulk uploads endless and records nothing, so that {@link #step()} — one
 * decision and the harness's bookkeeping — allocates nothing and can be timed by JMH.
 *
 * <p>Not thread-safe; one simulation per thread.
 */
public final class Simulation {

    private static final long NEVER = Long.MAX_VALUE;
    // A loose upper bound on decisions per call of step(), against schedulers that loop.
    private static final int MAX_SPINS = 1_000_000;

    private final Workload workload;
    private final Scheduler scheduler;
    private final String label;
    private final VirtualTimeDriven timed;
    private final boolean record;
    private final SimFlow[] bulk;
    private final SimFlow[] sparse;
    private final double sparseSizeSpan;

    // Sparse flows waiting for their next request, as a binary min-heap on nextArrivalNanos.
    private final SimFlow[] heap;
    private int heapSize;

    private long now;
    private int eligible;
    private int bulkActive;
    private long decisions;
    private long bytesWritten;
    private long bytesAtLastBulkDone;

    // Recording (burst mode only).
    private final long windowStepNanos;
    private long nextSnapshotNanos;
    private long[][] snapshots = new long[16][];
    private int snapshotCount;
    private long[] firstDoneShares;
    private long[] sparseDelays = new long[1024];
    private int sparseDelayCount;

    private Simulation(Workload workload, Scheduler scheduler, String label, boolean record) {
        this.workload = workload;
        this.scheduler = scheduler;
        this.label = label;
        this.timed = scheduler instanceof VirtualTimeDriven t ? t : null;
        this.record = record;
        int nBulk = workload.bulkFlows();
        this.bulk = new SimFlow[nBulk];
        this.sparse = new SimFlow[workload.flows() - nBulk];
        this.heap = new SimFlow[sparse.length];
        this.sparseSizeSpan = workload.sparseMaxBytes() - workload.sparseMinBytes() + 1;
        this.windowStepNanos = Math.max(1, workload.transmitNanos(
                (long) Math.max(1, nBulk) * ChunkStats.MAX_CHUNK_BYTES) * 5); // five rounds
        long upload = record ? workload.bulkUploadBytes() : Long.MAX_VALUE;
        int b = 0;
        int s = 0;
        for (int i = 0; i < workload.flows(); i++) {
            boolean isSparse = workload.isSparse(i);
            SimFlow flow = new SimFlow(i, !isSparse);
            if (isSparse) {
                flow.random = new SplittableRandom(workload.seed() * 0x9E3779B97F4A7C15L + i);
                flow.nextArrivalNanos = (long) (flow.random.nextDouble() * workload.sparseFirstNanos());
                sparse[s++] = flow;
                heapPush(flow);
            } else {
                bulk[b++] = flow;
            }
        }
        // The burst: every bulk flow arrives at t = 0 with its queue full.
        for (SimFlow flow : bulk) {
            flow.startUpload(upload);
            flow.eligible = true;
            eligible++;
            bulkActive++;
            scheduler.onBacklogged(flow);
        }
    }

    /** A simulation that runs the workload's burst to its end; call {@link #run()}. */
    public static Simulation burst(Workload workload, Scheduler scheduler, String label) {
        if (workload.bulkUploadBytes() == Long.MAX_VALUE) {
            throw new IllegalArgumentException("a burst needs a finite bulkUploadBytes");
        }
        return new Simulation(workload, scheduler, label, true);
    }

    /** A simulation with endless bulk uploads, for timing {@link #step()}. */
    public static Simulation steadyState(Workload workload, Scheduler scheduler) {
        return new Simulation(workload, scheduler, String.valueOf(scheduler), false);
    }

    /** Runs {@link #burst} mode to the end and returns what was measured. */
    public SimResult run() {
        if (!record) {
            throw new IllegalStateException("run() needs a burst simulation; steady state never ends");
        }
        // Bound: every decision writes at least one byte, so this many steps cover any workload.
        long bound = 4 * (workload.bulkUploadBytes() * bulk.length + (long) sparse.length * 1_000_000L) + 1_000;
        for (long i = 0; i < bound; i++) {
            if (!step()) {
                return result();
            }
        }
        throw new IllegalStateException(label + ": simulation did not finish within " + bound + " decisions");
    }

    /**
     * Makes one scheduling decision and writes the chosen chunk. Allocation-free in steady-state mode.
     *
     * @return false when the burst is over (never in steady state)
     * @throws IllegalStateException if the scheduler breaks its contract (returns an ineligible flow, or
     *                               returns {@code null} while flows are eligible without being clock-driven)
     */
    public boolean step() {
        for (int spin = 0; spin < MAX_SPINS; spin++) {
            deliverArrivals();
            if (timed != null) {
                timed.advanceTo(now);
            }
            Flow chosen = scheduler.next();
            if (chosen == null) {
                long nextArrival = heapSize > 0 ? heap[0].nextArrivalNanos : NEVER;
                if (eligible == 0 && (nextArrival == NEVER || (record && bulkActive == 0))) {
                    return false; // nothing queued, and no request comes after the burst
                }
                long wake = nextArrival;
                if (eligible > 0) {
                    if (timed == null) {
                        throw new IllegalStateException(label + ": next() returned null while " + eligible
                                + " flows were eligible (work conservation)");
                    }
                    wake = Math.min(wake, timed.nextWakeupNanos());
                }
                now = Math.max(now, wake);
                continue;
            }
            if (!(chosen instanceof SimFlow flow) || !flow.eligible) {
                throw new IllegalStateException(label + ": next() returned a flow that is not eligible: " + chosen);
            }
            write(flow);
            return true;
        }
        throw new IllegalStateException(label + ": no decision after " + MAX_SPINS + " tries");
    }

    private void write(SimFlow flow) {
        long start = now;
        if (record && start >= nextSnapshotNanos && bulkActive == bulk.length) {
            snapshot();
        }
        int bytes = flow.headChunkBytes();
        now += workload.transmitNanos(bytes);
        bytesWritten += bytes;
        decisions++;
        flow.consume(bytes);
        scheduler.onSent(flow, bytes);
        if (flow.headChunkBytes() > 0) {
            return;
        }
        flow.eligible = false;
        eligible--;
        scheduler.onIdle(flow);
        if (flow.isBulk()) {
            if (record && bulkActive == bulk.length) {
                firstDoneShares = sharesNow();
            }
            flow.completedNanos = now;
            bulkActive--;
            bytesAtLastBulkDone = bytesWritten;
            scheduler.onClosed(flow);
        } else {
            if (record) {
                recordDelay(start - flow.pendingArrivalNanos);
            }
            // The answer comes back; the client thinks, then sends its next request — while the burst lasts.
            if (!record || bulkActive > 0) {
                double u = flow.random.nextDouble();
                flow.nextArrivalNanos = now + (long) (-Math.log(1.0 - u) * workload.sparseThinkNanos());
                heapPush(flow);
            }
        }
    }

    private void deliverArrivals() {
        while (heapSize > 0 && heap[0].nextArrivalNanos <= now) {
            SimFlow flow = heapPop();
            int size = workload.sparseMinBytes() + (int) (flow.random.nextDouble() * sparseSizeSpan);
            flow.queueSparse(Math.min(size, workload.sparseMaxBytes()), flow.nextArrivalNanos);
            flow.nextArrivalNanos = NEVER;
            flow.eligible = true;
            eligible++;
            scheduler.onBacklogged(flow);
        }
    }

    private void snapshot() {
        if (snapshotCount == snapshots.length) {
            snapshots = Arrays.copyOf(snapshots, snapshotCount * 2);
        }
        snapshots[snapshotCount++] = sharesNow();
        nextSnapshotNanos = (now / windowStepNanos + 1) * windowStepNanos;
    }

    private long[] sharesNow() {
        long[] shares = new long[bulk.length];
        for (int i = 0; i < bulk.length; i++) {
            shares[i] = bulk[i].sentBytes;
        }
        return shares;
    }

    private void recordDelay(long delay) {
        if (sparseDelayCount == sparseDelays.length) {
            sparseDelays = Arrays.copyOf(sparseDelays, sparseDelayCount * 2);
        }
        sparseDelays[sparseDelayCount++] = delay;
    }

    private SimResult result() {
        // A window is two snapshot steps (ten rounds) long and slides by one step (five rounds).
        double min = 1.0;
        double sum = 0;
        int windows = 0;
        long[] delta = new long[bulk.length];
        for (int j = 0; j + 2 < snapshotCount; j++) {
            for (int i = 0; i < delta.length; i++) {
                delta[i] = snapshots[j + 2][i] - snapshots[j][i];
            }
            double jain = Fairness.jain(delta);
            min = Math.min(min, jain);
            sum += jain;
            windows++;
        }
        long[] done = new long[bulk.length];
        for (int i = 0; i < bulk.length; i++) {
            done[i] = bulk[i].completedNanos;
        }
        Arrays.sort(done);
        long first = done.length == 0 ? 0 : done[0];
        long last = done.length == 0 ? 0 : done[done.length - 1];
        long median = done.length == 0 ? 0 : Fairness.percentile(done, done.length, 50);
        long[] delays = Fairness.sorted(sparseDelays, sparseDelayCount);
        double capacity = last == 0 ? 0 : (double) last / workload.tickNanos() * workload.linkBytesPerTick();
        return new SimResult(label, workload.flows(), bulk.length, decisions, last,
                capacity == 0 ? 0 : bytesAtLastBulkDone / capacity,
                windows == 0 ? Double.NaN : min, windows == 0 ? Double.NaN : sum / windows, windows,
                2 * windowStepNanos, firstDoneShares == null ? Double.NaN : Fairness.jain(firstDoneShares),
                scheduler instanceof DeficitProbe p ? p.maxDeficitBytes() : -1,
                sparseDelayCount,
                Fairness.percentile(delays, delays.length, 50), Fairness.percentile(delays, delays.length, 99),
                Fairness.percentile(delays, delays.length, 99.9),
                delays.length == 0 ? 0 : delays[delays.length - 1],
                first, median, last == 0 ? 0 : (double) (last - first) / last);
    }

    /** Every sparse request's delay so far (arrival until its first byte was written), sorted, in virtual ns. */
    public long[] sparseDelaysNanos() {
        return Fairness.sorted(sparseDelays, sparseDelayCount);
    }

    /** Virtual time now. */
    public long nowNanos() {
        return now;
    }

    /** Decisions made so far. */
    public long decisions() {
        return decisions;
    }

    private void heapPush(SimFlow flow) {
        int i = heapSize++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent].nextArrivalNanos <= flow.nextArrivalNanos) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = flow;
    }

    private SimFlow heapPop() {
        SimFlow top = heap[0];
        SimFlow last = heap[--heapSize];
        heap[heapSize] = null;
        if (heapSize > 0) {
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= heapSize) {
                    break;
                }
                if (child + 1 < heapSize && heap[child + 1].nextArrivalNanos < heap[child].nextArrivalNanos) {
                    child++;
                }
                if (heap[child].nextArrivalNanos >= last.nextArrivalNanos) {
                    break;
                }
                heap[i] = heap[child];
                i = child;
            }
            heap[i] = last;
        }
        return top;
    }
}
