package dev.fyntr.transport.nio.internal.handshake.socks;

import dev.fyntr.transport.nio.internal.handshake.FrontEnd;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** RFC 1929 in the SOCKS5 front end, byte by byte: the parser never waits for more than it needs nor eats the request. */
class Socks5AuthFrontEndTest {

    private static ByteBuffer bytes(int... b) {
        ByteBuffer buf = ByteBuffer.allocate(b.length);
        for (int x : b) {
            buf.put((byte) x);
        }
        return buf.flip();
    }

    @Test
    void shouldStopAtTheCredentialsAndLeaveTheRequestInTheBuffer() {
        Socks5FrontEnd f = new Socks5FrontEnd(true);
        // greeting (0x00 and 0x02 offered), credentials "al"/"pw", then a request that must stay unread
        ByteBuffer in = bytes(5, 2, 0, 2, 1, 2, 'a', 'l', 2, 'p', 'w', 5, 1, 0, 1);
        assertEquals(FrontEnd.Progress.AUTHENTICATE, f.feed(in));
        assertArrayEquals(new byte[] {5, 2}, f.takeInterimReply());
        assertEquals(4, in.remaining(), "the request is left for after the check");
        assertEquals(FrontEnd.Progress.AUTHENTICATE, f.feed(in), "nothing is consumed until authenticated()");
        assertEquals(4, in.remaining());
        f.authenticated();
        assertArrayEquals(new byte[] {1, 0}, f.takeInterimReply());
        assertEquals(FrontEnd.Progress.NEED_MORE, f.feed(in));
    }

    @Test
    void shouldParseCredentialsThatArriveOneByteAtATimeIncludingAnEmptyPassword() {
        Socks5FrontEnd f = new Socks5FrontEnd(true);
        int[] all = {5, 1, 2, 1, 1, 'u', 0};
        for (int i = 0; i < all.length - 1; i++) {
            assertEquals(FrontEnd.Progress.NEED_MORE, f.feed(bytes(all[i])), "byte " + i);
        }
        assertEquals(FrontEnd.Progress.AUTHENTICATE, f.feed(bytes(all[all.length - 1])));
    }

    @Test
    void shouldRefuseAClientThatDoesNotOfferUsernamePassword() {
        Socks5FrontEnd f = new Socks5FrontEnd(true);
        assertEquals(FrontEnd.Progress.FAILED, f.feed(bytes(5, 1, 0)));
        assertEquals(407, f.failure().status());
        assertArrayEquals(new byte[] {5, (byte) 0xFF}, f.failureReply(f.failure()));
        assertNull(f.takeInterimReply());
    }

    @Test
    void shouldAnswerAWrongSubnegotiationVersionWithAFailureStatus() {
        Socks5FrontEnd f = new Socks5FrontEnd(true);
        assertEquals(FrontEnd.Progress.FAILED, f.feed(bytes(5, 1, 2, 5, 1, 0)));
        assertArrayEquals(new byte[] {1, 1}, f.failureReply(f.failure()));
    }

    @Test
    void shouldAnswerAnyRefusalDuringTheCheckWith0101() {
        Socks5FrontEnd f = new Socks5FrontEnd(true);
        assertEquals(FrontEnd.Progress.AUTHENTICATE, f.feed(bytes(5, 1, 2, 1, 1, 'u', 1, 'p')));
        assertArrayEquals(new byte[] {1, 1}, f.failureReply(
                dev.fyntr.transport.nio.internal.net.HandshakeFailure.proxyAuthenticationRequired("wrong")));
    }
}
