package dev.fyntr.transport.nio.internal.forward;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResponseBodyTest {

    private static ResponseHead head(String text) {
        ResponseHead h = new ResponseHead();
        assertEquals(ResponseHead.Result.COMPLETE,
                h.feed(ByteBuffer.wrap(text.replace("|", "\r\n").getBytes(StandardCharsets.ISO_8859_1))));
        return h;
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @ParameterizedTest(name = "{0} (HEAD {1})")
    @CsvSource(delimiter = '#', value = {
        "HTTP/1.1 200 OK|Content-Length: 5||#false#LENGTH#true",
        "HTTP/1.1 200 OK|Content-Length: 0||#false#NONE#true",
        "HTTP/1.1 200 OK|Content-Length: 5||#true#NONE#true",
        "HTTP/1.1 204 No Content||#false#NONE#true",
        "HTTP/1.1 304 Not Modified|Content-Length: 9||#false#NONE#true",
        "HTTP/1.1 200 OK|Transfer-Encoding: chunked||#false#CHUNKED#true",
        "HTTP/1.1 200 OK|Transfer-Encoding: gzip, chunked||#false#CHUNKED#true",
        "HTTP/1.1 200 OK|Transfer-Encoding: gzip||#false#CLOSE#false",
        "HTTP/1.1 200 OK|Transfer-Encoding: chunked|Content-Length: 5||#false#CHUNKED#false",
        "HTTP/1.1 200 OK||#false#CLOSE#false",
        "HTTP/1.1 200 OK|Connection: close|Content-Length: 5||#false#LENGTH#false",
        "HTTP/1.0 200 OK|Content-Length: 5||#false#LENGTH#false",
    })
    void shouldDecideTheFramingAndTheReuse(String text, boolean headRequest, ForwardHeads.Framing framing,
                                           boolean reusable) {
        ResponseBody b = ResponseBody.of(head(text), headRequest);
        assertEquals(framing, b.framing());
        assertEquals(reusable, b.reusable());
        assertEquals(framing == ForwardHeads.Framing.NONE, b.done());
    }

    @Test
    void shouldRefuseAnAmbiguousContentLength() {
        assertNull(ResponseBody.of(head("HTTP/1.1 200 OK|Content-Length: 5|Content-Length: 6||"), false));
        assertNull(ResponseBody.of(head("HTTP/1.1 200 OK|Content-Length: five||"), false));
        assertEquals(5, ResponseBody.contentLength("5, 5"));
    }

    @Test
    void shouldCutALengthBodyAndSpoilReuseForBytesAfterIt() {
        ResponseBody b = ResponseBody.of(head("HTTP/1.1 200 OK|Content-Length: 5||"), false);
        assertEquals(5, b.readLimit(16384));
        assertEquals(3, b.cut(ascii("abc")));
        assertFalse(b.done());
        assertEquals(2, b.readLimit(16384));
        assertEquals(2, b.cut(ascii("deEXTRA")));
        assertTrue(b.done());
        assertFalse(b.reusable());
    }

    @Test
    void shouldCutAChunkedBodyAtItsEnd() {
        ResponseBody b = ResponseBody.of(head("HTTP/1.1 200 OK|Transfer-Encoding: chunked||"), false);
        assertEquals(12, b.cut(ascii("2\r\nok\r\n0\r\n\r\n")));
        assertTrue(b.done());
        assertTrue(b.reusable());
    }

    @Test
    void shouldEndACloseDelimitedBodyAtEofButNoOther() {
        ResponseBody close = ResponseBody.of(head("HTTP/1.1 200 OK||"), false);
        assertEquals(3, close.cut(ascii("abc")));
        assertTrue(close.endOfStream());
        ResponseBody length = ResponseBody.of(head("HTTP/1.1 200 OK|Content-Length: 5||"), false);
        assertFalse(length.endOfStream(), "a length body cut short by EOF is not complete");
    }
}
