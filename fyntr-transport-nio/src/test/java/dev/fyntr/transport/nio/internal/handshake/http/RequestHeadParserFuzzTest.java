package dev.fyntr.transport.nio.internal.handshake.http;

import dev.fyntr.transport.nio.internal.handshake.http.RequestHeadParser.Result;
import dev.fyntr.transport.nio.internal.net.ConnectTarget;
import dev.fyntr.transport.nio.internal.net.FuzzSupport;
import dev.fyntr.transport.nio.internal.net.HandshakeFailure;
import dev.fyntr.transport.nio.internal.net.HostNames;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzed request heads (issue 13, part 4): whatever the bytes and however they are split, the parser returns a
 * request or one precise error, never throws, never consumes past the head or past its limits, and never loops.
 * Tries: {@link FuzzSupport}; a million with {@code -Pfuzz}.
 */
@AddLifecycleHook(RequestHeadParserFuzzTest.Tries.class)
class RequestHeadParserFuzzTest {

    /** The tries of {@link FuzzSupport#tries()}. */
    static final class Tries extends FuzzSupport.TriesHook {
    }

    private static final List<byte[]> VALID = List.of(
            ascii("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nUser-Agent: curl/8.5.0\r\n\r\n"),
            ascii("CONNECT [2001:db8::1]:8443 HTTP/1.0\r\n\r\n\u0016\u0003\u0001\u0002\u0000\u0001"),
            ascii("\r\n\nCONNECT 192.0.2.1:443 HTTP/1.1\nProxy-Connection: keep-alive\n\n"),
            "CONNECT b\u00fccher.example:443 HTTP/1.1\r\nX-A:\tb c \r\n\r\n".getBytes(StandardCharsets.UTF_8),
            ascii("GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n"),
            ascii("CONNECT a.b-c.d:1 HTTP/2\r\n\r\n"));

    /** Statuses a bad head may get, and the Proxy-Status error type of each. */
    private static final Map<Integer, String> STATUSES = Map.of(400, "http_request_error", 405, "http_request_denied",
            414, "http_request_error", 431, "http_request_error", 505, "http_request_error");

    /** The parser's limits: the defaults, or small ones that inputs of a few hundred bytes reach. */
    record Limits(int requestLine, int headerLine, int head, int headerLines) {
        RequestHeadParser parser() {
            return new RequestHeadParser(requestLine, headerLine, head, headerLines);
        }
    }

    @Provide
    Arbitrary<byte[]> heads() {
        Arbitrary<byte[]> mutated = Combinators.combine(Arbitraries.of(VALID), Arbitraries.longs())
                .as((valid, seed) -> FuzzSupport.mutate(valid, new Random(seed)));
        Arbitrary<byte[]> random = Arbitraries.oneOf(List.of(Arbitraries.bytes(), FuzzSupport.interestingBytes()))
                .list().ofMaxSize(300).map(RequestHeadParserFuzzTest::bytes);
        return Arbitraries.frequencyOf(List.of(net.jqwik.api.Tuple.of(3, mutated), net.jqwik.api.Tuple.of(1, random)));
    }

    @Provide
    Arbitrary<Limits> limits() {
        Arbitrary<Limits> small = Combinators.combine(Arbitraries.integers().between(16, 80),
                Arbitraries.integers().between(1, 80), Arbitraries.integers().between(0, 200),
                Arbitraries.integers().between(0, 5)).as((rl, hl, extra, lines) -> new Limits(rl, hl, rl + extra, lines));
        return Arbitraries.oneOf(List.of(small, Arbitraries.just(new Limits(RequestHeadParser.DEFAULT_MAX_REQUEST_LINE_BYTES,
                RequestHeadParser.DEFAULT_MAX_HEADER_LINE_BYTES, RequestHeadParser.DEFAULT_MAX_HEAD_BYTES,
                RequestHeadParser.DEFAULT_MAX_HEADER_LINES))));
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return FuzzSupport.cuts();
    }

    @Property
    void shouldReturnARequestOrAPreciseErrorHoweverTheBytesAreSplit(@ForAll("heads") byte[] input,
                                                                    @ForAll("cuts") List<Integer> cuts,
                                                                    @ForAll("limits") Limits limits) {
        FuzzSupport.bounded(input, () -> {
            Outcome whole = feedSplit(limits, input, List.of(ByteBuffer.wrap(input)));
            Outcome split = feedSplit(limits, input, FuzzSupport.split(input, cuts));
            assertEquals(whole, split, "the same outcome however the bytes are split");
        });
    }

    /** What the parser made of the input; equal for every way of splitting it. */
    record Outcome(Result result, int consumed, String failure, String target, String version,
                   List<Map.Entry<String, String>> headers) {
    }

    private static Outcome feedSplit(Limits limits, byte[] input, List<ByteBuffer> chunks) {
        RequestHeadParser p = limits.parser();
        int consumed = 0;
        Result last = Result.NEED_MORE;
        for (ByteBuffer chunk : chunks) {
            int before = chunk.remaining();
            Result r = p.feed(chunk);
            int took = before - chunk.remaining();
            if (last != Result.NEED_MORE) {
                assertEquals(last, r, "a finished parser keeps its result");
                assertEquals(0, took, "a finished parser consumes nothing more");
            }
            if (r == Result.NEED_MORE) {
                assertFalse(chunk.hasRemaining(), "NEED_MORE consumed the whole buffer");
            }
            consumed += took;
            last = r;
        }
        assertEquals(consumed, p.headBytes(), "headBytes counts every byte consumed");
        assertTrue(consumed <= input.length);
        switch (last) {
            case NEED_MORE -> {
                assertEquals(input.length, consumed);
                assertTrue(consumed <= limits.head(), "a head past its limit is refused, not awaited");
                return new Outcome(last, consumed, null, null, null, null);
            }
            case FAILED -> {
                assertTrue(consumed <= limits.head() + 1, "failed at most one byte past the head limit: " + consumed);
                HandshakeFailure f = p.failure();
                assertNotNull(f);
                assertEquals(STATUSES.get(f.status()), f.proxyStatusError(), f.toString());
                assertTrue(!f.message().isEmpty() && f.message().chars().allMatch(c -> c >= 0x20 && c < 0x7F),
                        f.message());
                return new Outcome(last, consumed, f.status() + " " + f.message(), null, null, null);
            }
            default -> {
                assertTrue(consumed <= limits.head(), "a complete head is within its limit: " + consumed);
                assertEquals("CONNECT", p.method());
                assertTrue(Set.of("HTTP/1.1", "HTTP/1.0").contains(p.version()), p.version());
                ConnectTarget t = p.target();
                assertTrue(t.port() >= 1 && t.port() <= 65535);
                if (t.isLiteral()) {
                    assertNotNull(t.literal());
                } else {
                    assertEquals(t.host(), canonical(t.host()), "a name target is in the one canonical form");
                    assertFalse(HostNames.looksNumeric(t.host()), t.host());
                }
                for (Map.Entry<String, String> h : p.headers()) {
                    assertTrue(h.getKey().matches("[!#$%&'*+.^_`|~0-9a-z-]+"), h.getKey());
                    assertTrue(h.getValue().chars().allMatch(c -> (c >= 0x20 && c != 0x7F) || c == '\t'), h.getValue());
                }
                return new Outcome(last, consumed, null, t.authority(), p.version(), p.headers());
            }
        }
    }

    private static String canonical(String host) {
        try {
            return HostNames.canonical(host);
        } catch (HostNames.InvalidHostNameException e) {
            throw new AssertionError(host + ": " + e.getMessage(), e);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] bytes(List<Byte> list) {
        byte[] b = new byte[list.size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = list.get(i);
        }
        return b;
    }
}
