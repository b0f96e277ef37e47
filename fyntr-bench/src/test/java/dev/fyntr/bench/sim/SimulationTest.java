package dev.fyntr.bench.sim;

import dev.fyntr.api.Schedulers;
import dev.fyntr.api.spi.Flow;
import dev.fyntr.api.spi.Scheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The harness computes fairness, delay and completion correctly on cases small enough to work out by hand. */
class SimulationTest {

    private static final long MS = Workload.MS;
    private static final int CHUNK = 16 * 1024;

    /** A link that writes one 16 KiB chunk per 1 ms tick. */
    private static Workload bulkOnly(int flows, int chunksEach) {
        return new Workload(flows, 0, (long) chunksEach * CHUNK, CHUNK, MS, 100, 100, 1_000 * MS, 1, 7);
    }

    /** Flow 0 bulk with {@code chunks} chunks, flow 1 sparse with one 100-byte request at t = 0. */
    private static Workload bulkAndOneRequest(int chunks) {
        return new Workload(2, 2, (long) chunks * CHUNK, CHUNK, MS, 100, 100, 1_000_000 * MS, 1, 7);
    }

    @Test
    void jainIndexMatchesHandComputedValues() {
        assertEquals(1.0, Fairness.jain(new long[] {5, 5, 5, 5}), 1e-12);
        assertEquals(0.25, Fairness.jain(new long[] {8, 0, 0, 0}), 1e-12);
        assertEquals(0.9, Fairness.jain(new long[] {1, 2}), 1e-12);          // 9 / (2 * 5)
        assertEquals(36.0 / 42.0, Fairness.jain(new long[] {1, 2, 3}), 1e-12); // 36 / (3 * 14)
        assertEquals(1.0, Fairness.jain(new long[] {0, 0}), 1e-12);
        assertEquals(1.0, Fairness.jain(new double[] {0.5, 0.5}), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Fairness.jain(new long[] {1, -1}));
    }

    @Test
    void percentileIsNearestRank() {
        long[] hundred = new long[100];
        for (int i = 0; i < 100; i++) {
            hundred[i] = i + 1;
        }
        assertEquals(50, Fairness.percentile(hundred, 100, 50));
        assertEquals(99, Fairness.percentile(hundred, 100, 99));
        assertEquals(100, Fairness.percentile(hundred, 100, 99.9));
        assertEquals(2, Fairness.percentile(new long[] {1, 2, 3, 4}, 4, 50));
        assertEquals(0, Fairness.percentile(new long[0], 0, 99));
    }

    @Test
    void twoEqualBulkFlowsServedInTurnAreExactlyFair() {
        // 64 chunks each, alternating: every window of 20 chunk times holds 10 of each.
        SimResult r = Simulation.burst(bulkOnly(2, 64), new RoundRobinScheduler(), "rr").run();
        assertEquals(1.0, r.jainWindowMin(), 1e-12);
        // When the first flow sends its 64th chunk the other has sent 63: 127^2 / (2 (64^2 + 63^2)).
        assertEquals(127.0 * 127 / (2 * (64 * 64 + 63 * 63)), r.jainToFirstDone(), 1e-12);
        assertEquals(11, r.windows()); // snapshots every 10 ms while both run (0..120 ms): 13, so 11 windows
        assertEquals(128, r.decisions());
        assertEquals(127 * MS, r.firstDoneNanos());
        assertEquals(128 * MS, r.makespanNanos());
        assertEquals(1.0 / 128, r.spread(), 1e-12);
        assertEquals(1.0, r.linkUtilisation(), 1e-12);
    }

    @Test
    void fifoMakesARequestWaitForTheBulkFlowsWholeQueue() {
        SimResult fifo = Simulation.burst(bulkAndOneRequest(4), new FifoScheduler(), "fifo").run();
        assertEquals(1, fifo.sparseSamples());
        assertEquals(4 * MS, fifo.sparseP50Nanos()); // 4 chunks of 1 ms each went first
        assertEquals(4 * MS, fifo.sparseP99Nanos());

        SimResult rr = Simulation.burst(bulkAndOneRequest(4), new RoundRobinScheduler(), "rr").run();
        assertEquals(1, rr.sparseSamples());
        assertEquals(1 * MS, rr.sparseP99Nanos()); // one chunk, then its turn
    }

    @Test
    void referenceTickModelCapsOneFlowAtOneChunkPerTwoTicks() {
        // 8 KiB per 5 ms tick: a 16 KiB chunk is covered every second tick, at 5, 15, 25 and 35 ms.
        SimResult r = Simulation.burst(bulkOnly(1, 4), new ReferenceTickScheduler(8 * 1024), "ref").run();
        assertEquals(36 * MS, r.makespanNanos());
        assertEquals(4.0 / 36, r.linkUtilisation(), 1e-12);
        assertEquals(CHUNK, r.maxDeficitBytes());
    }

    @Test
    void referenceTickModelBanksCreditOfIdleFlows() {
        // The request arrives at t = 0 and is served at once; afterwards the idle flow keeps being credited.
        Workload w = new Workload(2, 2, 40L * CHUNK, CHUNK, MS, 100, 100, 100 * MS, 1, 7);
        SimResult r = Simulation.burst(w, new ReferenceTickScheduler(8 * 1024), "ref").run();
        assertTrue(r.sparseSamples() >= 2, "samples " + r.sparseSamples());
        assertTrue(r.maxDeficitBytes() > 8L * CHUNK, "max deficit " + r.maxDeficitBytes());
    }

    @Test
    void sameWorkloadGivesTheSameResultEveryTime() {
        for (SchedulerKind kind : List.of(SchedulerKind.FIFO, SchedulerKind.REFERENCE_TICK)) {
            SimResult a = Simulation.burst(Workload.burst(100, 3), kind.create(), kind.label()).run();
            SimResult b = Simulation.burst(Workload.burst(100, 3), kind.create(), kind.label()).run();
            assertEquals(a, b);
            assertTrue(a.sparseSamples() > 0);
        }
    }

    @Test
    void harnessRejectsASchedulerThatStallsWithEligibleFlows() {
        Scheduler lazy = new Scheduler() {
            @Override public void onBacklogged(Flow flow) { }
            @Override public void onIdle(Flow flow) { }
            @Override public void onBlocked(Flow flow) { }
            @Override public void onClosed(Flow flow) { }
            @Override public Flow next() { return null; }
            @Override public void onSent(Flow flow, int bytes) { }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Simulation.burst(bulkOnly(2, 2), lazy, "lazy").run());
        assertTrue(e.getMessage().contains("work conservation"), e.getMessage());
    }

    /**
     * Every scheduler the benchmarks compare, DRR in all its variants (adaptive quantum with and without sparse-flow
     * priority, fixed quantum), decides without allocating once the flows exist: counted with HotSpot's per-thread
     * allocation counter over 100,000 decisions of the burst workload (100 flows, 10 of them sparse, so flows keep
     * waking and going idle, which is when DRR asks the tuner).
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(SchedulerKind.class)
    void steadyStateDecisionsAllocateNothing(SchedulerKind kind) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        Simulation sim = Simulation.steadyState(Workload.burst(100, 1), kind.create());
        for (int i = 0; i < 20_000; i++) {
            sim.step();
        }
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < 100_000; i++) {
            sim.step();
        }
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        // A few hundred bytes of slack for the measuring calls themselves; one allocation per step would be MBs.
        assertTrue(allocated < 4096, kind.label() + " allocated " + allocated + " bytes in 100,000 decisions");
    }

    @Test
    void fairnessReportPrintsARowPerSchedulerAndSize() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<SimResult> rows = FairnessReport.run(new String[] {"--flows", "10,20", "--schedulers", "fifo,reference-tick"},
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertEquals(4, rows.size());
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("| fifo | 20 |"), text);
        assertTrue(text.contains("| reference-tick | 10 |"), text);
        assertThrows(IllegalArgumentException.class, () -> FairnessReport.run(new String[] {"--bogus"},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
    }

    @Test
    void fairnessReportJsonCarriesEveryRowAndItsSparseDelayDistribution(@org.junit.jupiter.api.io.TempDir
                                                                        java.nio.file.Path dir) throws java.io.IOException {
        java.nio.file.Path json = dir.resolve("burst.json");
        List<SimResult> rows = FairnessReport.run(new String[] {"--flows", "10", "--schedulers", "fifo,reference-tick",
                "--json", json.toString()}, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        BurstReport report = BurstReport.read(json);
        assertEquals(rows, report.results());
        assertEquals(42, report.seed());
        for (SimResult r : rows) {
            BurstReport.SparseDelay d = report.sparseDelay(r.scheduler(), 10);
            assertEquals(r.sparseSamples(), d.cdf().samples());
            // Few samples, all kept: the distribution's percentiles are the table's.
            assertEquals(r.sparseP50Nanos() / 1e6, d.cdf().percentile(50), 1e-9);
            assertEquals(r.sparseP99Nanos() / 1e6, d.cdf().percentile(99), 1e-9);
        }
        assertEquals(null, report.sparseDelay("fifo", 100));
    }

    @Test
    void benchFifoIsFoundThroughServiceDiscovery() {
        assertTrue(Schedulers.provider(BenchFifoProvider.NAME).create(dev.fyntr.api.spi.SchedulerConfig.defaults())
                instanceof FifoScheduler);
    }

    // --- DRR, found through ServiceLoader like the transport finds it ----------------------------------------

    @Test
    void drrSharesTheLinkEquallyAmongEqualBulkFlows() {
        for (SchedulerKind kind : List.of(SchedulerKind.DRR_ADAPTIVE, SchedulerKind.DRR_FIXED,
                SchedulerKind.DRR_NO_SPARSE)) {
            SimResult r = Simulation.burst(Workload.burst(100, 42), kind.create(), kind.label()).run();
            assertTrue(r.jainWindowMin() >= 0.99, kind.label() + " Jain min " + r.jainWindowMin());
            assertTrue(r.linkUtilisation() > 0.999, kind.label() + " link " + r.linkUtilisation());
        }
    }

    @Test
    void drrWithSparsePriorityServesRequestsFarSoonerThanFifo() {
        Workload w = Workload.burst(100, 42);
        SimResult drr = Simulation.burst(w, SchedulerKind.DRR_ADAPTIVE.create(), "drr").run();
        SimResult fifo = Simulation.burst(w, SchedulerKind.FIFO.create(), "fifo").run();
        assertTrue(drr.sparseP99Nanos() * 10 <= fifo.sparseP99Nanos(),
                "drr p99 " + drr.sparseP99Nanos() + " fifo p99 " + fifo.sparseP99Nanos());
    }

    @Test
    void drrWithAOneChunkQuantumAlternatesTwoFlowsExactly() {
        SimResult r = Simulation.burst(bulkOnly(2, 64), SchedulerKind.DRR_ADAPTIVE.create(), "drr").run();
        assertEquals(1.0, r.jainWindowMin(), 1e-12);
    }
}
