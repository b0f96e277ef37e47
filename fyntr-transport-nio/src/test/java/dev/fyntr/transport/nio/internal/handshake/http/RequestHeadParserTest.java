package dev.fyntr.transport.nio.internal.handshake.http;

import dev.fyntr.transport.nio.internal.handshake.http.RequestHeadParser.Result;
import dev.fyntr.transport.nio.internal.net.HandshakeFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestHeadParserTest {

    private static final String HEAD = "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n"
            + "User-Agent: curl/8.5.0\r\nProxy-Connection: Keep-Alive\r\n\r\n";
    /** The start of a TLS ClientHello, as a client sends it right after the head without waiting for 200. */
    private static final byte[] CLIENT_HELLO = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x0d, 0x0a};

    @Test
    void shouldParseACompleteHead() {
        RequestHeadParser p = new RequestHeadParser();
        ByteBuffer in = ascii(HEAD);
        assertEquals(Result.COMPLETE, p.feed(in));
        assertFalse(in.hasRemaining());
        assertTrue(p.isComplete());
        assertEquals("CONNECT", p.method());
        assertEquals("HTTP/1.1", p.version());
        assertEquals("example.com:443", p.target().authority());
        assertEquals("example.com:443", p.header("HOST"));
        assertNull(p.header("Content-Length"));
        assertEquals(List.of(Map.entry("host", "example.com:443"), Map.entry("user-agent", "curl/8.5.0"),
                Map.entry("proxy-connection", "Keep-Alive")), p.headers());
        assertEquals(HEAD.length(), p.headBytes());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "CONNECT example.com:443 HTTP/1.0\n\n",
            "CONNECT example.com:443 HTTP/1.1\nHost: x\n\n",
            "CONNECT example.com:443 HTTP/1.1\r\nHost: x\n\r\n",
            "CONNECT example.com:443 HTTP/1.1\r\n\r\n",
            "\r\n\nCONNECT example.com:443 HTTP/1.1\r\n\r\n",
            "CONNECT example.com:443 HTTP/1.1\r\nX-Empty:\r\nX-Spaces: \t a b \t\r\n\r\n",
    })
    void shouldAcceptCrlfBareLfAndLeadingEmptyLines(String head) {
        RequestHeadParser p = new RequestHeadParser();
        ByteBuffer in = ascii(head);
        assertEquals(Result.COMPLETE, p.feed(in));
        assertFalse(in.hasRemaining());
        assertEquals("example.com", p.target().host());
    }

    @Test
    void shouldTrimHeaderValuesButKeepInnerWhitespace() {
        RequestHeadParser p = complete("CONNECT example.com:443 HTTP/1.1\r\nX-Empty:\r\nX-Spaces: \t a b \t\r\n\r\n");
        assertEquals("", p.header("x-empty"));
        assertEquals("a b", p.header("x-spaces"));
    }

    @Test
    void shouldAcceptObsTextInHeaderValues() {
        byte[] head = bytes("CONNECT example.com:443 HTTP/1.1\r\nX-Name: caf", new byte[] {(byte) 0xE9}, "\r\n\r\n");
        RequestHeadParser p = new RequestHeadParser();
        assertEquals(Result.COMPLETE, p.feed(ByteBuffer.wrap(head)));
        assertEquals("caf\u00e9", p.header("x-name"));
    }

    @Test
    void shouldDecodeAUtf8TargetThroughIdna() {
        byte[] head = ("CONNECT b\u00fccher.de:443 HTTP/1.1\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        RequestHeadParser p = new RequestHeadParser();
        assertEquals(Result.COMPLETE, p.feed(ByteBuffer.wrap(head)));
        assertEquals("xn--bcher-kva.de", p.target().host());
    }

    @Test
    void shouldLeavePipelinedBytesInTheBuffer() {
        byte[] all = bytes(HEAD, CLIENT_HELLO, "");
        ByteBuffer in = ByteBuffer.wrap(all);
        RequestHeadParser p = new RequestHeadParser();
        assertEquals(Result.COMPLETE, p.feed(in));
        assertEquals(HEAD.length(), in.position());
        assertArrayEquals(CLIENT_HELLO, remaining(in));
        assertEquals(Result.COMPLETE, p.feed(in), "once complete, nothing more is consumed");
        assertEquals(HEAD.length(), in.position());
    }

    @Test
    void shouldParseAHeadArrivingOneByteAtATime() {
        byte[] all = bytes(HEAD, CLIENT_HELLO, "");
        RequestHeadParser p = new RequestHeadParser();
        for (int i = 0; i < HEAD.length() - 1; i++) {
            ByteBuffer one = ByteBuffer.wrap(all, i, 1);
            assertEquals(Result.NEED_MORE, p.feed(one), "byte " + i);
            assertFalse(one.hasRemaining());
        }
        ByteBuffer last = ByteBuffer.wrap(all, HEAD.length() - 1, 1);
        assertEquals(Result.COMPLETE, p.feed(last));
        ByteBuffer payload = ByteBuffer.wrap(all, HEAD.length(), CLIENT_HELLO.length);
        assertEquals(Result.COMPLETE, p.feed(payload));
        assertEquals(HEAD.length(), payload.position(), "payload untouched");
        assertEquals("example.com:443", p.target().authority());
    }

    @Test
    void shouldParseTheSameWhereverTheBytesAreSplit() {
        String head = "CONNECT [2001:db8::1]:443 HTTP/1.1\r\nHost: x\nA: b\r\n\r\n";
        byte[] all = bytes(head, CLIENT_HELLO, "");
        for (int split = 0; split <= all.length; split++) {
            RequestHeadParser p = new RequestHeadParser();
            ByteBuffer first = ByteBuffer.wrap(all, 0, split);
            Result r = p.feed(first);
            if (split < head.length()) {
                assertEquals(Result.NEED_MORE, r, "split " + split);
                ByteBuffer rest = ByteBuffer.wrap(all, split, all.length - split);
                assertEquals(Result.COMPLETE, p.feed(rest), "split " + split);
                assertEquals(head.length(), rest.position(), "split " + split);
            } else {
                assertEquals(Result.COMPLETE, r, "split " + split);
                assertEquals(head.length(), first.position(), "split " + split);
            }
            assertEquals("[2001:db8::1]:443", p.target().authority());
            assertEquals("b", p.header("a"));
        }
    }

    @Test
    void shouldNotAnswerBeforeItIsComplete() {
        RequestHeadParser p = new RequestHeadParser();
        assertEquals(Result.NEED_MORE, p.feed(ascii("CONNECT example.com:443 HTTP/1.1\r\n")));
        assertThrows(IllegalStateException.class, p::target);
        assertThrows(IllegalStateException.class, p::version);
        assertThrows(IllegalStateException.class, p::headers);
        assertThrows(IllegalStateException.class, p::failure);
        assertEquals(Result.NEED_MORE, p.feed(ByteBuffer.allocate(0)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // shape of the request line
            "CONNECT example.com:443\\r\\n\\r\\n|400",
            "CONNECT  example.com:443 HTTP/1.1\\r\\n|400",
            "CONNECT example.com:443 HTTP/1.1 \\r\\n|400",
            "' CONNECT example.com:443 HTTP/1.1\\r\\n'|400",
            "CONNECT\\texample.com:443\\tHTTP/1.1\\r\\n|400",
            "CONNECT example.com:443 extra HTTP/1.1\\r\\n|400",
            "CONNECT\\r\\n|400",
            "CONNECT example.com:443 HTTP/1.1\\rX|400",
            "CONNECT exa\\u0000mple.com:443 HTTP/1.1\\r\\n|400",
            // version
            "CONNECT example.com:443 HTTP/2\\r\\n|505",
            "CONNECT example.com:443 HTTP/2.0\\r\\n|505",
            "CONNECT example.com:443 HTTP/1.2\\r\\n|505",
            "CONNECT example.com:443 HTTP/3\\r\\n|505",
            "CONNECT example.com:443 HTTP/0.9\\r\\n|505",
            "GET / HTTP/2.0\\r\\n|505",
            "CONNECT example.com:443 http/1.1\\r\\n|400",
            "CONNECT example.com:443 HTTP/1.1.1\\r\\n|400",
            "CONNECT example.com:443 HTTP/11\\r\\n|400",
            "CONNECT example.com:443 HTTP/\\r\\n|400",
            "CONNECT example.com:443 HTTP/1.x\\r\\n|400",
            "CONNECT example.com:443 FOO\\r\\n|400",
            // method
            "GET http://example.com/ HTTP/1.1\\r\\n|405",
            "connect example.com:443 HTTP/1.1\\r\\n|405",
            "POST / HTTP/1.0\\r\\n|405",
            "G(T / HTTP/1.1\\r\\n|400",
            // target
            "CONNECT example.com HTTP/1.1\\r\\n|400",
            "CONNECT 127.1:443 HTTP/1.1\\r\\n|400",
            "CONNECT http://example.com:443 HTTP/1.1\\r\\n|400",
            // header syntax
            "CONNECT example.com:443 HTTP/1.1\\r\\nHost: x\\r\\n folded\\r\\n\\r\\n|400",
            "CONNECT example.com:443 HTTP/1.1\\r\\n\\tfolded\\r\\n\\r\\n|400",
            "CONNECT example.com:443 HTTP/1.1\\r\\nHost : x\\r\\n\\r\\n|400",
            "CONNECT example.com:443 HTTP/1.1\\r\\nNoColon\\r\\n\\r\\n|400",
            "CONNECT example.com:443 HTTP/1.1\\r\\n: value\\r\\n\\r\\n|400",
            "CONNECT example.com:443 HTTP/1.1\\r\\nX(a): v\\r\\n\\r\\n|400",
            "CONNECT example.com:443 HTTP/1.1\\r\\nX-A: a\\u0001b\\r\\n\\r\\n|400",
            "CONNECT example.com:443 HTTP/1.1\\r\\nX-A: a\\u007fb\\r\\n\\r\\n|400",
            "CONNECT example.com:443 HTTP/1.1\\r\\nX-A: a\\rb\\r\\n\\r\\n|400",
            "CONNECT example.com:443 HTTP/1.1\\r\\nX-A: a\\r\\r\\n\\r\\n|400",
    })
    void shouldRefuseBadHeads(String escaped, int status) {
        RequestHeadParser p = new RequestHeadParser();
        assertEquals(Result.FAILED, p.feed(ascii(unescape(escaped))));
        HandshakeFailure f = p.failure();
        assertEquals(status, f.status(), f.toString());
        assertTrue(f.message().chars().allMatch(c -> c >= 0x20 && c < 0x7F), f.message());
        assertEquals(status == 405 ? List.of("Allow: CONNECT") : List.of(), f.extraHeaders());
        assertThrows(IllegalStateException.class, p::target);
    }

    @Test
    void shouldAcceptAnyPortHereAndLeaveThePolicyToItsCaller() {
        assertEquals(22, complete("CONNECT example.com:22 HTTP/1.1\r\n\r\n").target().port());
    }

    @Test
    void shouldRefuseTheRequestLineAsSoonAsItEnds() {
        RequestHeadParser p = new RequestHeadParser();
        ByteBuffer in = ascii("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(Result.FAILED, p.feed(in));
        assertEquals("GET / HTTP/1.1\r\n".length(), in.position(), "headers are not read after a refused request line");
        assertEquals(Result.FAILED, p.feed(in));
        assertEquals("GET / HTTP/1.1\r\n".length(), in.position());
        assertEquals("method \"GET\" is not supported; this proxy only accepts CONNECT host:port (use it as HTTPS_PROXY)",
                p.failure().message());
    }

    @Test
    void shouldRefuseInvalidUtf8InTheTarget() {
        byte[] head = bytes("CONNECT exa", new byte[] {(byte) 0xFF}, "mple.com:443 HTTP/1.1\r\n\r\n");
        RequestHeadParser p = new RequestHeadParser();
        assertEquals(Result.FAILED, p.feed(ByteBuffer.wrap(head)));
        assertEquals("bad CONNECT target \"exa\\xffmple.com:443\": it is not valid UTF-8", p.failure().message());
    }

    // ---- limits: exactly at the boundary passes, one past fails, detected while streaming ----

    @Test
    void shouldAllowARequestLineOfExactlyTheLimitAndRefuseOneMoreByteWith414() {
        String prefix = "CONNECT ";
        String suffix = ":443 HTTP/1.1";
        int max = 64;
        String host = hostOfLength(max - prefix.length() - suffix.length());
        String line = prefix + host + suffix;
        assertEquals(max, line.length());
        RequestHeadParser ok = new RequestHeadParser(max, 8192, 32768, 100);
        assertEquals(Result.COMPLETE, ok.feed(ascii(line + "\r\n\r\n")));

        String tooLong = prefix + "a" + host + suffix;
        RequestHeadParser p = new RequestHeadParser(max, 8192, 32768, 100);
        assertEquals(Result.FAILED, p.feed(ascii(tooLong + "\r\n\r\n")));
        assertEquals(414, p.failure().status());
    }

    @Test
    void shouldMeasureTheDefaultRequestLineLimitWithoutTheLineEnd() {
        String line8192 = "CONNECT " + "a".repeat(8192 - "CONNECT  HTTP/1.1".length()) + " HTTP/1.1";
        assertEquals(8192, line8192.length());
        RequestHeadParser p = new RequestHeadParser();
        assertEquals(Result.FAILED, p.feed(ascii(line8192 + "\r\n\r\n")));
        assertEquals(400, p.failure().status(), "within the line limit: judged on its content (no port)");

        RequestHeadParser q = new RequestHeadParser();
        assertEquals(Result.FAILED, q.feed(ascii("C" + line8192 + "\r\n\r\n")));
        assertEquals(414, q.failure().status());
        assertEquals("the request line is longer than 8192 bytes", q.failure().message());
    }

    @Test
    void shouldDetectALongRequestLineWhileItStreams() {
        RequestHeadParser p = new RequestHeadParser();
        ByteBuffer in = ascii("CONNECT " + "a".repeat(20000));
        assertEquals(Result.FAILED, p.feed(in));
        assertEquals(414, p.failure().status());
        assertEquals(8193, in.position(), "failed on the first byte past the limit, without waiting for the line end");
    }

    @Test
    void shouldAllowAHeaderLineOfExactlyTheLimitAndRefuseOneMoreByteWith431() {
        String start = "CONNECT example.com:443 HTTP/1.1\r\n";
        String header8192 = "X-Pad: " + "a".repeat(8192 - "X-Pad: ".length());
        assertEquals(8192, header8192.length());
        assertEquals(Result.COMPLETE, new RequestHeadParser().feed(ascii(start + header8192 + "\r\n\r\n")));

        RequestHeadParser p = new RequestHeadParser();
        ByteBuffer in = ascii(start + header8192 + "a" + "a".repeat(100));
        assertEquals(Result.FAILED, p.feed(in));
        assertEquals(431, p.failure().status());
        assertEquals("a header line is longer than 8192 bytes", p.failure().message());
        assertEquals(start.length() + 8193, in.position(), "detected while streaming");
    }

    @Test
    void shouldAllowExactly100HeaderLinesAndRefuseThe101stWith431() {
        String start = "CONNECT example.com:443 HTTP/1.1\r\n";
        StringBuilder h = new StringBuilder(start);
        for (int i = 0; i < 100; i++) {
            h.append("X-H").append(i).append(": v\r\n");
        }
        assertEquals(Result.COMPLETE, new RequestHeadParser().feed(ascii(h + "\r\n")));
        assertEquals(100, complete(h + "\r\n").headers().size());

        RequestHeadParser p = new RequestHeadParser();
        ByteBuffer in = ascii(h + "X-One-Too-Many: v\r\n\r\n");
        assertEquals(Result.FAILED, p.feed(in));
        assertEquals(431, p.failure().status());
        assertEquals("the request head has more than 100 header lines", p.failure().message());
        assertEquals(h.length() + 1, in.position(), "refused on the first byte of the 101st line");
    }

    @Test
    void shouldAllowAHeadOfExactlyTheLimitAndRefuseOneMoreByteWith431() {
        String exact = headOfSize(32768);
        assertEquals(32768, exact.length());
        RequestHeadParser ok = new RequestHeadParser();
        assertEquals(Result.COMPLETE, ok.feed(ascii(exact)));
        assertEquals(32768, ok.headBytes());

        String over = headOfSize(32769);
        RequestHeadParser p = new RequestHeadParser();
        ByteBuffer in = ascii(over);
        assertEquals(Result.FAILED, p.feed(in));
        assertEquals(431, p.failure().status());
        assertEquals("the request head is larger than 32768 bytes", p.failure().message());
        assertEquals(32769, in.position());
    }

    @Test
    void shouldDetectALargeHeadWhileItStreams() {
        String big = headOfSize(40000);
        RequestHeadParser p = new RequestHeadParser();
        byte[] all = big.getBytes(StandardCharsets.US_ASCII);
        int fed = 0;
        Result r = Result.NEED_MORE;
        while (r == Result.NEED_MORE && fed < all.length) {
            int n = Math.min(1000, all.length - fed);
            ByteBuffer chunk = ByteBuffer.wrap(all, fed, n);
            r = p.feed(chunk);
            fed = chunk.position();
        }
        assertEquals(Result.FAILED, r);
        assertEquals(431, p.failure().status());
        assertEquals(32769, fed);
    }

    @Test
    void shouldCountLeadingEmptyLinesTowardsTheHeadLimit() {
        RequestHeadParser p = new RequestHeadParser();
        ByteBuffer in = ascii("\r\n".repeat(20000));
        assertEquals(Result.FAILED, p.feed(in));
        assertEquals(431, p.failure().status());
        assertEquals(32769, in.position());
    }

    @Test
    void shouldRejectNonsenseLimits() {
        assertThrows(IllegalArgumentException.class, () -> new RequestHeadParser(8, 8192, 32768, 100));
        assertThrows(IllegalArgumentException.class, () -> new RequestHeadParser(8192, 0, 32768, 100));
        assertThrows(IllegalArgumentException.class, () -> new RequestHeadParser(8192, 8192, 100, 100));
        assertThrows(IllegalArgumentException.class, () -> new RequestHeadParser(8192, 8192, 32768, -1));
    }

    /** A valid head of exactly {@code size} bytes, made of header lines of at most 8000 bytes. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "CONNECT example.com:443 HTTP/\u0661.\u0661|malformed HTTP version",
            "CONNECT example.com:443 HTTP/\uff11.\uff11|malformed HTTP version",
            "CONNECT example.com:443 HTTP/\u0662|malformed HTTP version",
            "CONNECT example.com:\u0664\u0664\u0663 HTTP/1.1|the port must be a number 1-65535",
            "CONNECT example.com:\uff14\uff14\uff13 HTTP/1.1|the port must be a number 1-65535",
            "CONNECT example.com:44\u09e9 HTTP/1.1|the port must be a number 1-65535",
    })
    void shouldReadOnlyAsciiDigitsInTheVersionAndThePort(String line, String reason) {
        // Sent as UTF-8, as a client would: another script's digit is no digit (400, not 505 or a tunnel).
        RequestHeadParser p = new RequestHeadParser();
        assertEquals(Result.FAILED, p.feed(ByteBuffer.wrap((line + "\r\n\r\n").getBytes(StandardCharsets.UTF_8))));
        assertEquals(400, p.failure().status());
        assertTrue(p.failure().message().contains(reason), p.failure().message());
    }

    private static String headOfSize(int size) {
        StringBuilder sb = new StringBuilder("CONNECT example.com:443 HTTP/1.1\r\n");
        int i = 0;
        while (true) {
            int left = size - sb.length() - 2; // what the headers may still take before the final CRLF
            String name = "X-Pad-" + i++ + ": ";
            int minimal = name.length() + 2;
            if (left <= 0) {
                break;
            }
            int line = Math.min(left, 8000);
            if (left - line > 0 && left - line < 20) {
                line -= 20; // leave room for one more well-formed line
            }
            sb.append(name).append("a".repeat(line - minimal)).append("\r\n");
        }
        sb.append("\r\n");
        return sb.toString();
    }

    private static String hostOfLength(int n) {
        StringBuilder sb = new StringBuilder();
        while (sb.length() < n) {
            int label = Math.min(50, n - sb.length());
            if (sb.length() > 0) {
                sb.append('.');
                label = Math.min(50, n - sb.length());
            }
            sb.append("a".repeat(label));
        }
        return sb.toString();
    }

    private static RequestHeadParser complete(String head) {
        RequestHeadParser p = new RequestHeadParser();
        assertEquals(Result.COMPLETE, p.feed(ascii(head)));
        return p;
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static byte[] bytes(String before, byte[] middle, String after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(before.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(middle);
        out.writeBytes(after.getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    private static byte[] remaining(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    /** Table rows write CR, LF, TAB and \\uXXXX escaped. */
    private static String unescape(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char n = s.charAt(++i);
            switch (n) {
                case 'r' -> sb.append('\r');
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    sb.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> throw new IllegalArgumentException("escape \\" + n);
            }
        }
        return sb.toString();
    }
}
