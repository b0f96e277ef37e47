package dev.fyntr.bench.jmh;

import dev.fyntr.transport.nio.ThreatAction;
import dev.fyntr.transport.nio.internal.threat.ThreatGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The synthetic feed is what the benchmark claims: distinct usable entries, and lookups that hit or miss as built. */
class ThreatFeedBenchTest {

    private static final int DOMAINS = 5_000;

    @TempDir
    Path dir;

    @Test
    void everyGeneratedEntryIsDistinctAndLoadsAsOneRule() throws Exception {
        SyntheticThreatFeed feed = SyntheticThreatFeed.generate(DOMAINS, 42);
        Set<String> distinct = new HashSet<>();
        for (int i = 0; i < feed.domainCount(); i++) {
            distinct.add(feed.domain(i));
        }
        assertEquals(DOMAINS, distinct.size());
        assertEquals(DOMAINS / 100, feed.addressRuleCount());

        Path file = dir.resolve("feed.txt");
        assertEquals(DOMAINS + DOMAINS / 100, feed.write(file));
        String description = ThreatGuard.load(List.of(file), ThreatAction.WARN).describe();
        // Every line counted as a rule: none skipped as unsupported, none merged as a duplicate.
        assertTrue(description.contains(DOMAINS + " domains, " + DOMAINS / 100 + " IP rules"), description);
    }

    @Test
    void sameSeedWritesTheSameBytesAndAnotherSeedDoesNot() throws Exception {
        Path a = dir.resolve("a.txt");
        Path b = dir.resolve("b.txt");
        Path c = dir.resolve("c.txt");
        SyntheticThreatFeed.generate(1_000, 7).write(a);
        SyntheticThreatFeed.generate(1_000, 7).write(b);
        SyntheticThreatFeed.generate(1_000, 8).write(c);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        assertFalse(Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(c)));
    }

    @Test
    void hitsMatchTheirEntryAndMissesMatchNothing() throws Exception {
        SyntheticThreatFeed feed = SyntheticThreatFeed.generate(DOMAINS, 42);
        Path file = dir.resolve("feed.txt");
        feed.write(file);
        ThreatGuard guard = ThreatGuard.load(List.of(file), ThreatAction.WARN);

        SyntheticThreatFeed.Hosts hits = feed.hits(2_000, 1);
        for (int i = 0; i < hits.hosts().length; i++) {
            String host = hits.hosts()[i];
            assertTrue(host.endsWith("." + hits.expected()[i]) && host.length() > hits.expected()[i].length() + 1,
                    host);
            assertEquals(hits.expected()[i], guard.matchingDomain(host), host);
        }
        for (String host : feed.misses(2_000, 2).hosts()) {
            assertNull(guard.matchingDomain(host), host);
        }
        for (boolean ipv6 : new boolean[] {false, true}) {
            for (InetAddress a : feed.addressHits(2_000, 3, ipv6)) {
                assertEquals(ipv6 ? 16 : 4, a.getAddress().length);
                assertTrue(guard.matchesAddress(a), a.toString());
            }
            for (InetAddress a : feed.addressMisses(2_000, 4, ipv6)) {
                assertEquals(ipv6 ? 16 : 4, a.getAddress().length);
                assertFalse(guard.matchesAddress(a), a.toString());
            }
        }
    }

    @Test
    void benchmarkSetUpLoadsTheFeedAndTearDownDeletesIt() throws Exception {
        ThreatFeedBench bench = new ThreatFeedBench();
        bench.entries = 1_000;
        bench.setUp();
        try {
            ThreatFeedBench.Cursor cursor = new ThreatFeedBench.Cursor();
            assertNotNull(bench.domainHit(cursor));
            assertNull(bench.domainMiss(cursor));
            assertTrue(bench.ipv4Hit(cursor));
            assertFalse(bench.ipv4Miss(cursor));
            assertTrue(bench.ipv6Hit(cursor));
            assertFalse(bench.ipv6Miss(cursor));
            assertTrue(bench.load().hasFeeds());
            assertEquals(ThreatFeedBench.LOOKUPS, bench.hitHosts.length);
        } finally {
            bench.tearDown();
        }
        assertFalse(Files.exists(bench.file));
    }
}
