package dev.fyntr.bench.load;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the soak's tunnels did, counted per time bucket: bucket 0 is the warm-up, bucket {@code m} (1-based) the
 * m-th minute of the measured run. Every tunnel ends in exactly one outcome: {@link Outcome#OK} (it did what it
 * was meant to and every byte checked out), {@link Outcome#EXPECTED} (it failed the way the scenario makes it
 * fail: our own reset, the server's reset, a name that never resolves) or {@link Outcome#UNEXPECTED}.
 * Thread-safe.
 */
final class SoakTally {

    /** How a tunnel ended. */
    enum Outcome { OK, EXPECTED, UNEXPECTED }

    /** One way a tunnel ended, and how often. */
    record Count(Outcome outcome, String kind, String reason, long count) {
    }

    /** One time bucket. */
    static final class Bucket {
        private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
        private final LongAdder verifiedBytes = new LongAdder();
        private long[] rtts = new long[1024];
        private int rttCount;

        private void add(Outcome o, String kind, String reason, long bytes) {
            outcomes.computeIfAbsent(o + "\t" + kind + "\t" + reason, k -> new LongAdder()).increment();
            verifiedBytes.add(bytes);
        }

        private synchronized void rtt(long nanos) {
            if (rttCount == rtts.length) {
                rtts = Arrays.copyOf(rtts, rttCount * 2);
            }
            rtts[rttCount++] = nanos;
        }

        /** Every way tunnels ended in this bucket, sorted by outcome, kind and reason. */
        List<Count> counts() {
            List<Count> out = new ArrayList<>();
            for (Map.Entry<String, LongAdder> e : new TreeMap<>(outcomes).entrySet()) {
                String[] f = e.getKey().split("\t", 3);
                out.add(new Count(Outcome.valueOf(f[0]), f[1], f[2], e.getValue().sum()));
            }
            out.sort((a, b) -> a.outcome() != b.outcome() ? a.outcome().compareTo(b.outcome())
                    : a.kind().equals(b.kind()) ? a.reason().compareTo(b.reason()) : a.kind().compareTo(b.kind()));
            return out;
        }

        long total(Outcome o) {
            return counts().stream().filter(c -> c.outcome() == o).mapToLong(Count::count).sum();
        }

        /** Bytes whose arrival was checked end to end (echoed and compared, or hashed at the sink). */
        long verifiedBytes() {
            return verifiedBytes.sum();
        }

        /** The interactive round trips of this bucket, in ns, sorted. */
        synchronized long[] sortedRtts() {
            long[] out = Arrays.copyOf(rtts, rttCount);
            Arrays.sort(out);
            return out;
        }
    }

    private final Bucket[] buckets;
    private final List<String> firstUnexpected = new ArrayList<>();
    private final List<Long> stallBytes = new ArrayList<>();
    private volatile long mainStartNanos = -1;

    /** @param minutes buckets after the warm-up: the measured run's minutes, rounded up */
    SoakTally(int minutes) {
        buckets = new Bucket[minutes + 1];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new Bucket();
        }
    }

    /** From {@code startNanos} ({@link System#nanoTime()}) on, outcomes count in minute 1, 2 … (later ones in the last). */
    void startMeasuring(long startNanos) {
        mainStartNanos = startNanos;
    }

    /** The bucket outcomes are counted in now. */
    int currentBucket() {
        long start = mainStartNanos;
        if (start < 0) {
            return 0;
        }
        return (int) Math.min(buckets.length - 1, 1 + (System.nanoTime() - start) / 60_000_000_000L);
    }

    int bucketCount() {
        return buckets.length;
    }

    Bucket bucket(int i) {
        return buckets[i];
    }

    void ok(String kind, long verifiedBytes) {
        ok(kind, "ok", verifiedBytes);
    }

    /** A tunnel that did what it was meant to, with a word on how ({@code "ok"} when there is nothing to add). */
    void ok(String kind, String how, long verifiedBytes) {
        buckets[currentBucket()].add(Outcome.OK, kind, how, verifiedBytes);
    }

    void expected(String kind, String reason, long verifiedBytes) {
        buckets[currentBucket()].add(Outcome.EXPECTED, kind, reason, verifiedBytes);
    }

    void unexpected(String kind, String reason, String detail) {
        int b = currentBucket();
        buckets[b].add(Outcome.UNEXPECTED, kind, reason, 0);
        synchronized (firstUnexpected) {
            if (firstUnexpected.size() < 30) {
                firstUnexpected.add((b == 0 ? "warm-up" : "minute " + b) + ": " + kind + ": " + reason + ": "
                        + detail);
            }
        }
    }

    void rtt(long nanos) {
        buckets[currentBucket()].rtt(nanos);
    }

    /** A stalled upload had got {@code bytes} into the buffers on the way when it stalled. */
    void stalledAfter(long bytes) {
        synchronized (stallBytes) {
            stallBytes.add(bytes);
        }
    }

    /** What the stalled uploads had got into the buffers on the way when they stalled, sorted. */
    long[] sortedStallBytes() {
        synchronized (stallBytes) {
            return stallBytes.stream().mapToLong(Long::longValue).sorted().toArray();
        }
    }

    /** The first 30 unexpected failures, with their details. */
    List<String> firstUnexpected() {
        synchronized (firstUnexpected) {
            return List.copyOf(firstUnexpected);
        }
    }

    /** Counts of every outcome of the measured run (buckets 1…), summed over minutes. */
    List<Count> measuredCounts() {
        Map<String, Count> sum = new TreeMap<>();
        for (int i = 1; i < buckets.length; i++) {
            for (Count c : buckets[i].counts()) {
                sum.merge(c.outcome() + "\t" + c.kind() + "\t" + c.reason(), c,
                        (a, b) -> new Count(a.outcome(), a.kind(), a.reason(), a.count() + b.count()));
            }
        }
        List<Count> out = new ArrayList<>(sum.values());
        out.sort((a, b) -> a.outcome() != b.outcome() ? a.outcome().compareTo(b.outcome())
                : a.kind().equals(b.kind()) ? a.reason().compareTo(b.reason()) : a.kind().compareTo(b.kind()));
        return out;
    }
}
