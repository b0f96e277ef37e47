package dev.fyntr.bench.sim;

/**
 * The burst that one simulation replays. Immutable; all randomness comes from {@link #seed()}, so a workload
 * gives the same arrivals whatever the scheduler.
 *
 * @param flows              flows arriving at t=0, bulk and sparse together
 * @param sparseEvery        every this-many-th flow is sparse (flow ids {@code sparseEvery-1, 2*sparseEvery-1, …});
 *                           0 = no sparse flows
 * @param bulkUploadBytes    bytes each bulk flow uploads, in 16 KiB chunks; {@link Long#MAX_VALUE} = endless
 * @param linkBytesPerTick   link capacity C: bytes the link drains per virtual tick
 * @param tickNanos          length of one virtual tick in (virtual) nanoseconds
 * @param sparseMinBytes     smallest sparse chunk (a request, a TLS record)
 * @param sparseMaxBytes     largest sparse chunk
 * @param sparseThinkNanos   mean pause between a sparse flow's answer and its next request (exponential)
 * @param sparseFirstNanos   sparse flows send their first chunk uniformly within [0, this) after the burst
 * @param seed               seed of every random choice
 */
public record Workload(int flows, int sparseEvery, long bulkUploadBytes, long linkBytesPerTick, long tickNanos,
                       int sparseMinBytes, int sparseMaxBytes, long sparseThinkNanos, long sparseFirstNanos,
                       long seed) {

    /** One millisecond. */
    public static final long MS = 1_000_000L;

    /** Validates the fields. */
    public Workload {
        if (flows < 1) {
            throw new IllegalArgumentException("flows < 1: " + flows);
        }
        if (sparseEvery < 0 || sparseEvery == 1) {
            throw new IllegalArgumentException("sparseEvery must be 0 or >= 2: " + sparseEvery);
        }
        if (bulkUploadBytes < 1 || linkBytesPerTick < 1 || tickNanos < 1) {
            throw new IllegalArgumentException("bulkUploadBytes, linkBytesPerTick and tickNanos must be >= 1");
        }
        if (sparseMinBytes < 1 || sparseMaxBytes < sparseMinBytes || sparseMaxBytes > 16 * 1024) {
            throw new IllegalArgumentException("need 1 <= sparseMinBytes <= sparseMaxBytes <= 16384");
        }
        if (sparseThinkNanos < 1 || sparseFirstNanos < 1) {
            throw new IllegalArgumentException("sparseThinkNanos and sparseFirstNanos must be >= 1");
        }
    }

    /**
     * The standard burst of the README: {@code flows} flows, one in ten sparse (one when {@code 2 <= flows < 10}),
     * bulk flows uploading 1 MiB each over a 100 Mbit/s link (12,500 bytes per 1 ms tick), sparse chunks of
     * 100–2,000 bytes. The sparse flows' mean think time grows with their number so that together they offer
     * about 1 % of the link (at least 5 ms): they stay sparse at every N.
     */
    public static Workload burst(int flows, long seed) {
        int every = flows >= 10 ? 10 : (flows >= 2 ? flows : 0);
        int sparseFlows = every == 0 ? 0 : flows / every;
        long link = 12_500;
        int min = 100;
        int max = 2_000;
        // sparse offered load = sparseFlows * mean size / think = 1 % of the link
        long think = Math.max(5 * MS, sparseFlows * ((min + max) / 2L) * 100 * MS / link);
        return new Workload(flows, every, 1024 * 1024, link, MS, min, max, think, 5 * MS, seed);
    }

    /** This workload with another link capacity, in bytes per tick. */
    public Workload withLinkBytesPerTick(long bytes) {
        return new Workload(flows, sparseEvery, bulkUploadBytes, bytes, tickNanos, sparseMinBytes,
                sparseMaxBytes, sparseThinkNanos, sparseFirstNanos, seed);
    }

    /** This workload with another bulk upload size ({@link Long#MAX_VALUE}: endless). */
    public Workload withBulkUploadBytes(long bytes) {
        return new Workload(flows, sparseEvery, bytes, linkBytesPerTick, tickNanos, sparseMinBytes,
                sparseMaxBytes, sparseThinkNanos, sparseFirstNanos, seed);
    }

    /** This workload with another mean think time of sparse flows. */
    public Workload withSparseThinkNanos(long nanos) {
        return new Workload(flows, sparseEvery, bulkUploadBytes, linkBytesPerTick, tickNanos, sparseMinBytes,
                sparseMaxBytes, nanos, sparseFirstNanos, seed);
    }

    /** This workload with another sparse-flow spacing (0: none). */
    public Workload withSparseEvery(int every) {
        return new Workload(flows, every, bulkUploadBytes, linkBytesPerTick, tickNanos, sparseMinBytes,
                sparseMaxBytes, sparseThinkNanos, sparseFirstNanos, seed);
    }

    /** Whether flow {@code index} (0-based) is sparse. */
    public boolean isSparse(int index) {
        return sparseEvery > 0 && index % sparseEvery == sparseEvery - 1;
    }

    /** How many of the flows are bulk. */
    public int bulkFlows() {
        return sparseEvery == 0 ? flows : flows - flows / sparseEvery;
    }

    /** Virtual nanoseconds the link needs for {@code bytes}. */
    public long transmitNanos(long bytes) {
        // Exact for the standard workloads; rounding up keeps a tiny chunk from taking no time at all.
        return Math.max(1, (bytes * tickNanos + linkBytesPerTick - 1) / linkBytesPerTick);
    }
}
