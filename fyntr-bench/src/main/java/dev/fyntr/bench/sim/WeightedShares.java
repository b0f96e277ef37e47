package dev.fyntr.bench.sim;

import dev.fyntr.api.Schedulers;
import dev.fyntr.api.spi.ChunkStats;
import dev.fyntr.api.spi.EmaChunkStats;
import dev.fyntr.api.spi.Flow;
import dev.fyntr.api.spi.FlowInfo;
import dev.fyntr.api.spi.Scheduler;
import dev.fyntr.api.spi.SchedulerConfig;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Weighted DRR ({@code wdrr}) under a burst, in decisions rather than time: flows to four kinds of destination
 * (weights 4, 0.5, 8 and 1 from {@value #RULES}) all arrive at once with large uploads of random chunks, and the
 * simulation serves them until the first one runs dry. While all are backlogged each kind should get its weight's
 * share of the bytes; {@link Result#maxErrorPercent()} is the worst relative deviation from it. Deterministic for a
 * seed. Run {@code java -cp fyntr-bench/target/benchmarks.jar dev.fyntr.bench.sim.WeightedShares} for the table of
 * docs/benchmarks.md; JMH's {@code WeightedSharesBench} reports the same numbers as secondary results.
 */
public final class WeightedShares {

    /** The rules of the burst (the example). */
    public static final String RULES = "registry.example=4,*.internal=0.5,port:22=8";

    private static final String[] HOSTS = {"registry.example", "db.internal", "bastion.example", "other.example"};
    private static final int[] PORTS = {443, 443, 22, 443};
    /** The weight {@link #RULES} gives each of {@link #HOSTS}. */
    static final double[] WEIGHTS = {4, 0.5, 8, 1};

    /**
     * @param sharePercent     per destination kind, its share of the bytes served while all flows were backlogged
     * @param expectedPercent  per kind, the share its weight asks for
     * @param maxErrorPercent  the largest |share − expected| / expected, in percent
     * @param bytes            bytes served in that interval
     */
    public record Result(double[] sharePercent, double[] expectedPercent, double maxErrorPercent, long bytes) {
        /** One table row per destination kind. */
        public String table() {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-18s %6s %9s %9s%n", "destination",
                    "weight", "expected", "measured"));
            for (int k = 0; k < HOSTS.length; k++) {
                sb.append(String.format(Locale.ROOT, "%-18s %6s %8.2f%% %8.2f%%%n", HOSTS[k] + ":" + PORTS[k],
                        WEIGHTS[k], expectedPercent[k], sharePercent[k]));
            }
            return sb.append(String.format(Locale.ROOT, "largest deviation %.2f %% of the expected share, over %d MiB",
                    maxErrorPercent, bytes >> 20)).toString();
        }
    }

    /** A flow of the simulation: a queue of chunk sizes, the chunk statistics, and its destination. */
    private static final class BurstFlow implements Flow {
        final long id;
        final int kind;
        final FlowInfo info;
        final int[] chunks;
        final EmaChunkStats stats = new EmaChunkStats();
        int head;
        int headLeft;
        long queued;
        long served;
        Object state;

        BurstFlow(long id, int kind, FlowInfo info, int[] chunks) {
            this.id = id;
            this.kind = kind;
            this.info = info;
            this.chunks = chunks;
            for (int c : chunks) {
                stats.record(c);
                queued += c;
            }
            headLeft = chunks[0];
        }

        @Override
        public long id() {
            return id;
        }

        @Override
        public FlowInfo info() {
            return info;
        }

        @Override
        public int headChunkBytes() {
            return head < chunks.length ? headLeft : 0;
        }

        @Override
        public long queuedBytes() {
            return queued;
        }

        @Override
        public ChunkStats chunkStats() {
            return stats;
        }

        @Override
        public Object schedulerState() {
            return state;
        }

        @Override
        public void schedulerState(Object s) {
            state = s;
        }

        /** Writes the whole head chunk (the simulated link takes every write). */
        int write() {
            int bytes = headLeft;
            queued -= bytes;
            served += bytes;
            head++;
            headLeft = head < chunks.length ? chunks[head] : 0;
            return bytes;
        }
    }

    private WeightedShares() {
    }

    /**
     * Runs one burst.
     *
     * @param flowsPerKind flows to each of the four destinations
     * @param chunksPerFlow chunks each flow uploads (between 4 and 16 KiB each, random)
     */
    public static Result run(int flowsPerKind, int chunksPerFlow, long seed) {
        Scheduler scheduler = Schedulers.provider("wdrr").create(SchedulerConfig.defaults().withOption("weight",
                RULES));
        SplittableRandom random = new SplittableRandom(seed);
        InetSocketAddress upstream = new InetSocketAddress(InetAddress.getLoopbackAddress(), 443);
        BurstFlow[] flows = new BurstFlow[flowsPerKind * HOSTS.length];
        for (int i = 0; i < flows.length; i++) {
            int kind = i % HOSTS.length;
            int[] chunks = new int[chunksPerFlow];
            for (int c = 0; c < chunks.length; c++) {
                chunks[c] = random.nextInt(4 * 1024, ChunkStats.MAX_CHUNK_BYTES + 1);
            }
            InetSocketAddress client = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40_000 + i);
            flows[i] = new BurstFlow(i + 1, kind, FlowInfo.of(HOSTS[kind], PORTS[kind], upstream, client,
                    FlowInfo.FrontEnd.CONNECT, 0), chunks);
            scheduler.onBacklogged(flows[i]);
        }
        long[] byKind = new long[HOSTS.length];
        long total = 0;
        // Until the first flow runs dry: from then on the others share its part, and shares are no longer the
        // weights'. Bounded by the chunks queued.
        for (long decision = 0, limit = (long) flows.length * chunksPerFlow; decision < limit; decision++) {
            BurstFlow f = (BurstFlow) scheduler.next();
            if (f == null) {
                break;
            }
            int bytes = f.write();
            scheduler.onSent(f, bytes);
            byKind[f.kind] += bytes;
            total += bytes;
            if (f.headChunkBytes() == 0) {
                scheduler.onIdle(f);
                break;
            }
        }
        double weightSum = 0;
        for (double w : WEIGHTS) {
            weightSum += w;
        }
        double[] share = new double[HOSTS.length];
        double[] expected = new double[HOSTS.length];
        double maxError = 0;
        for (int k = 0; k < HOSTS.length; k++) {
            share[k] = 100.0 * byKind[k] / total;
            expected[k] = 100.0 * WEIGHTS[k] / weightSum;
            maxError = Math.max(maxError, 100.0 * Math.abs(share[k] - expected[k]) / expected[k]);
        }
        return new Result(share, expected, maxError, total);
    }

    /** Prints the table for 16 flows per destination (64 in the burst), 2,000 chunks each. */
    public static void main(String[] args) {
        int flowsPerKind = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        System.out.println("wdrr --weight '" + RULES + "', " + flowsPerKind * HOSTS.length + " flows in one burst");
        System.out.println(run(flowsPerKind, 2_000, 42).table());
    }
}
