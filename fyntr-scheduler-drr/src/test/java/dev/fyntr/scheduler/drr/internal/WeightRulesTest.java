package dev.fyntr.scheduler.drr.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fyntr.api.spi.FlowInfo;
import dev.fyntr.api.spi.SchedulerConfig;
import dev.fyntr.scheduler.drr.WeightedDrrSchedulerProvider;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class WeightRulesTest {

    private static FlowInfo to(String host, int port) {
        return WeightedSharesTest.to(host, port);
    }

    @Test
    void shouldMatchExactHostsSubdomainsPortsAndAnyInOrder() {
        WeightRules rules = WeightRules.parse("registry.example=4, *.internal=0.5 ,port:22=8,*=0.25");
        assertEquals(4, rules.weightOf(to("registry.example", 443)));
        assertEquals(0.25, rules.weightOf(to("a.registry.example", 443)), "exact means that host only");
        assertEquals(0.5, rules.weightOf(to("db.internal", 22)), "the first matching rule wins over port:22");
        assertEquals(0.25, rules.weightOf(to("internal", 443)), "*.internal does not match internal itself");
        assertEquals(0.25, rules.weightOf(to("notinternal", 443)));
        assertEquals(8, rules.weightOf(to("bastion.example", 22)));
        assertEquals(0.25, rules.weightOf(FlowInfo.unknown()));
        assertEquals("registry.example=4,*.internal=0.5,port:22=8,*=0.25", rules.toString());
    }

    @Test
    void shouldGiveOneWithoutAMatchingRuleAndForBlankText() {
        assertEquals(1, WeightRules.parse("a.example=2").weightOf(to("b.example", 443)));
        assertEquals(0, WeightRules.parse("  ").size());
        assertEquals(1, WeightRules.parse(null).weightOf(to("a", 1)));
        assertEquals("none", WeightRules.none().toString());
    }

    @Test
    void shouldNormaliseCaseTrailingDotsAndIpv6Brackets() {
        WeightRules rules = WeightRules.parse("Registry.Example.=2,[::1]=3,192.0.2.7=5");
        assertEquals(2, rules.weightOf(to("registry.example", 443)));
        assertEquals(3, rules.weightOf(to("::1", 443)));
        assertEquals(5, rules.weightOf(to("192.0.2.7", 443)));
    }

    @Test
    void shouldNameTheBadRuleWhyAndTheSyntax() {
        assertRefused("a.example=4,b.example", "invalid weight rule 'b.example': it needs PATTERN=WEIGHT");
        assertRefused("a.example=0", "invalid weight rule 'a.example=0': weight '0' is not a number from 0.01 to 100");
        assertRefused("a.example=101", "weight '101' is not a number from 0.01 to 100");
        assertRefused("a.example=-1", "weight '-1' is not a number from 0.01 to 100");
        assertRefused("a.example=1e2", "weight '1e2' is not a number from 0.01 to 100");
        assertRefused("a.example=NaN", "weight 'NaN'");
        assertRefused("port:0=2", "'0' is not a port from 1 to 65535");
        assertRefused("port:http=2", "'http' is not a port from 1 to 65535");
        assertRefused("a b=2", "'a b' is not a host name, *.DOMAIN, port:N or *");
        assertRefused("*.=2", "is not a host name");
        assertRefused("a=1,,b=2", "invalid weight rule '': it is empty");
        assertRefused("=2", "it needs PATTERN=WEIGHT");
    }

    private static void assertRefused(String text, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WeightRules.parse(text));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().endsWith(WeightRules.SYNTAX), e.getMessage());
    }

    @Test
    void shouldRefuseBadRulesWhenTheSchedulerIsCreatedAndDescribeGoodOnes() {
        WeightedDrrSchedulerProvider provider = new WeightedDrrSchedulerProvider();
        SchedulerConfig bad = SchedulerConfig.defaults().withOption("weight", "x=y");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> provider.create(bad));
        assertTrue(e.getMessage().startsWith("invalid weight rule 'x=y'"), e.getMessage());
        assertEquals("weights port:22=8, quantum auto, sparse-flow priority on",
                provider.description(SchedulerConfig.defaults().withOption("weight", "port:22=8.0")));
    }

    /** Any list of well-formed rules parses, prints back to text that parses to the same rules, and weighs alike. */
    @Property(tries = 300)
    void shouldRoundTripWellFormedRules(@ForAll("ruleLists") String text, @ForAll("hosts") String host,
                                        @ForAll("ports") int port) {
        WeightRules rules = WeightRules.parse(text);
        WeightRules again = WeightRules.parse(rules.toString());
        assertEquals(rules.toString(), again.toString());
        FlowInfo info = to(host, port);
        double w = rules.weightOf(info);
        assertEquals(w, again.weightOf(info));
        assertTrue(w >= WeightRules.MIN_WEIGHT && w <= WeightRules.MAX_WEIGHT, String.valueOf(w));
    }

    @Provide
    Arbitrary<String> ruleLists() {
        Arbitrary<String> pattern = Arbitraries.oneOf(hosts(), hosts().map(h -> "*." + h),
                ports().map(p -> "port:" + p), Arbitraries.just("*"));
        Arbitrary<String> weight = Arbitraries.integers().between(1, 10_000).map(n -> String.valueOf(n / 100.0));
        Arbitrary<String> rule = pattern.flatMap(p -> weight.map(w -> p + "=" + w));
        return rule.list().ofMinSize(1).ofMaxSize(6).map(l -> String.join(",", l));
    }

    @Provide
    Arbitrary<String> hosts() {
        Arbitrary<String> label = Arbitraries.strings().withChars("abcx0").ofMinLength(1).ofMaxLength(3);
        return label.list().ofMinSize(1).ofMaxSize(3).map(l -> String.join(".", l));
    }

    @Provide
    Arbitrary<Integer> ports() {
        return Arbitraries.integers().between(1, 65_535);
    }
}
