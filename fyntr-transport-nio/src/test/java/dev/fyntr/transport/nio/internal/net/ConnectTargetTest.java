package dev.fyntr.transport.nio.internal.net;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.Inet4Address;
import java.net.Inet6Address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectTargetTest {

    @ParameterizedTest
    @CsvSource({
            "example.com:443, example.com, 443, example.com:443",
            "EXAMPLE.Com:443, example.com, 443, example.com:443",
            "example.com.:443, example.com, 443, example.com:443",
            "a.b-c.d:1, a.b-c.d, 1, a.b-c.d:1",
            "localhost:65535, localhost, 65535, localhost:65535",
            "example.com:0443, example.com, 443, example.com:443",
            "1.example.com:443, 1.example.com, 443, 1.example.com:443",
            "0x1.example.com:443, 0x1.example.com, 443, 0x1.example.com:443",
            "123.example.com:443, 123.example.com, 443, 123.example.com:443",
            "xn--r8jz45g.xn--zckzah:443, xn--r8jz45g.xn--zckzah, 443, xn--r8jz45g.xn--zckzah:443",
            "\u4f8b\u3048.\u30c6\u30b9\u30c8:443, xn--r8jz45g.xn--zckzah, 443, xn--r8jz45g.xn--zckzah:443",
            "b\u00fccher.de:8443, xn--bcher-kva.de, 8443, xn--bcher-kva.de:8443",
            "\uff25\uff38\uff21\uff2d\uff30\uff2c\uff25.com:443, example.com, 443, example.com:443",
    })
    void shouldNormaliseDnsNames(String in, String host, int port, String authority) throws HandshakeFailureException {
        ConnectTarget t = ConnectTarget.parse(in);
        assertEquals(host, t.host());
        assertEquals(port, t.port());
        assertEquals(authority, t.authority());
        assertNull(t.literal());
        assertFalse(t.isLiteral());
    }

    @ParameterizedTest
    @CsvSource({
            "192.0.2.1:443, 192.0.2.1, 192.0.2.1:443, 4",
            "0.0.0.0:443, 0.0.0.0, 0.0.0.0:443, 4",
            "[::1]:443, ::1, [::1]:443, 16",
            "[2001:DB8:0:0:0:0:0:1]:8443, 2001:db8::1, [2001:db8::1]:8443, 16",
            "[::ffff:192.0.2.1]:443, ::ffff:192.0.2.1, [::ffff:192.0.2.1]:443, 4",
    })
    void shouldParseIpLiterals(String in, String host, String authority, int addressBytes) throws HandshakeFailureException {
        ConnectTarget t = ConnectTarget.parse(in);
        assertEquals(host, t.host());
        assertEquals(authority, t.authority());
        assertTrue(t.isLiteral());
        assertEquals(addressBytes, t.literal().getAddress().length);
        assertTrue(t.literal().toString().startsWith("/"), "built from bytes, no name lookup");
    }

    @Test
    void shouldTurnAnIpv4MappedLiteralIntoTheIpv4Address() throws HandshakeFailureException {
        assertInstanceOf(Inet4Address.class, ConnectTarget.parse("[::ffff:192.0.2.1]:443").literal());
        assertInstanceOf(Inet6Address.class, ConnectTarget.parse("[::1]:443").literal());
    }

    @Test
    void shouldAcceptLabelsAndNamesExactlyAtTheirLimits() throws HandshakeFailureException {
        String label63 = "a".repeat(63);
        assertEquals(label63 + ".com", ConnectTarget.parse(label63 + ".com:443").host());
        String name253 = String.join(".", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(61));
        assertEquals(253, name253.length());
        assertEquals(name253, ConnectTarget.parse(name253 + ":443").host());
        assertEquals(name253, ConnectTarget.parse(name253 + ".:443").host(), "the trailing dot does not count");
    }

    @Test
    void shouldRejectLabelsAndNamesOnePastTheirLimits() {
        assertBadTarget("a".repeat(64) + ".com:443");
        String name254 = String.join(".", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(62));
        assertEquals(254, name254.length());
        assertBadTarget(name254 + ":443");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "example.com", "example.com:", ":443", "example.com:0", "example.com:65536",
            "example.com:99999", "example.com:123456", "example.com:-1", "example.com:+443", "example.com:44a",
            "example.com:4 43", "http://example.com:443", "https://example.com", "example.com:443/path",
            "example.com:443?q", "example.com#x:443", "::1:443", "2001:db8::1:443", "[::1]", "[::1]443", "[::1:443",
            "[example.com]:443", "[::1%eth0]:443", "[fe80::1%25eth0]:443", "[1.2.3.4]:443", "[]:443", "a]b:443",
            "[::1]:443x", "user@example.com:443", "user:pw@example.com:443", "exa mple.com:443", " example.com:443",
            "example.com:443 ", "example.com\t:443", "exa\u0000mple.com:443", "example.com\u3000:443",
            "exa\u00a0mple.com:443", "example..com:443", ".example.com:443", "example.com..:443", ".:443",
            "-example.com:443", "example-.com:443", "exa_mple.com:443", "exa!mple.com:443", "exa%41mple.com:443",
            "127.1:443", "0x7f000001:443", "0X7F000001:443", "2130706433:443", "0177.0.0.1:443", "127.0.0.01:443",
            "1.2.3.4.5:443", "256.1.1.1:443", "example.123:443", "foo.0x1f:443", "example.0x:443",
            "\uff11\uff12\uff17.\uff10.\uff10.\uff11:443", "xn--.com:443", "\u2488.com:443"})
    void shouldRejectWithBadRequest(String in) {
        assertBadTarget(in);
    }

    @Test
    void shouldQuoteTheTargetInTheMessageWithoutRawBytes() {
        HandshakeFailure f = assertBadTarget("exa\r\nmple.com\u001b:443");
        assertEquals("bad CONNECT target \"exa\\r\\nmple.com\\x1b:443\": it contains whitespace or a control character;"
                + " expected host:port such as example.com:443 or [2001:db8::1]:443", f.message());
        assertTrue(assertBadTarget("x".repeat(500) + ":443").message().contains("\"...:"), "long targets are truncated");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "example.com|the port is missing",
            "127.1:443|a numeric host must be a dotted-quad IPv4 address such as 192.0.2.1",
            "::1:443|an IPv6 literal must be in brackets",
            "user@example.com:443|user info",
            "http://example.com:443|a URL is not a CONNECT target",
            "example.com:70000|port 70000 is out of range 1-65535",
            "-x.com:443|starts or ends with '-'",
    })
    void shouldSayWhatIsWrong(String in, String expected) {
        String m = assertBadTarget(in).message();
        assertTrue(m.contains(expected), m);
    }

    @Test
    void shouldValidateSeparateHostAndPort() throws HandshakeFailureException {
        assertEquals("example.com:1080", ConnectTarget.of("Example.COM", 1080).authority());
        ConnectTarget v6 = ConnectTarget.of("::1", 443);
        assertEquals("[::1]:443", v6.authority());
        assertInstanceOf(Inet6Address.class, v6.literal());
        assertThrows(HandshakeFailureException.class, () -> ConnectTarget.of("127.1", 443));
        assertThrows(HandshakeFailureException.class, () -> ConnectTarget.of("example.com", 0));
        assertThrows(HandshakeFailureException.class, () -> ConnectTarget.of("::1%lo", 443));
        assertThrows(HandshakeFailureException.class, () -> ConnectTarget.of(null, 443));
        assertThrows(HandshakeFailureException.class, () -> ConnectTarget.of("a:b", 443));
    }

    @Test
    void shouldBuildATargetFromAnAddress() throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        mapped[12] = (byte) 192;
        mapped[15] = 1;
        ConnectTarget t = ConnectTarget.ofAddress(Inet6Address.getByAddress("named.example", mapped, -1), 443);
        assertEquals("[::ffff:192.0.0.1]:443", t.authority(), "as parse: the host is the text given");
        assertInstanceOf(Inet4Address.class, t.literal());
        assertTrue(t.literal().toString().startsWith("/"), "the given host name is not carried along");
        assertEquals("[2001:db8::1]:8443",
                ConnectTarget.ofAddress(Inet6Address.getByAddress(null, ConnectTarget.parse("[2001:db8::1]:1").literal()
                        .getAddress(), -1), 8443).authority());
        assertThrows(HandshakeFailureException.class,
                () -> ConnectTarget.ofAddress(ConnectTarget.parse("192.0.2.1:1").literal(), 0));
    }

    @Test
    void shouldRefuseInvalidRecordComponents() {
        assertThrows(IllegalArgumentException.class, () -> new ConnectTarget("", 443, null));
        assertThrows(IllegalArgumentException.class, () -> new ConnectTarget("example.com", 0, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u0664\u0664\u0663", "\u06f4\u06f4\u06f3", "\uff14\uff14\uff13", "\u096a\u096a\u0969",
            "44\u0663", "\uff10443"})
    void shouldReadOnlyAsciiDigitsInThePort(String port) {
        // Integer.parseInt would take every one of these.
        String m = assertBadTarget("example.com:" + port).message();
        assertTrue(m.contains("the port must be a number 1-65535"), m);
    }

    private static HandshakeFailure assertBadTarget(String in) {
        HandshakeFailureException e = assertThrows(HandshakeFailureException.class, () -> ConnectTarget.parse(in),
                () -> "accepted " + LogSafe.quote(in, 80));
        HandshakeFailure f = e.failure();
        assertEquals(400, f.status());
        assertEquals("http_request_error", f.proxyStatusError());
        assertTrue(f.message().chars().allMatch(c -> c >= 0x20 && c < 0x7F), f.message());
        return f;
    }
}
