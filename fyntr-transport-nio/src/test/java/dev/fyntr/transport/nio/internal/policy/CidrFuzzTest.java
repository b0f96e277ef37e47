package dev.fyntr.transport.nio.internal.policy;

import dev.fyntr.transport.nio.internal.net.Addresses;
import dev.fyntr.transport.nio.internal.net.FuzzSupport;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzed address and CIDR texts (issue 13, part 4): {@link Addresses#parseLiteral} returns an address or
 * {@code null} and {@link Cidr#parse} a range or an {@link IllegalArgumentException} with its reason, for any
 * text; neither throws anything else or loops, what they accept is strict ASCII, and what they return reads
 * back as itself. Tries: {@link FuzzSupport}; a million with {@code -Pfuzz}.
 */
@AddLifecycleHook(CidrFuzzTest.Tries.class)
class CidrFuzzTest {

    /** The tries of {@link FuzzSupport#tries()}. */
    static final class Tries extends FuzzSupport.TriesHook {
    }

    private static final List<String> VALID = List.of("10.0.0.0/8", "192.0.2.7", "0.0.0.0/0", "255.255.255.255/32",
            "2001:db8::/32", "::1", "::", "::ffff:10.0.0.0/104", "fe80::1:2:3:4/128", "1:2:3:4:5:6:7:8",
            "64:ff9b::192.0.2.1/128", "2002:c000:0201::/48", "::ffff:192.0.2.1", "100.64.0.0/10", "fc00::/7");

    @Provide
    Arbitrary<String> texts() {
        Arbitrary<String> mutated = Combinators.combine(Arbitraries.of(VALID), Arbitraries.longs())
                .as((valid, seed) -> mutate(valid, new Random(seed)));
        Arbitrary<String> alphabet = Arbitraries.strings()
                .withChars("0123456789abcdefABCDEFx:./% []\u0660\u0661\u0664\uff10\uff11\uff41\uff1a\uff0e\u09ea")
                .ofMaxLength(60);
        return Arbitraries.frequencyOf(List.of(Tuple.of(4, mutated), Tuple.of(2, alphabet),
                Tuple.of(1, Arbitraries.strings().ofMaxLength(60))));
    }

    @Property
    void shouldParseAnAddressOrSayNo(@ForAll("texts") String text) {
        byte[] input = text.getBytes(StandardCharsets.UTF_8);
        FuzzSupport.bounded(input, () -> {
            byte[] address = Addresses.parseLiteral(text);
            if (address == null) {
                return;
            }
            assertTrue(address.length == 4 || address.length == 16, text);
            assertTrue(isAscii(text), "accepted a non-ASCII address " + text);
            String canonical = Addresses.toText(address);
            assertArrayEquals(address, Addresses.parseLiteral(canonical), canonical);
            InetAddress literal = Addresses.literal(text);
            assertNotNull(literal, text);
        });
    }

    @Property
    void shouldParseARangeOrGiveTheReason(@ForAll("texts") String text) {
        byte[] input = text.getBytes(StandardCharsets.UTF_8);
        FuzzSupport.bounded(input, () -> {
            Cidr range;
            try {
                range = Cidr.parse(text);
            } catch (IllegalArgumentException e) {
                assertNotNull(e.getMessage());
                assertFalse(e.getMessage().isEmpty());
                return;
            }
            assertTrue(isAscii(text), "accepted a non-ASCII range " + text);
            assertTrue(range.prefixLength() >= 0 && range.prefixLength() <= (range.isIpv4() ? 32 : 128), text);
            assertEquals(range, Cidr.parse(range.toString()), "reads back as itself: " + range);
        });
    }

    private static boolean isAscii(String s) {
        return s.chars().allMatch(c -> c < 0x80);
    }

    /** Up to three edits of one character: replaced, inserted or deleted, often with an address character. */
    private static String mutate(String valid, Random r) {
        String chars = "0123456789abcdefx:./%\u0661\uff11\uff1a";
        StringBuilder sb = new StringBuilder(valid);
        for (int edits = r.nextInt(4); edits > 0 && sb.length() > 0; edits--) {
            int at = r.nextInt(sb.length());
            char c = r.nextInt(4) == 0 ? (char) r.nextInt(0x3000) : chars.charAt(r.nextInt(chars.length()));
            switch (r.nextInt(3)) {
                case 0 -> sb.setCharAt(at, c);
                case 1 -> sb.insert(at, c);
                default -> sb.deleteCharAt(at);
            }
        }
        return sb.toString();
    }
}
