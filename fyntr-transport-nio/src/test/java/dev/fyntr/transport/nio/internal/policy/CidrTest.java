package dev.fyntr.transport.nio.internal.policy;

import dev.fyntr.transport.nio.internal.net.Addresses;
import dev.fyntr.transport.nio.internal.net.AddressesTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CidrTest {

    @ParameterizedTest
    @CsvSource({
            "10.0.0.0/8, 10.0.0.0/8, 8, true",
            "' 10.0.0.0/8 ', 10.0.0.0/8, 8, true",
            "192.0.2.1, 192.0.2.1/32, 32, true",
            "0.0.0.0/0, 0.0.0.0/0, 0, true",
            "fc00::/7, fc00::/7, 7, false",
            "FC00:0:0::/7, fc00::/7, 7, false",
            "::1, ::1/128, 128, false",
            "::/0, ::/0, 0, false",
            "::/128, ::/128, 128, false",
            "::ffff:10.0.0.0/104, 10.0.0.0/8, 8, true",
            "::ffff:0:0/96, 0.0.0.0/0, 0, true",
            "::ffff:192.0.2.1, 192.0.2.1/32, 32, true",
            "10.0.0.0/008, 10.0.0.0/8, 8, true",
    })
    void shouldParseToCanonicalForm(String text, String canonical, int prefix, boolean ipv4) {
        Cidr c = Cidr.parse(text);
        assertEquals(canonical, c.toString());
        assertEquals(prefix, c.prefixLength());
        assertEquals(ipv4, c.isIpv4());
        assertEquals(c, Cidr.parse(c.toString()), "toString parses back");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8/8", "10.0.0.0/a",
            "10.0.0.0/0008", "example.com/8", "10.0.0/8", "fe80::1%eth0/128", "10.0.0.0 /8", "/8", "127.1/32",
            "010.0.0.0/8", "10.0.0.0/+8"})
    void shouldRejectMalformedRanges(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cidr.parse(text));
        assertTrue(e.getMessage().contains("CIDR") || e.getMessage().contains("prefix"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({
            "'\u0661\u0660.0.0.0/8', U+0661, 1",       // Arabic-Indic 10
            "'10.0.0.0/\u0668', U+0668, 10",             // Arabic-Indic 8 as the prefix
            "'\uff11\uff10.0.0.0/8', U+FF11, 1",       // full-width 10
            "'fe\uff180::/10', U+FF18, 3",              // full-width 8 in a hex group
            "'::\uff46\uff46\uff46\uff46:10.0.0.0/104', U+FF46, 3", // full-width ffff
            "'\u0967\u0966.0.0.0/8', U+0967, 1",       // Devanagari 10
            "'127.0.0.0/\u0668', U+0668, 11",
    })
    void shouldRefuseDigitsThatAreNotAsciiNamingTheCharacter(String text, String codePoint, int position) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cidr.parse(text));
        String m = e.getMessage();
        assertTrue(m.contains("is not a CIDR range: character " + position + " is " + codePoint
                + ", which is not ASCII; write addresses and prefix lengths with the ASCII digits 0-9"), m);
        assertTrue(m.chars().allMatch(c -> c >= 0x20 && c < 0x7F), "the message quotes the text in ASCII: " + m);
        assertTrue(m.startsWith("\"") && m.contains(codePoint.replace("U+", "\\u").toLowerCase(Locale.ROOT)),
                "the text is quoted with escapes: " + m);
    }

    @ParameterizedTest
    @CsvSource({
            "10.0.0.1/8, 10.0.0.0/8",
            "192.168.1.1/16, 192.168.0.0/16",
            "fc00::1/7, fc00::/7",
            "172.16.0.0/11, 172.0.0.0/11",
    })
    void shouldRejectHostBitsAndSuggestTheNetwork(String text, String suggestion) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cidr.parse(text));
        assertTrue(e.getMessage().contains("host bits"), e.getMessage());
        assertTrue(e.getMessage().contains("did you mean " + suggestion + "?"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({
            "10.0.0.0/8, 10.0.0.0, true",
            "10.0.0.0/8, 10.255.255.255, true",
            "10.0.0.0/8, 11.0.0.0, false",
            "10.0.0.0/8, 9.255.255.255, false",
            "100.64.0.0/10, 100.64.0.0, true",
            "100.64.0.0/10, 100.127.255.255, true",
            "100.64.0.0/10, 100.128.0.0, false",
            "100.64.0.0/10, 100.63.255.255, false",
            "172.16.0.0/12, 172.31.255.255, true",
            "172.16.0.0/12, 172.32.0.0, false",
            "192.0.2.1/32, 192.0.2.1, true",
            "192.0.2.1/32, 192.0.2.2, false",
            "0.0.0.0/0, 8.8.8.8, true",
            "0.0.0.0/0, ::1, false",
            "::/0, ::1, true",
            "::/0, 8.8.8.8, false",
            "::/0, ::ffff:8.8.8.8, false",
            "fc00::/7, fd12::1, true",
            "fc00::/7, fe00::1, false",
            "fe80::/10, febf:ffff::1, true",
            "fe80::/10, fec0::1, false",
            "::/128, ::, true",
            "::/128, ::1, false",
            "::1/128, ::1, true",
            "127.0.0.0/8, ::1, false",
            "0.0.0.0/8, ::1, false",
            "10.0.0.0/8, ::ffff:10.1.2.3, true",
            "::ffff:10.0.0.0/104, 10.1.2.3, true",
            "2001:db8::/32, 2001:db8:ffff::1, true",
            "2001:db8::/32, 2001:db9::1, false",
    })
    void shouldContainExactlyItsAddresses(String range, String address, boolean expected) {
        assertEquals(expected, Cidr.parse(range).contains(Addresses.literal(address)));
    }

    @Test
    void shouldCheckIpv4MappedAddressesAsIpv4() throws UnknownHostException {
        InetAddress mapped = AddressesTest.mapped(10, 1, 2, 3); // a real Inet6Address
        assertTrue(Cidr.parse("10.0.0.0/8").contains(mapped));
        assertFalse(Cidr.parse("11.0.0.0/8").contains(mapped));
        assertFalse(Cidr.parse("::/0").contains(mapped), "IPv6 ranges never cover IPv4, mapped or not");
    }

    @ParameterizedTest
    @CsvSource({
            "10.0.0.0/8, 10.1.2.3, true",
            "10.0.0.0/8, ::ffff:10.1.2.3, false",     // 16 bytes are IPv6, taken as they are
            "::ffff:0:0/96, ::ffff:10.1.2.3, false",  // read as the IPv4 range 0.0.0.0/0
            "::/0, ::ffff:10.1.2.3, true",
            "64:ff9b::/96, 64:ff9b::7f00:1, true",
            "127.0.0.0/8, 64:ff9b::7f00:1, false",
    })
    void shouldMatchRawBytesOfTheSameFamilyOnly(String range, String address, boolean expected) {
        assertEquals(expected, Cidr.parse(range).contains(Addresses.parseLiteral(address)));
    }

    @Test
    void shouldKeepAMappedRangeAsIpv6WhenParsedAsWritten() {
        Cidr written = Cidr.parseAsWritten("::ffff:0:0/96");
        assertFalse(written.isIpv4());
        assertEquals(96, written.prefixLength());
        assertTrue(written.contains(Addresses.parseLiteral("::ffff:10.1.2.3")));
        assertFalse(written.contains(Addresses.parseLiteral("10.1.2.3")));
        assertNotEquals(Cidr.parse("::ffff:0:0/96"), written);
        assertEquals(Cidr.parse("64:ff9b::/96"), Cidr.parseAsWritten("64:ff9b::/96"));
    }

    @Test
    void shouldCompareByNetworkAndPrefix() {
        assertEquals(Cidr.parse("10.0.0.0/8"), Cidr.parse(" 10.0.0.0/8"));
        assertEquals(Cidr.parse("10.0.0.0/8").hashCode(), Cidr.parse("::ffff:10.0.0.0/104").hashCode());
        assertNotEquals(Cidr.parse("10.0.0.0/8"), Cidr.parse("10.0.0.0/9"));
        assertNotEquals(Cidr.parse("::/0"), Cidr.parse("0.0.0.0/0"));
    }
}
