package dev.fyntr.transport.nio.internal.forward;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ResponseHeadTest {

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void shouldParseAHeadAndStopAtItsEnd() {
        ResponseHead h = new ResponseHead();
        ByteBuffer b = ascii("HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\nX-A: a\r\nX-A: b\r\n\r\nabc");
        assertEquals(ResponseHead.Result.COMPLETE, h.feed(b));
        assertEquals(3, b.remaining());
        assertEquals(404, h.status());
        assertEquals("Not Found", h.reason());
        assertEquals("HTTP/1.1", h.version());
        assertEquals("a,b", h.joined("x-a"));
    }

    @Test
    void shouldAcceptAHeadSplitAtEveryByteAndBareLineFeeds() {
        ResponseHead h = new ResponseHead();
        byte[] all = "HTTP/1.0 200\nA: 1\n\nrest".getBytes(StandardCharsets.ISO_8859_1);
        int i = 0;
        ResponseHead.Result r = ResponseHead.Result.NEED_MORE;
        for (; r == ResponseHead.Result.NEED_MORE; i++) {
            r = h.feed(ByteBuffer.wrap(all, i, 1));
        }
        assertEquals(ResponseHead.Result.COMPLETE, r);
        assertEquals(all.length - 4, i);
        assertEquals(200, h.status());
        assertEquals("", h.reason());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "HTTP/2 200 OK\r\n\r\n",
        "HTTP/1.1 20 OK\r\n\r\n",
        "HTTP/1.1 2000 OK\r\n\r\n",
        "ICY 200 OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX: a\r\n folded\r\n\r\n",
        "HTTP/1.1 200 OK\r\nNo colon\r\n\r\n",
        "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX: a\u0001b\r\n\r\n",
    })
    void shouldRefuseAMalformedHead(String head) {
        assertEquals(ResponseHead.Result.FAILED, new ResponseHead().feed(ascii(head)));
    }

    @Test
    void shouldBoundTheHead() {
        ResponseHead h = new ResponseHead();
        ByteBuffer b = ascii("HTTP/1.1 200 OK\r\nX: " + "a".repeat(ResponseHead.MAX_HEAD_BYTES) + "\r\n\r\n");
        assertEquals(ResponseHead.Result.FAILED, h.feed(b));
    }
}
