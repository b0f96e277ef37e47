package dev.fyntr.transport.nio.internal.net;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

public class AddressesTest {

    @ParameterizedTest
    @CsvSource({
            "0.0.0.0, 00000000",
            "255.255.255.255, ffffffff",
            "192.0.2.1, c0000201",
            "10.0.0.1, 0a000001",
            "1.20.200.0, 0114c800",
    })
    void shouldParseStrictDottedQuads(String text, String hex) {
        assertArrayEquals(HexFormat.of().parseHex(hex), Addresses.parseLiteral(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"256.0.0.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.04", "00.1.2.3", "1..2.3",
            ".1.2.3", "1.2.3.4.", "1.2.3.-4", "0x7f.0.0.1", "127.1", "2130706433", "0x7f000001", " 1.2.3.4",
            "1.2.3.4 ", "\uff11.2.3.4", "1.2.3.4a", "localhost", "1.2.3.1000", "1.2.3.99999999999", "+1.2.3.4",
            "1.2.3.4/8", "example.com"})
    void shouldRejectAnythingButAStrictDottedQuad(String text) {
        assertNull(Addresses.parseLiteral(text));
        assertNull(Addresses.literal(text));
    }

    @ParameterizedTest
    @CsvSource({
            "'::', 00000000000000000000000000000000",
            "::1, 00000000000000000000000000000001",
            "1::, 00010000000000000000000000000000",
            "2001:db8::1, 20010db8000000000000000000000001",
            "2001:DB8:0:0:0:0:0:1, 20010db8000000000000000000000001",
            "2001:0db8:0000:0000:0000:0000:0000:0001, 20010db8000000000000000000000001",
            "1:2:3:4:5:6:7:8, 00010002000300040005000600070008",
            "1:2:3:4:5:6:7::, 00010002000300040005000600070000",
            "::2:3:4:5:6:7:8, 00000002000300040005000600070008",
            "1::8, 00010000000000000000000000000008",
            "fe80::1, fe800000000000000000000000000001",
            "::ffff:192.0.2.1, 00000000000000000000ffffc0000201",
            "::1.2.3.4, 00000000000000000000000001020304",
            "1:2:3:4:5:6:1.2.3.4, 00010002000300040005000601020304",
            "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255, ffffffffffffffffffffffffffffffff",
    })
    void shouldParseIpv6Text(String text, String hex) {
        assertArrayEquals(HexFormat.of().parseHex(hex), Addresses.parseLiteral(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {":", ":::", "1:::2", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::",
            "g::1", "::1%eth0", "[::1]", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", "1::2:3:4:5:6:7:8", ":1::",
            "1::2:", ":1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3", "::01.2.3.4", "1.2.3.4::",
            "::ffff:256.1.1.1", "::1.2.3.4:1", "::ffff:1.2.3.4.5", "1:2:3:4:5:6:7:8:", "::-1", " ::1",
            "0000000000000000000000000000000000000000000000:1"})
    void shouldRejectMalformedIpv6(String text) {
        assertNull(Addresses.parseLiteral(text));
    }

    /**
     * Strict ASCII: {@link Character#digit} would read each of these as an ASCII digit or hex letter (Arabic-Indic,
     * Devanagari and full-width digits, full-width a-f), so a literal written with them would parse as an address
     * other than its text seems to say. Each must be refused.
     */
    @ParameterizedTest
    @ValueSource(strings = {
            "\u0661\u0662\u0667.0.0.1",        // Arabic-Indic 127
            "127.0.0.\u0661",                   // Arabic-Indic 1
            "\u0967\u0966.0.0.1",               // Devanagari 10
            "\uff11\uff12\uff17.0.0.1",        // full-width 127
            "fe\uff180::1",                     // full-width 8 in a hex group
            "fe\u09ee0::1",                     // Bengali 8 in a hex group
            "::\uff46\uff46\uff46\uff46:127.0.0.1", // full-width ffff
            "\uff12001:db8::1",                 // full-width 2
            "::\u0661",                         // Arabic-Indic 1 as a hex group
            "::ffff:\u0661\u0662\u0667.0.0.1", // Arabic-Indic digits in the dotted quad
            "2001:db8::\uff21",                 // full-width A
    })
    void shouldRefuseDigitsThatAreNotAscii(String text) {
        assertNull(Addresses.parseLiteral(text), text);
        assertNull(Addresses.literal(text), text);
    }

    @Test
    void shouldReadOnlyAsciiHexDigits() {
        for (int i = 0; i <= Character.MAX_VALUE; i++) {
            int c = i;
            int expected = c >= '0' && c <= '9' ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            assertEquals(expected, Addresses.hexDigit((char) c), () -> String.format("U+%04X", c));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"::1", "2001:db8::1", "1:2:3:4:5:6:7:8", "fe80::1", "::", "1::", "::2:3:4:5:6:7:8",
            "2001:db8:85a3::8a2e:370:7334", "ff02::1:ff00:1"})
    void shouldAgreeWithTheJdkOnIpv6Literals(String text) throws UnknownHostException {
        // Brackets make the JDK parse a literal or fail, never resolve.
        assertArrayEquals(InetAddress.getByName("[" + text + "]").getAddress(), Addresses.parseLiteral(text));
    }

    @ParameterizedTest
    @CsvSource({
            "::1, ::1",
            "0:0:0:0:0:0:0:0, ::",
            "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
            "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
            "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
            "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
            "1:0:0:0:0:0:0:0, 1::",
            "FE80:0:0:0:0:0:0:1, fe80::1",
            "1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:8",
            "0:0:0:0:0:ffff:c000:201, ::ffff:192.0.2.1",
            "::c000:201, ::c000:201",
            "1:0:2:0:3:0:4:0, 1:0:2:0:3:0:4:0",
            "192.0.2.1, 192.0.2.1",
    })
    void shouldWriteCanonicalText(String text, String expected) {
        assertEquals(expected, Addresses.toText(Addresses.parseLiteral(text)));
    }

    @Test
    void shouldRefuseToWriteOtherLengths() {
        assertThrows(IllegalArgumentException.class, () -> Addresses.toText(new byte[5]));
    }

    @Test
    void shouldUnmapIpv4MappedAddressesOnly() throws UnknownHostException {
        InetAddress mapped = mapped(10, 1, 2, 3);
        assertInstanceOf(Inet6Address.class, mapped);
        InetAddress c = Addresses.canonical(mapped);
        assertInstanceOf(Inet4Address.class, c);
        assertEquals("10.1.2.3", Addresses.toText(c));

        InetAddress loopback6 = Addresses.literal("::1");
        assertSame(loopback6, Addresses.canonical(loopback6), "::1 stays ::1, never 0.0.0.1");
        InetAddress compatible = Addresses.literal("::10.1.2.3");
        assertSame(compatible, Addresses.canonical(compatible), "IPv4-compatible is not IPv4-mapped");
        InetAddress v4 = Addresses.literal("192.0.2.1");
        assertSame(v4, Addresses.canonical(v4));
    }

    @Test
    void shouldBuildAddressesWithoutAnyHostName() {
        for (String s : new String[] {"192.0.2.1", "::1", "::ffff:192.0.2.1"}) {
            InetAddress a = Addresses.literal(s);
            assertNotNull(a);
            // InetAddress.toString() is "name/address"; an empty name proves no lookup was involved.
            assertTrue(a.toString().startsWith("/"), a.toString());
        }
        assertInstanceOf(Inet4Address.class, Addresses.literal("::ffff:192.0.2.1"));
    }

    public static InetAddress mapped(int a, int b, int c, int d) throws UnknownHostException {
        byte[] bytes = new byte[16];
        bytes[10] = (byte) 0xFF;
        bytes[11] = (byte) 0xFF;
        bytes[12] = (byte) a;
        bytes[13] = (byte) b;
        bytes[14] = (byte) c;
        bytes[15] = (byte) d;
        // Inet6Address.getByAddress keeps the 16-byte form, as a resolver or a dual-stack socket may hand us.
        return Inet6Address.getByAddress(null, bytes, -1);
    }
}
