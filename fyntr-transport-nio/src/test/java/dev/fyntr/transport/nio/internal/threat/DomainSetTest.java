package dev.fyntr.transport.nio.internal.threat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DomainSetTest {

    private static String match(DomainSet set, String host) {
        int at = set.findSuffix(host);
        return at < 0 ? "-" : set.domainAt(at);
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
        "evil.example, evil.example",
        "api.evil.example, evil.example",
        "a.b.c.evil.example, evil.example",
        "notevil.example, -",
        "evil.example.org, -",
        "example, -",
        "vil.example, -",
        "ads.tracker.test, ads.tracker.test",
        "x.ads.tracker.test, ads.tracker.test",
        "tracker.test, -",
        "other.tracker.test, -",
    })
    void shouldMatchOnLabelBoundariesOnly(String host, String expected) {
        DomainSet set = new DomainSet();
        set.add("evil.example", 0);
        set.add("ads.tracker.test", 1);
        assertEquals(expected, match(set, host));
    }

    @Test
    void shouldReportTheBroadestEntryAndItsSource() {
        DomainSet set = new DomainSet();
        set.add("api.evil.example", 3);
        set.add("evil.example", 7);
        int at = set.findSuffix("x.api.evil.example");
        assertEquals("evil.example", set.domainAt(at));
        assertEquals(7, set.sourceAt(at));
    }

    @Test
    void shouldIgnoreDuplicatesKeepingTheFirstSource() {
        DomainSet set = new DomainSet();
        assertTrue(set.add("evil.example", 1));
        assertFalse(set.add("evil.example", 2));
        assertEquals(1, set.size());
        assertEquals(1, set.sourceAt(set.findSuffix("evil.example")));
    }

    @Test
    void shouldFindEveryEntryAfterManyResizes() {
        DomainSet set = new DomainSet();
        int n = 200_000;
        for (int i = 0; i < n; i++) {
            assertTrue(set.add("host" + i + ".feed" + (i % 97) + ".example", i & 0xFFFF));
        }
        set.trim();
        assertEquals(n, set.size());
        for (int i = 0; i < n; i += 7) {
            String entry = "host" + i + ".feed" + (i % 97) + ".example";
            int at = set.findSuffix("www." + entry);
            assertEquals(entry, set.domainAt(at));
            assertEquals(i & 0xFFFF, set.sourceAt(at));
        }
        assertEquals(-1, set.findSuffix("host" + n + ".feed0.example"));
        assertEquals(-1, set.findSuffix("feed1.example"));
    }

    @Test
    void shouldMatchNothingWhenEmpty() {
        assertEquals(-1, new DomainSet().findSuffix("evil.example"));
    }
}
