package dev.fyntr.transport.nio.internal.tunnel;

import dev.fyntr.transport.nio.ClientHellos;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static dev.fyntr.transport.nio.internal.tunnel.ClientHelloPeek.Result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ClientHello parser: real ClientHellos from the JDK's {@code SSLEngine}, whole, a byte at a time, split at every
 * point and spread over many records; hand-made ones for each field it checks; garbage that must be decided within
 * one record's worth of bytes, never by throwing.
 */
class ClientHelloPeekTest {

    private static Result feedWhole(ClientHelloPeek peek, byte[] bytes) {
        return peek.feed(ByteBuffer.wrap(bytes));
    }

    /** Feeds {@code bytes} in direct buffers of {@code step} bytes, as chunks would arrive. */
    private static ClientHelloPeek feedInPieces(byte[] bytes, int step) {
        ClientHelloPeek peek = new ClientHelloPeek();
        for (int at = 0; at < bytes.length; at += step) {
            int n = Math.min(step, bytes.length - at);
            ByteBuffer chunk = ByteBuffer.allocateDirect(n + 7);
            chunk.position(7); // bytes before the position (a request head, say) are not the peek's
            chunk.put(bytes, at, n).flip().position(7);
            peek.feed(chunk);
            assertEquals(7, chunk.position(), "the peek must not move the buffer");
        }
        return peek;
    }

    @Test
    void shouldReadTheNameOfTheJdksClientHello() throws Exception {
        byte[] hello = ClientHellos.jdk("Peer.Example.TEST");
        ClientHelloPeek peek = new ClientHelloPeek();
        assertEquals(Result.SNI, feedWhole(peek, hello));
        assertEquals("Peer.Example.TEST", peek.hostName(), "as sent: canonicalising is the policy's business");
        assertFalse(peek.ech());
        assertEquals(hello.length, peek.consumed(), "decided at the hello's last byte");
    }

    @Test
    void shouldFindNoNameInAHelloWithoutSni() throws Exception {
        ClientHelloPeek peek = new ClientHelloPeek();
        assertEquals(Result.NO_SNI, feedWhole(peek, ClientHellos.jdk(null)));
        assertNull(peek.hostName());
    }

    @Test
    void shouldReadTheNameAByteAtATimeAndAcrossEverySplit() throws Exception {
        byte[] hello = ClientHellos.jdk("split.test");
        ClientHelloPeek bytewise = feedInPieces(hello, 1);
        assertEquals(Result.SNI, bytewise.result());
        assertEquals("split.test", bytewise.hostName());
        for (int split = 1; split < hello.length; split++) {
            ClientHelloPeek peek = new ClientHelloPeek();
            assertEquals(Result.PENDING, peek.feed(ByteBuffer.wrap(hello), 0, split), "split at " + split);
            assertEquals(Result.SNI, peek.feed(ByteBuffer.wrap(hello), split, hello.length), "split at " + split);
            assertEquals("split.test", peek.hostName());
        }
    }

    @Test
    void shouldFollowAHelloFragmentedOverManyRecords() throws Exception {
        byte[] message = ClientHellos.handshakeMessages(ClientHellos.jdk("fragmented.test"));
        for (int perRecord : new int[] {1, 3, 7, 100}) {
            ClientHelloPeek peek = feedInPieces(ClientHellos.inRecords(message, perRecord), 5);
            assertEquals(Result.SNI, peek.result(), perRecord + " byte(s) per record");
            assertEquals("fragmented.test", peek.hostName());
        }
        // 1-byte records of a 3 KB hello: six bytes a byte, beyond one record's worth before the name.
        byte[] padded = ClientHellos.handshakeMessages(ClientHellos.handMade(
                ClientHellos.extension(0x0015, new byte[3000]), ClientHellos.serverName("late.test")));
        byte[] tiny = ClientHellos.inRecords(padded, 1);
        assertTrue(tiny.length > ClientHelloPeek.LIMIT, "" + tiny.length);
        ClientHelloPeek peek = new ClientHelloPeek();
        assertEquals(Result.TOO_LONG, feedWhole(peek, tiny));
        assertEquals(ClientHelloPeek.LIMIT, peek.consumed());
        ClientHelloPeek inSevens = feedInPieces(ClientHellos.inRecords(padded, 7), 1000);
        assertEquals("late.test", inSevens.hostName(), "the same hello in 7-byte records fits");
    }

    @Test
    void shouldTellNonTlsAtTheFirstByte() {
        ClientHelloPeek http = new ClientHelloPeek();
        assertEquals(Result.NOT_TLS, feedWhole(http, "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(1, http.consumed());
        ClientHelloPeek ssh = new ClientHelloPeek();
        assertEquals(Result.NOT_TLS, feedWhole(ssh, "SSH-2.0-x\r\n".getBytes(StandardCharsets.US_ASCII)));
        ClientHelloPeek notVersion3 = new ClientHelloPeek();
        assertEquals(Result.NOT_TLS, feedWhole(notVersion3, new byte[] {22, 2, 0, 0, 5}));
    }

    @Test
    void shouldTellATlsRecordThatIsNotAClientHello() {
        byte[] serverHello = {22, 3, 3, 0, 4, 2, 0, 0, 0};
        assertEquals(Result.NOT_CLIENT_HELLO, feedWhole(new ClientHelloPeek(), serverHello));
    }

    @Test
    void shouldRefuseRecordLengthsTlsForbids() {
        byte[] huge = new byte[5 + 65_535];
        System.arraycopy(new byte[] {22, 3, 1, (byte) 0xFF, (byte) 0xFF}, 0, huge, 0, 5);
        ClientHelloPeek peek = new ClientHelloPeek();
        assertEquals(Result.MALFORMED, feedWhole(peek, huge));
        assertEquals(5, peek.consumed(), "decided at the header: the 64 KiB behind it are not read");
        assertEquals("a TLS record of 65535 bytes (1-16384 allowed)", peek.detail());
        assertEquals(Result.MALFORMED, feedWhole(new ClientHelloPeek(), new byte[] {22, 3, 1, 0, 0}));
        assertEquals(Result.MALFORMED, feedWhole(new ClientHelloPeek(), new byte[] {22, 3, 1, 0x40, 1}));
        assertEquals(Result.PENDING, feedWhole(new ClientHelloPeek(), new byte[] {22, 3, 1, 0x40, 0}),
                "16384 is the largest allowed");
    }

    @Test
    void shouldDecideAHelloThatRunsPastOneRecordWithinTheLimit() {
        // One full record whose hello claims 65535 bytes and a cipher suite list longer than the record.
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {22, 3, 1, 0x40, 0, 1, 0, (byte) 0xFF, (byte) 0xFF});
        b.writeBytes(new byte[34]);
        b.writeBytes(new byte[] {0, 0x7F, (byte) 0xFE});
        b.writeBytes(new byte[64 * 1024]);
        ClientHelloPeek peek = new ClientHelloPeek();
        assertEquals(Result.TOO_LONG, feedWhole(peek, b.toByteArray()));
        assertEquals(ClientHelloPeek.LIMIT, peek.consumed());
        assertEquals(0, peek.budgetLeft());
    }

    @Test
    void shouldTellATruncatedHelloFromNoBytes() throws Exception {
        byte[] hello = ClientHellos.jdk("cut.test");
        ClientHelloPeek peek = new ClientHelloPeek();
        peek.feed(ByteBuffer.wrap(hello), 0, hello.length - 1);
        assertEquals(Result.TRUNCATED, peek.finish());
        assertEquals(Result.EMPTY, new ClientHelloPeek().finish());
        ClientHelloPeek done = new ClientHelloPeek();
        feedWhole(done, hello);
        assertEquals(Result.SNI, done.finish(), "a decided peek keeps its result");
    }

    @Test
    void shouldReadHandMadeHellos() {
        ClientHelloPeek none = new ClientHelloPeek();
        assertEquals(Result.NO_SNI, feedWhole(none, ClientHellos.handMade()), "no extensions at all");

        ClientHelloPeek other = new ClientHelloPeek();
        byte[] unknownFirst = ClientHellos.handMade(ClientHellos.extension(0x1234, new byte[3]),
                ClientHellos.extension(0x0010, new byte[0]), ClientHellos.serverName("a.test"));
        assertEquals(Result.SNI, feedWhole(other, unknownFirst));
        assertEquals("a.test", other.hostName());

        ClientHelloPeek ech = new ClientHelloPeek();
        assertEquals(Result.SNI, feedWhole(ech, ClientHellos.handMade(ClientHellos.serverName("public.test"),
                ClientHellos.extension(0xfe0d, new byte[40]))));
        assertTrue(ech.ech());
        assertEquals("public.test", ech.hostName());

        ClientHelloPeek trailingDot = new ClientHelloPeek();
        feedWhole(trailingDot, ClientHellos.handMade(ClientHellos.serverName("dot.test.")));
        assertEquals("dot.test.", trailingDot.hostName());
    }

    @Test
    void shouldPassOverNameTypesRfc6066DoesNotDefine() {
        // name_type 7 (unknown), 2 bytes, then the host name.
        byte[] list = {0, 13, 7, 0, 2, 'x', 'y', 0, 0, 5, 'b', '.', 't', 's', 't'};
        ClientHelloPeek peek = new ClientHelloPeek();
        assertEquals(Result.SNI, feedWhole(peek, ClientHellos.handMade(ClientHellos.extension(0, list))));
        assertEquals("b.tst", peek.hostName());
    }

    @Test
    void shouldRefuseWhatAServerWouldRefuseOrReadDifferently() {
        assertMalformed("two host names in server_name",
                ClientHellos.handMade(ClientHellos.serverName("a.test", "b.test")));
        assertMalformed("two server_name extensions",
                ClientHellos.handMade(ClientHellos.serverName("a.test"), ClientHellos.serverName("b.test")));
        assertMalformed("a host name of 0 bytes (1-255 allowed)", ClientHellos.handMade(ClientHellos.serverName("")));
        assertMalformed("a host name of 256 bytes (1-255 allowed)",
                ClientHellos.handMade(ClientHellos.serverName("a".repeat(256))));
        assertMalformed("a server_name extension of 0 bytes",
                ClientHellos.handMade(ClientHellos.extension(0, new byte[0])));
        assertMalformed("a server name list of 9 bytes where 6 are left",
                ClientHellos.handMade(ClientHellos.extension(0, new byte[] {0, 9, 0, 0, 3, 'a', '.', 'b'})));
        assertMalformed("a server name of 4 bytes where 3 are left",
                ClientHellos.handMade(ClientHellos.extension(0, new byte[] {0, 6, 0, 0, 4, 'a', '.', 'b'})));
    }

    @Test
    void shouldRefuseLengthsThatDoNotFit() {
        byte[] good = ClientHellos.handMade(ClientHellos.serverName("a.test"));
        // Offsets in the record: header 5, message header 4, version 2, random 32, then the session id length.
        int sessionIdLength = 5 + 4 + 2 + 32;
        assertMalformed("a session id of 33 bytes", with(good, sessionIdLength, 33));
        assertMalformed("a cipher suite list of 3 bytes", with(good, sessionIdLength + 2, 3));
        assertMalformed("a cipher suite list of 0 bytes", with(good, sessionIdLength + 2, 0));
        assertMalformed("a compression method list of 0 bytes", with(good, sessionIdLength + 5, 0));
        int extensionsLength = sessionIdLength + 7;
        assertMalformed("extensions of 255 bytes where 15 are left", with(good, extensionsLength + 1, 0xFF));
        assertMalformed("an extension of 255 bytes where 11 are left", with(good, extensionsLength + 5, 0xFF));
        byte[] shortHello = {22, 3, 1, 0, 8, 1, 0, 0, 4, 3, 3, 0, 0};
        assertMalformed("a ClientHello of 4 bytes", shortHello);
        // A message length that ends inside the extensions.
        assertMalformed("extensions of 15 bytes where 7 are left", with(good, 8, 50));
        // A message that ends before its extensions: what follows in the record is another message, as a server
        // would read it too (and refuse it): the name in those bytes is not this hello's.
        assertEquals(Result.NO_SNI, feedWhole(new ClientHelloPeek(), with(good, 8, 41)));
        assertMalformed("fields that run past the end of the ClientHello (42 bytes)", with(good, 8, 42));
    }

    @Test
    void shouldDecideEveryMutationOfARealHelloWithinTheLimitWithoutThrowing() throws Exception {
        byte[] hello = ClientHellos.jdk("fuzz.test");
        Random random = new Random(13);
        for (int i = 0; i < 20_000; i++) {
            byte[] m = Arrays.copyOf(hello, hello.length + random.nextInt(64));
            int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips; f++) {
                m[random.nextInt(m.length)] = (byte) random.nextInt(256);
            }
            ClientHelloPeek peek = new ClientHelloPeek();
            Result r = feedWhole(peek, m);
            assertTrue(peek.consumed() <= ClientHelloPeek.LIMIT);
            if (r == Result.PENDING) {
                assertEquals(m.length, peek.consumed(), "pending only when every byte was read");
                r = peek.finish();
            }
            assertTrue(r != Result.PENDING && r != Result.EMPTY, "mutation " + i + ": " + r);
            assertEquals(r == Result.SNI, peek.hostName() != null);
        }
    }

    private static byte[] with(byte[] bytes, int index, int value) {
        byte[] copy = bytes.clone();
        copy[index] = (byte) value;
        return copy;
    }

    private static void assertMalformed(String detail, byte[] bytes) {
        ClientHelloPeek peek = new ClientHelloPeek();
        assertEquals(Result.MALFORMED, feedWhole(peek, bytes), detail);
        assertEquals(detail, peek.detail());
    }
}
