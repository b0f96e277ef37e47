package dev.fyntr.bench.jmh;

import dev.fyntr.transport.nio.ThreatAction;
import dev.fyntr.transport.nio.internal.threat.ThreatGuard;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Threat-feed lookups and loading with a large feed (issue 7: "1,000,000 domain entries load in a few seconds
 * and a lookup costs O(labels), not O(entries)"). The feed is {@link SyntheticThreatFeed}: {@code entries}
 * domains plus one address rule per 100 domains, written to a temporary file and loaded through
 * {@link ThreatGuard#load}, the proxy's own start-up path.
 *
 * <ul>
 * <li>{@code domainHit} / {@code domainMiss}: {@link ThreatGuard#matchingDomain} on 65,536 pre-built hosts,
 *     visited in order. Hits are 1-4 labels in front of a listed name; misses are 2-5 label names under the
 *     same TLDs. Compare {@code entries=10000} with {@code 1000000}: the algorithm's cost is per label; what
 *     grows is only cache misses, since a 10,000-entry table fits in cache and a 1,000,000-entry one does not.</li>
 * <li>{@code ipv4Hit}, {@code ipv4Miss}, {@code ipv6Hit}, {@code ipv6Miss}: {@link ThreatGuard#matchesAddress} on
 *     65,536 pre-built addresses of one family.</li>
 * <li>{@code load}: one whole {@link ThreatGuard#load} per operation (single shot, milliseconds).</li>
 * </ul>
 *
 * <p>Set-up also prints one line with the first (cold-JVM) load time and the heap the loaded feed retains:
 * heap used after {@code System.gc()} with the feed loaded, minus the same before loading (the generator's
 * strings and the lookup arrays exist in both, so they cancel out).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ThreatFeedBench {

    /** Lookups per pre-built array; a power of two so the cursor wraps with a mask. */
    static final int LOOKUPS = 1 << 16;
    private static final int MASK = LOOKUPS - 1;
    private static final long SEED = 42;

    /** Domain entries in the feed (plus one address rule per 100). */
    @Param({"10000", "1000000"})
    public int entries;

    Path file;
    ThreatGuard guard;
    String[] hitHosts;
    String[] missHosts;
    InetAddress[] ipv4Hits;
    InetAddress[] ipv4Misses;
    InetAddress[] ipv6Hits;
    InetAddress[] ipv6Misses;

    /** Each benchmark thread walks the arrays with its own cursor, so no thread writes shared state. */
    @State(Scope.Thread)
    public static class Cursor {
        private int next;

        int advance() {
            return next++ & MASK;
        }
    }

    /** Writes the feed, builds the lookups, loads the feed once and reports its load time and heap. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        SyntheticThreatFeed feed = SyntheticThreatFeed.generate(entries, SEED);
        file = Files.createTempFile("fyntr-threat-feed-", ".txt");
        feed.write(file);
        hitHosts = feed.hits(LOOKUPS, SEED + 1).hosts();
        missHosts = feed.misses(LOOKUPS, SEED + 2).hosts();
        ipv4Hits = feed.addressHits(LOOKUPS, SEED + 3, false);
        ipv4Misses = feed.addressMisses(LOOKUPS, SEED + 4, false);
        ipv6Hits = feed.addressHits(LOOKUPS, SEED + 5, true);
        ipv6Misses = feed.addressMisses(LOOKUPS, SEED + 6, true);

        long before = usedHeapAfterGc();
        long start = System.nanoTime();
        guard = ThreatGuard.load(List.of(file), ThreatAction.WARN);
        long loadNanos = System.nanoTime() - start;
        long retained = usedHeapAfterGc() - before;
        System.out.printf(Locale.ROOT, "%n# threat feed: %d domains + %d address rules, %.1f MB on disk; first load "
                        + "%.0f ms; heap retained %.1f MB (%.0f B per domain); %s%n", feed.domainCount(),
                feed.addressRuleCount(), Files.size(file) / 1e6, loadNanos / 1e6, retained / 1e6,
                (double) retained / feed.domainCount(), guard.describe());
    }

    /** Deletes the temporary feed. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        Files.deleteIfExists(file);
    }

    /** A host under a listed domain: the matched entry. */
    @Benchmark
    public String domainHit(Cursor c) {
        return guard.matchingDomain(hitHosts[c.advance()]);
    }

    /** A host that no entry matches: {@code null}, after probing every label. */
    @Benchmark
    public String domainMiss(Cursor c) {
        return guard.matchingDomain(missHosts[c.advance()]);
    }

    /** An IPv4 address that is listed or inside a listed range. */
    @Benchmark
    public boolean ipv4Hit(Cursor c) {
        return guard.matchesAddress(ipv4Hits[c.advance()]);
    }

    /** An IPv4 address outside every rule. */
    @Benchmark
    public boolean ipv4Miss(Cursor c) {
        return guard.matchesAddress(ipv4Misses[c.advance()]);
    }

    /** An IPv6 address that is listed or inside a listed /48. */
    @Benchmark
    public boolean ipv6Hit(Cursor c) {
        return guard.matchesAddress(ipv6Hits[c.advance()]);
    }

    /** An IPv6 address outside every rule. */
    @Benchmark
    public boolean ipv6Miss(Cursor c) {
        return guard.matchesAddress(ipv6Misses[c.advance()]);
    }

    /** Reads, parses and indexes the whole file, as the proxy does at start-up. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 2)
    @Measurement(iterations = 5)
    public ThreatGuard load() throws IOException {
        return ThreatGuard.load(List.of(file), ThreatAction.WARN);
    }

    /**
     * Heap in use after full collections. A few rounds, because one {@code System.gc()} may leave garbage that
     * finalisation or reference processing only frees in the next.
     */
    static long usedHeapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
