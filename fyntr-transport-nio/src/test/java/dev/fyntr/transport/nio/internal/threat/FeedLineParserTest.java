package dev.fyntr.transport.nio.internal.threat;

import dev.fyntr.transport.nio.internal.net.Addresses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What each kind of feed line turns into: the format table of docs/threats-and-socks5.md#file-format. */
class FeedLineParserTest {

    /** Parses one line into a compact description: {@code domain:x}, {@code range:x/n}, {@code skip}, joined by spaces. */
    static String parse(String line) {
        List<String> out = new ArrayList<>();
        FeedLineParser.parse(line, new FeedLineParser.Sink() {
            @Override
            public void domain(String domain) {
                out.add("domain:" + domain);
            }

            @Override
            public void range(byte[] network, int prefixLength) {
                out.add("range:" + Addresses.toText(network) + "/" + prefixLength);
            }

            @Override
            public void unsupported(String why) {
                out.add("skip");
            }
        });
        return String.join(" ", out);
    }

    @ParameterizedTest(name = "[{0}] → {1}")
    @CsvSource(delimiterString = " => ", value = {
        // blanks and comments: nothing, and not counted
        "'' => ''",
        "'   ' => ''",
        "'# a comment' => ''",
        "'! adblock comment' => ''",
        "'  # indented comment' => ''",
        // plain domains, normalised
        "'evil.example' => 'domain:evil.example'",
        "'EVIL.Example' => 'domain:evil.example'",
        "'  evil.example  ' => 'domain:evil.example'",
        "'evil.example.' => 'domain:evil.example'",
        "'.evil.example' => 'domain:evil.example'",
        "'evil.example # trailing comment' => 'domain:evil.example'",
        "'evil.example\t# tab comment' => 'domain:evil.example'",
        "'\uFEFFevil.example' => 'domain:evil.example'",
        // '_' and a label starting with '-' are not host names (HostNames): no request can carry them
        "'_dmarc.evil.example' => 'skip'",
        "'com' => 'domain:com'",
        // IDNA: Unicode becomes the ASCII form hosts are matched in
        "'bücher.example' => 'domain:xn--bcher-kva.example'",
        "'BÜCHER.example' => 'domain:xn--bcher-kva.example'",
        "'xn--bcher-kva.example' => 'domain:xn--bcher-kva.example'",
        // adblock
        "'||evil.example^' => 'domain:evil.example'",
        "'||192.0.2.9^' => 'range:192.0.2.9/32'",
        "'||evil.example^$third-party' => 'skip'",
        "'||evil.example' => 'skip'",
        "'||evil.example/ads^' => 'skip'",
        "'@@||good.example^' => 'skip'",
        "'example.com##.banner' => 'skip'",
        "'/banner[0-9]+/' => 'skip'",
        "'|https://evil.example/' => 'skip'",
        // IPs and ranges
        "'192.0.2.7' => 'range:192.0.2.7/32'",
        "'2001:db8::7' => 'range:2001:db8::7/128'",
        "'192.0.2.0/24' => 'range:192.0.2.0/24'",
        "'192.0.2.7/24' => 'range:192.0.2.0/24'",
        "'2001:db8::/32' => 'range:2001:db8::/32'",
        "'::ffff:192.0.2.0/120' => 'range:192.0.2.0/24'",
        "'::ffff:192.0.2.7' => 'range:192.0.2.7/32'",
        "'0.0.0.0/0' => 'range:0.0.0.0/0'",
        "'192.0.2.0/33' => 'skip'",
        "'192.0.2.0/' => 'skip'",
        "'192.0.2.0/x' => 'skip'",
        // hosts-file lines
        "'0.0.0.0 evil.example' => 'domain:evil.example'",
        "'127.0.0.1\tevil.example' => 'domain:evil.example'",
        "'0.0.0.0 a.example b.example' => 'domain:a.example domain:b.example'",
        "'127.0.0.1 localhost' => ''",
        "'::1 localhost ip6-localhost ip6-loopback' => ''",
        "'0.0.0.0 0.0.0.0' => ''",
        "'0.0.0.0 evil.example # ad server' => 'domain:evil.example'",
        "'192.0.2.1 evil.example' => 'skip'",
        "'evil.example other.example' => 'skip'",
        // unsupported: wildcards, paths, numeric-looking names, bad labels
        "'*.evil.example' => 'skip'",
        "'evil.*' => 'skip'",
        "'evil.example/path' => 'skip'",
        "'127.1' => 'skip'",
        "'0x7f000001' => 'skip'",
        "'2130706433' => 'skip'",
        "'0177.0.0.1' => 'skip'",
        "'evil..example' => 'skip'",
        "'-evil.example' => 'skip'",
        "'ev!l.example' => 'skip'",
        "'http://evil.example' => 'skip'",
        "'a.b:443' => 'skip'",
    })
    void shouldClassifyEachKindOfLine(String line, String expected) {
        assertEquals(expected, parse(line));
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", value = {
        "'192.0.2.0/\uff12\uff14' => 'skip'",
        "'192.0.2.0/\u0662\u0664' => 'skip'",
        "'192.0.2.0/2\u0664' => 'skip'",
        "'192.0.2.0/24' => 'range:192.0.2.0/24'",
        "'\uff11\uff12\uff17.\uff10.\uff10.\uff11' => 'skip'",
        "'||\uff11\uff12\uff17\u3002\uff11^' => 'skip'",
        "'0.0.0.0 \uff10\uff58\uff17\uff46\uff10\uff10\uff10\uff10\uff10\uff11' => 'skip'",
    })
    void shouldReadOnlyAsciiDigitsInPrefixesAndTellNumericNamesInAnyDigits(String line, String expected) {
        // Integer.parseInt would read the prefixes; IDNA turns the full-width names into 127.0.0.1, 127.1 and
        // 0x7f000001, which no request can carry.
        assertEquals(expected, parse(line));
    }

    @Test
    void shouldAcceptLabelsUpTo63AndNamesUpTo253() {
        String label63 = "a".repeat(63);
        assertEquals("domain:" + label63 + ".example", parse(label63 + ".example"));
        assertEquals("skip", parse("a".repeat(64) + ".example"));
        String name253 = (label63 + ".").repeat(3) + "a".repeat(61); // 64 * 3 + 61 = 253
        assertEquals("domain:" + name253, parse(name253));
        assertEquals("skip", parse(name253 + "a"));
    }
}
