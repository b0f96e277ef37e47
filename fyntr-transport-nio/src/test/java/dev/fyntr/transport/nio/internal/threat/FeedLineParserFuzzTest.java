package dev.fyntr.transport.nio.internal.threat;

import dev.fyntr.transport.nio.internal.net.FuzzSupport;
import dev.fyntr.transport.nio.internal.net.HostNames;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzed threat-feed lines (issue 13, part 4): for any bytes, read as a feed file reads them (UTF-8, line by line),
 * each line yields nothing, valid entries (canonical domains, ranges with their host bits cleared), or an
 * unsupported rule with its reason; the parser never throws and never loops. Tries: {@link FuzzSupport}; a
 * million with {@code -Pfuzz}.
 */
@AddLifecycleHook(FeedLineParserFuzzTest.Tries.class)
class FeedLineParserFuzzTest {

    /** The tries of {@link FuzzSupport#tries()}. */
    static final class Tries extends FuzzSupport.TriesHook {
    }

    private static final List<String> VALID = List.of("evil.example", ".Evil.Example.", "b\u00fccher.example",
            "||ads.example^", "0.0.0.0 a.example b.example # note", "127.0.0.1\tlocalhost", "192.0.2.0/24",
            "2001:db8::/32", "::ffff:192.0.2.0/120", "# comment", "! adblock", "||x^$third-party", "@@||y^",
            "*.wild.example", "x.example/path", "\uFEFFbom.example", "203.0.113.7", "\uff45\uff58\u3002\uff43\uff4f");

    @Provide
    Arbitrary<byte[]> files() {
        Arbitrary<byte[]> mutated = Combinators.combine(Arbitraries.of(VALID).list().ofMinSize(1).ofMaxSize(4),
                Arbitraries.longs()).as((lines, seed) -> FuzzSupport.mutate(
                String.join("\n", lines).getBytes(StandardCharsets.UTF_8), new Random(seed)));
        Arbitrary<byte[]> random = Arbitraries.oneOf(List.of(Arbitraries.bytes(), FuzzSupport.interestingBytes()))
                .list().ofMaxSize(200).map(FeedLineParserFuzzTest::bytes);
        Arbitrary<byte[]> text = Arbitraries.strings().ofMaxLength(120)
                .map(s -> s.getBytes(StandardCharsets.UTF_8));
        return Arbitraries.frequencyOf(List.of(Tuple.of(4, mutated), Tuple.of(1, random), Tuple.of(1, text)));
    }

    @Property
    void shouldYieldValidEntriesOrAReasonForAnyLine(@ForAll("files") byte[] file) {
        FuzzSupport.bounded(file, () -> {
            for (String line : lines(file)) {
                if (line.indexOf('\uFFFD') >= 0) {
                    continue; // ThreatFeeds counts such a line as invalid UTF-8 without parsing it
                }
                int[] calls = {0};
                FeedLineParser.parse(line, new FeedLineParser.Sink() {
                    @Override
                    public void domain(String domain) {
                        calls[0]++;
                        try {
                            assertEquals(domain, HostNames.canonical(domain), "a domain entry is canonical");
                        } catch (HostNames.InvalidHostNameException e) {
                            throw new AssertionError("not a host name: " + domain + " from " + line, e);
                        }
                        assertFalse(HostNames.looksNumeric(domain), domain);
                    }

                    @Override
                    public void range(byte[] network, int prefixLength) {
                        calls[0]++;
                        assertTrue(network.length == 4 || network.length == 16, line);
                        assertTrue(prefixLength >= 0 && prefixLength <= network.length * 8, line);
                        for (int bit = prefixLength; bit < network.length * 8; bit++) {
                            assertEquals(0, network[bit / 8] & (0x80 >>> (bit % 8)), "host bits cleared: " + line);
                        }
                    }

                    @Override
                    public void unsupported(String why) {
                        calls[0]++;
                        assertFalse(why.isEmpty(), line);
                    }
                });
                // At most one call per blank-separated word: a line never makes the parser repeat itself.
                assertTrue(calls[0] <= 1 + line.length() / 2, calls[0] + " calls for " + line);
            }
        });
    }

    /** The file's lines as ThreatFeeds reads them: UTF-8, bad bytes replaced, split at line ends. */
    private static List<String> lines(byte[] file) throws Exception {
        CharBuffer text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(file));
        return text.toString().lines().toList();
    }

    private static byte[] bytes(List<Byte> list) {
        byte[] b = new byte[list.size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = list.get(i);
        }
        return b;
    }
}
