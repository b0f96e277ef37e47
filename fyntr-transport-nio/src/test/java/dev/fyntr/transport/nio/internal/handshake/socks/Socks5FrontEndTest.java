package dev.fyntr.transport.nio.internal.handshake.socks;

import dev.fyntr.transport.nio.internal.handshake.FrontEnd.Progress;
import dev.fyntr.transport.nio.internal.net.Addresses;
import dev.fyntr.transport.nio.internal.net.HandshakeFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Socks5FrontEndTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] GREETING = {5, 1, 0};

    static byte[] domainRequest(String name, int port) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {5, 1, 0, 3, (byte) n.length});
        out.writeBytes(n);
        out.writeBytes(new byte[] {(byte) (port >>> 8), (byte) port});
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static Progress feedAll(Socks5FrontEnd f, byte[] bytes) {
        return f.feed(ByteBuffer.wrap(bytes));
    }

    @Test
    void shouldParseAGreetingAndRequestFedOneByteAtATime() {
        Socks5FrontEnd f = new Socks5FrontEnd();
        byte[] all = concat(new byte[] {5, 2, 2, 0}, domainRequest("Example.TEST", 443));
        ByteArrayOutputStream interim = new ByteArrayOutputStream();
        Progress p = Progress.NEED_MORE;
        for (int i = 0; i < all.length; i++) {
            assertEquals(Progress.NEED_MORE, p, "complete too early at byte " + i);
            p = f.feed(ByteBuffer.wrap(all, i, 1));
            byte[] r = f.takeInterimReply();
            if (r != null) {
                interim.writeBytes(r);
            }
        }
        assertEquals(Progress.COMPLETE, p);
        assertEquals("0500", HEX.formatHex(interim.toByteArray()), "one method selection, no auth");
        assertEquals("example.test:443", f.target().authority());
        assertNull(f.takeInterimReply());
    }

    @Test
    void shouldLeaveBytesAfterTheRequestInTheBuffer() {
        Socks5FrontEnd f = new Socks5FrontEnd();
        byte[] payload = "\u0016\u0003\u0001 hello".getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer in = ByteBuffer.wrap(concat(GREETING, new byte[] {5, 1, 0, 1, (byte) 192, 0, 2, 7, 1, (byte) 187},
                payload));
        assertEquals(Progress.COMPLETE, f.feed(in));
        assertEquals("192.0.2.7:443", f.target().authority());
        assertTrue(f.target().isLiteral());
        assertEquals(payload.length, in.remaining());
        byte[] rest = new byte[in.remaining()];
        in.get(rest);
        assertArrayEquals(payload, rest);
    }

    @Test
    void shouldParseIpv6Requests() {
        Socks5FrontEnd f = new Socks5FrontEnd();
        byte[] v6 = Addresses.parseLiteral("2001:db8::1");
        assertEquals(Progress.COMPLETE, feedAll(f, concat(GREETING, new byte[] {5, 1, 0, 4}, v6, new byte[] {0, 80})));
        assertEquals("[2001:db8::1]:80", f.target().authority());
        Socks5FrontEnd mapped = new Socks5FrontEnd();
        byte[] m = Addresses.parseLiteral("::ffff:192.0.2.1");
        assertEquals(Progress.COMPLETE, feedAll(mapped, concat(GREETING, new byte[] {5, 1, 0, 4}, m, new byte[] {1, (byte) 187})));
        assertEquals(4, mapped.target().literal().getAddress().length, "IPv4-mapped is checked as IPv4");
    }

    @ParameterizedTest(name = "greeting {0} → reply {1}")
    @CsvSource({
        "050102, 05ff",         // only username/password
        "0500, 05ff",           // no method at all
        "0503010203, 05ff",     // GSSAPI, user/pass, IANA-assigned
        "04010050, 005b000000000000", // SOCKS4
        "434f4e4e, ''",           // 'CONN': HTTP on the SOCKS port, no reply
    })
    void shouldRefuseGreetingsWithoutNoAuth(String greeting, String reply) {
        Socks5FrontEnd f = new Socks5FrontEnd();
        assertEquals(Progress.FAILED, feedAll(f, HEX.parseHex(greeting)));
        assertNull(f.takeInterimReply());
        assertEquals(400, f.failure().status());
        assertEquals(reply == null ? "" : reply, HEX.formatHex(f.failureReply(f.failure())));
    }

    @ParameterizedTest(name = "request {0} → reply {1}")
    @CsvSource({
        "05020001c000020701bb, 07",  // BIND
        "05030001c000020701bb, 07",  // UDP ASSOCIATE
        "05090001c000020701bb, 07",  // unknown command
        "05010005c000020701bb, 08",  // ATYP 5
        "05010002c000020701bb, 08",  // ATYP 2
        "04010001c000020701bb, 01",  // version 4 inside a SOCKS5 request
        "0501000300, 01",             // empty domain name
        "05010001c00002070000, 01",  // port 0
    })
    void shouldAnswerBadRequestsWithTheirReplyCode(String request, String code) {
        Socks5FrontEnd f = new Socks5FrontEnd();
        assertEquals(Progress.FAILED, feedAll(f, concat(GREETING, HEX.parseHex(request))));
        assertEquals("0500", HEX.formatHex(f.takeInterimReply()));
        assertEquals("05" + code + "0001000000000000", HEX.formatHex(f.failureReply(f.failure())));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"127.1", "0x7f000001", "2130706433", "0177.0.0.1", "127.0.0.1.", "10.0.0.0x1",
        "\uff11\uff12\uff17.\uff10.\uff10.\uff11", "\uff11\uff12\uff17\uff0e\uff11", "www.2130706433", "1.2.3",
        "0X7F000001"})
    void shouldRefuseNumericLookingDomainNamesWithAddressTypeNotSupported(String name) {
        Socks5FrontEnd f = new Socks5FrontEnd();
        Progress p = feedAll(f, concat(GREETING, domainRequest(name, 443)));
        if (name.equals("127.0.0.1.")) {
            // A strict dotted quad (one trailing dot allowed) is an IP-literal target: the IP policy sees it.
            assertEquals(Progress.COMPLETE, p);
            assertTrue(f.target().isLiteral());
            return;
        }
        assertEquals(Progress.FAILED, p, () -> "accepted " + name);
        assertEquals("0508", HEX.formatHex(f.failureReply(f.failure())).substring(0, 4));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bad_label.example", "-x.example", "a..example", "sp ace.example", "x.example:443"})
    void shouldRefuseOtherBadNamesWithGeneralFailure(String name) {
        Socks5FrontEnd f = new Socks5FrontEnd();
        assertEquals(Progress.FAILED, feedAll(f, concat(GREETING, domainRequest(name, 443))));
        assertEquals("0501", HEX.formatHex(f.failureReply(f.failure())).substring(0, 4));
    }

    @Test
    void shouldRefuseInvalidUtf8Names() {
        Socks5FrontEnd f = new Socks5FrontEnd();
        byte[] req = {5, 1, 0, 3, 2, (byte) 0xC3, (byte) 0x28, 1, (byte) 187};
        assertEquals(Progress.FAILED, feedAll(f, concat(GREETING, req)));
        assertEquals("0501", HEX.formatHex(f.failureReply(f.failure())).substring(0, 4));
    }

    @Test
    void shouldAcceptUnicodeNamesAsIdna() {
        Socks5FrontEnd f = new Socks5FrontEnd();
        assertEquals(Progress.COMPLETE, feedAll(f, concat(GREETING, domainRequest("BÜCHER.example", 443))));
        assertEquals("xn--bcher-kva.example", f.target().host());
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
        "403|02", "502 dns|04", "502 refused|05", "502 unavailable|04", "502 network|03", "504|04", "503|01",
        "408|01",
    })
    void shouldMapLaterFailuresToReplyCodes(String kind, String code) {
        HandshakeFailure failure = switch (kind) {
            case "403" -> HandshakeFailure.destinationDenied("x");
            case "502 dns" -> HandshakeFailure.dnsError("x.test", "no");
            case "502 refused" -> HandshakeFailure.connectionRefused("x.test:443");
            case "502 unavailable" -> HandshakeFailure.destinationUnavailable("x.test:443", "No route to host");
            case "502 network" -> HandshakeFailure.destinationUnavailable("x.test:443", "Network is unreachable");
            case "504" -> HandshakeFailure.connectTimeout("x.test:443", Duration.ofSeconds(3));
            case "503" -> HandshakeFailure.connectionLimit(10, 1);
            case "408" -> HandshakeFailure.requestTimeout(Duration.ofSeconds(30));
            default -> throw new AssertionError(kind);
        };
        assertEquals(Integer.parseInt(code, 16), Socks5FrontEnd.replyCode(failure));
        Socks5FrontEnd greeted = new Socks5FrontEnd();
        feedAll(greeted, GREETING);
        greeted.takeInterimReply();
        assertEquals("05" + code + "0001000000000000", HEX.formatHex(greeted.failureReply(failure)));
    }

    @Test
    void shouldAnswerFailuresBeforeTheGreetingWithMethodSelectionThenFailure() {
        Socks5FrontEnd f = new Socks5FrontEnd();
        assertEquals("0500" + "0501000100000000" + "0000",
                HEX.formatHex(f.failureReply(HandshakeFailure.connectionLimit(1, 1))));
    }

    @Test
    void shouldCarryTheUpstreamLocalAddressOnSuccess() {
        Socks5FrontEnd f = new Socks5FrontEnd();
        assertEquals("05000001" + "7f000001" + "d431",
                HEX.formatHex(f.successReply(new InetSocketAddress(Addresses.literal("127.0.0.1"), 54321))));
        assertEquals("05000004" + "20010db8000000000000000000000001" + "01bb",
                HEX.formatHex(f.successReply(new InetSocketAddress(Addresses.literal("2001:db8::1"), 443))));
    }
}
