package dev.fyntr.transport.nio.internal.handshake.http;

import dev.fyntr.transport.nio.internal.handshake.PlainRequest;
import dev.fyntr.transport.nio.internal.handshake.http.RequestHeadParser.Mode;
import dev.fyntr.transport.nio.internal.handshake.http.RequestHeadParser.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plain-HTTP modes of {@link RequestHeadParser}: framing, keep-alive and the smuggling checks. */
class PlainRequestParsingTest {

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.replace("|", "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    }

    private static RequestHeadParser parse(Mode mode, String head) {
        RequestHeadParser p = new RequestHeadParser(mode);
        p.feed(ascii(head));
        return p;
    }

    @Test
    void shouldParseAPlainRequestAndLeaveTheBodyInTheBuffer() {
        RequestHeadParser p = new RequestHeadParser(Mode.CONNECT_OR_PLAIN);
        ByteBuffer in = ascii("POST http://example.com/x HTTP/1.1|Host: y|Content-Length: 4||body");
        assertEquals(Result.COMPLETE, p.feed(in));
        assertEquals(4, in.remaining());
        PlainRequest r = p.plainRequest();
        assertEquals("POST", r.method());
        assertEquals("example.com:80", r.target().authority());
        assertEquals("/x", r.originForm());
        assertEquals(4, r.contentLength());
        assertFalse(r.chunked());
        assertTrue(r.keepAlive());
        assertTrue(r.hasBody());
    }

    @Test
    void shouldStillParseConnectInTheFirstRequestMode() {
        RequestHeadParser p = parse(Mode.CONNECT_OR_PLAIN, "CONNECT example.com:443 HTTP/1.1||");
        assertEquals("example.com:443", p.target().authority());
        assertNull(p.plainRequest());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '#', value = {
        "GET http://e.com/ HTTP/1.1||#true#-1#false",
        "GET http://e.com/ HTTP/1.1|Connection: close||#false#-1#false",
        "GET http://e.com/ HTTP/1.1|Connection: Keep-Alive, CLOSE||#false#-1#false",
        "GET http://e.com/ HTTP/1.0||#false#-1#false",
        "GET http://e.com/ HTTP/1.0|Connection: keep-alive||#false#-1#false",
        "POST http://e.com/ HTTP/1.1|Transfer-Encoding: chunked||#true#-1#true",
        "POST http://e.com/ HTTP/1.1|Transfer-Encoding: Chunked||#true#-1#true",
        "POST http://e.com/ HTTP/1.1|Content-Length: 5, 5|Content-Length: 5||#true#5#false",
        "POST http://e.com/ HTTP/1.1|Content-Length: 0||#true#0#false",
    })
    void shouldReadFramingAndKeepAlive(String head, boolean keepAlive, long length, boolean chunked) {
        PlainRequest r = parse(Mode.PLAIN_ONLY, head).plainRequest();
        assertEquals(keepAlive, r.keepAlive());
        assertEquals(length, r.contentLength());
        assertEquals(chunked, r.chunked());
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '#', value = {
        "POST http://e.com/ HTTP/1.1|Content-Length: 5|Transfer-Encoding: chunked||#400#ambiguous",
        "POST http://e.com/ HTTP/1.1|Transfer-Encoding: chunked|Content-Length: 5||#400#ambiguous",
        "POST http://e.com/ HTTP/1.1|Content-Length: 5|Content-Length: 6||#400#different",
        "POST http://e.com/ HTTP/1.1|Content-Length: 5, 6||#400#different",
        "POST http://e.com/ HTTP/1.1|Content-Length: -1||#400#malformed Content-Length",
        "POST http://e.com/ HTTP/1.1|Content-Length: 0x10||#400#malformed Content-Length",
        "POST http://e.com/ HTTP/1.1|Content-Length: 1234567890123456789||#400#malformed Content-Length",
        "POST http://e.com/ HTTP/1.1|Content-Length: ||#400#malformed Content-Length",
        "POST http://e.com/ HTTP/1.0|Transfer-Encoding: chunked||#400#HTTP/1.0",
        "POST http://e.com/ HTTP/1.1|Transfer-Encoding: gzip, chunked||#501#only Transfer-Encoding: chunked",
        "POST http://e.com/ HTTP/1.1|Transfer-Encoding: chunked|Transfer-Encoding: chunked||#501#only",
        "POST http://e.com/ HTTP/1.1|Transfer-Encoding: xchunked||#501#only",
        "GET http://e.com/ HTTP/1.1|X-A: 1| folded||#400#obsolete line folding",
        "GET http://e.com/ HTTP/1.1|Upgrade: websocket|Connection: Upgrade||#501#WebSocket",
        "GET / HTTP/1.1||#400#absolute URI",
        "GET https://e.com/ HTTP/1.1||#501#CONNECT",
    })
    void shouldRefuseSmugglingAndWhatItDoesNotForward(String head, int status, String says) {
        RequestHeadParser p = parse(Mode.PLAIN_ONLY, head);
        assertEquals(status, p.failure().status(), p.failure().message());
        assertTrue(p.failure().message().contains(says), p.failure().message());
    }

    @Test
    void shouldRefuseConnectAfterThePlainRequestsOfAConnection() {
        RequestHeadParser p = parse(Mode.PLAIN_ONLY, "CONNECT e.com:443 HTTP/1.1||");
        assertEquals(405, p.failure().status());
        assertTrue(p.failure().message().contains("first request"), p.failure().message());
    }

    @Test
    void shouldSayHowToTurnPlainHttpOnWhenItIsOff() {
        RequestHeadParser p = parse(Mode.CONNECT_ONLY, "GET http://e.com/ HTTP/1.1||");
        assertEquals(405, p.failure().status());
        assertTrue(p.failure().message().contains("--plain-http"), p.failure().message());
    }
}
