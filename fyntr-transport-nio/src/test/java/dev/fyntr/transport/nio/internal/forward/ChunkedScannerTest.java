package dev.fyntr.transport.nio.internal.forward;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChunkedScannerTest {

    private static final String BODY = "5;name=v\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-T: 1\r\n\r\n";

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void shouldFindTheEndAndLeaveWhatFollows() {
        ChunkedScanner s = new ChunkedScanner();
        ByteBuffer b = ascii(BODY + "GET /next");
        assertEquals(BODY.length(), s.scan(b));
        assertTrue(s.done());
        assertEquals(0, b.position(), "the scanner does not move the buffer");
    }

    @ParameterizedTest(name = "split every {0} bytes")
    @ValueSource(ints = {1, 2, 3, 7, 16})
    void shouldFindTheSameEndHoweverTheBytesAreSplit(int step) {
        ChunkedScanner s = new ChunkedScanner();
        byte[] all = (BODY + "NEXT").getBytes(StandardCharsets.ISO_8859_1);
        int end = -1;
        for (int at = 0; at < all.length && end < 0; at += step) {
            ByteBuffer piece = ByteBuffer.wrap(all, at, Math.min(step, all.length - at));
            int r = s.scan(piece);
            if (r >= 0) {
                end = r;
            } else {
                assertEquals(ChunkedScanner.MORE, r);
            }
        }
        assertEquals(BODY.length(), end);
    }

    @Test
    void shouldAcceptAnEmptyBody() {
        assertEquals(5, new ChunkedScanner().scan(ascii("0\r\n\r\n")));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "x\r\n",                          // not hex
        "\r\n",                           // no size
        "5\nhello\r\n0\r\n\r\n",          // bare LF after the size
        "5\r\nhelloX\r\n",                // data longer than its size
        "5\r\nhello\n0\r\n\r\n",          // bare LF after the data
        "1000000000000000\r\n",           // 16 hex digits
        "0\r\nX-T: 1\n\r\n",              // bare LF in a trailer
        "5;a\u0001b\r\n",                 // control character in an extension
    })
    void shouldRefuseFramingThatParsersCouldReadDifferently(String body) {
        ChunkedScanner s = new ChunkedScanner();
        assertEquals(ChunkedScanner.MALFORMED, s.scan(ascii(body)));
        assertTrue(s.error() != null && !s.error().isEmpty());
    }

    @Test
    void shouldBoundTheTrailerSection() {
        String trailer = "X: " + "a".repeat(40_000) + "\r\n";
        assertEquals(ChunkedScanner.MALFORMED, new ChunkedScanner().scan(ascii("0\r\n" + trailer + "\r\n")));
    }
}
