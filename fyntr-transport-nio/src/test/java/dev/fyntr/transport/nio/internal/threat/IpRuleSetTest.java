package dev.fyntr.transport.nio.internal.threat;

import dev.fyntr.transport.nio.internal.net.Addresses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class IpRuleSetTest {

    private static IpRuleSet rules(String... lines) {
        IpRuleSet.Builder b = new IpRuleSet.Builder();
        for (int i = 0; i < lines.length; i++) {
            int source = i;
            FeedLineParser.parse(lines[i], new FeedLineParser.Sink() {
                @Override
                public void domain(String domain) {
                    throw new AssertionError(domain);
                }

                @Override
                public void range(byte[] network, int prefixLength) {
                    b.add(network, prefixLength, source);
                }

                @Override
                public void unsupported(String why) {
                    throw new AssertionError(why);
                }
            });
        }
        return b.build();
    }

    private static String find(IpRuleSet set, String address) {
        InetAddress a = Addresses.literal(address);
        IpRuleSet.Match m = set.find(a);
        return m == null ? "-" : m.ruleText() + "@" + m.source();
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
        "192.0.2.7, 192.0.2.7@0",
        "192.0.2.8, 192.0.2.0/24@1",
        "192.0.3.1, 192.0.0.0/16@2",
        "192.1.0.1, -",
        "198.51.100.255, 198.51.100.0/24@3",
        "198.51.101.0, -",
        "::ffff:192.0.2.7, 192.0.2.7@0",
        "2001:db8::1, 2001:db8::1@4",
        "2001:db8::2, 2001:db8::/32@5",
        "2001:db9::1, -",
        "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff, 2001:db8::/32@5",
        "fd00::1:2, fd00::1:0/112@6",
        "fd00::2:0, -",
    })
    void shouldFindTheMostSpecificRule(String address, String expected) {
        IpRuleSet set = rules("192.0.2.7", "192.0.2.0/24", "192.0.0.0/16", "198.51.100.0/24", "2001:db8::1",
                "2001:db8::/32", "fd00::1:0/112");
        assertEquals(expected, find(set, address));
    }

    @Test
    void shouldHandleTheWholeSpaceAndDuplicates() {
        IpRuleSet set = rules("0.0.0.0/0", "10.0.0.0/8", "10.0.0.0/8", "::/0");
        assertEquals(3, set.size());
        assertEquals("10.0.0.0/8@1", find(set, "10.1.2.3"));
        assertEquals("0.0.0.0/0@0", find(set, "203.0.113.1"));
        assertEquals("::/0@3", find(set, "2001:db8::9"));
    }

    @Test
    void shouldMatchNothingWhenEmpty() {
        assertNull(new IpRuleSet.Builder().build().find(Addresses.literal("192.0.2.1")));
    }
}
