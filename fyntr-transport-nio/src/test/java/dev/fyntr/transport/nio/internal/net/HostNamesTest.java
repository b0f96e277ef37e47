package dev.fyntr.transport.nio.internal.net;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.IDN;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one canonical host-name form, by example; HostNamesPropertiesTest has the general properties. */
class HostNamesTest {

    @ParameterizedTest(name = "[{0}] → {1}")
    @CsvSource(delimiter = '|', value = {
            "example.com|example.com",
            "Example.COM|example.com",
            "example.com.|example.com",
            "EXAMPLE.com\u3002|example.com",
            "\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45\uff0e\uff43\uff4f\uff4d|example.com",
            "a\uff61b\uff0ec\u3002d|a.b.c.d",
            "b\u00fccher.de|xn--bcher-kva.de",
            "B\u00dcCHER.DE.|xn--bcher-kva.de",
            "bu\u0308cher.de|xn--bcher-kva.de",
            "XN--BCHER-KVA.de|xn--bcher-kva.de",
            "\u00fc.XN--BCHER-KVA|xn--tda.xn--bcher-kva",
            "\uff58\uff4e\uff0d\uff0d\uff42\uff43\uff48\uff45\uff52\uff0d\uff4b\uff56\uff41.de|xn--bcher-kva.de",
            "\u4f8b\u3048\u3002\u30c6\u30b9\u30c8|xn--r8jz45g.xn--zckzah",
            "\u0394\u039f\u039a\u0399\u039c\u0389.gr|xn--jxalpdlp.gr",
            "a\u00adb.com|ab.com",
            "\u212a.com|k.com",
            // IDNA2008 names are accepted in their ASCII form, not decoded: xn--strae-oqa is straße under IDNA2008
            "xn--strae-oqa.de|xn--strae-oqa.de",
            "localhost|localhost",
            "123.example|123.example",
            "127.1|127.1",
            "a-b--c.d|a-b--c.d",
            // Other scripts' digits are no ASCII digits to IDNA either: xn-- labels, never a number to a resolver
            "\u0661\u0662\u0667.\u0660.\u0660.\u0661|xn--9hbcp.xn--8hb.xn--8hb.xn--9hb",
            // Full-width digits are (NFKC): this is 127.0.0.1, which callers refuse or read as an address
            "\uff11\uff12\uff17\uff0e\uff10\u3002\uff10\uff61\uff11|127.0.0.1",
    })
    void shouldCanonicalise(String written, String canonical) throws Exception {
        assertEquals(canonical, HostNames.canonical(written));
        assertEquals(canonical, HostNames.canonical(canonical), "a canonical name is its own canonical form");
    }

    @ParameterizedTest(name = "[{0}] → {1}")
    @CsvSource(delimiter = '|', value = {
            "''|the host is empty",
            ".|the host is empty",
            "\u3002|the host is empty",
            "example.com..|the host has an empty label",
            ".example.com|the host has an empty label",
            "a..b|the host has an empty label",
            "-a.com|starts or ends with '-'",
            "a-.com|starts or ends with '-'",
            "a\uff0d.com|starts or ends with '-'",
            "xn--.com|starts or ends with '-'",
            "a_b.com|may only contain letters, digits and '-'",
            "' example.com'|may only contain letters, digits and '-'",
            "exa mple.com|may only contain letters, digits and '-'",
            "exa\u0000mple.com|may only contain letters, digits and '-'",
            "*.example.com|may only contain letters, digits and '-'",
            "a\uff0fb.com|may only contain letters, digits and '-'",
            "\u00fc_x.com|may only contain letters, digits and '-'",
            "example.com:443|may only contain letters, digits and '-'",
            "stra\u00dfe.de|sharp s (U+00DF)",
            "STRA\u00dfE.de|sharp s (U+00DF)",
            "\u03c2.gr|final sigma (U+03C2)",
            "a\u200db.com|ZERO WIDTH JOINER (U+200D)",
            "a\u200cb.com|ZERO WIDTH NON-JOINER (U+200C)",
            "\u1e9e.de|not a valid internationalized domain name",
            "\u00fc..de|not a valid internationalized domain name",
    })
    void shouldRefuseWithTheReason(String written, String reason) {
        String message = assertThrows(HostNames.InvalidHostNameException.class, () -> HostNames.canonical(written),
                () -> "accepted " + LogSafe.quote(written, 80)).getMessage();
        assertTrue(message.contains(reason), message);
        assertTrue(message.chars().allMatch(c -> c >= 0x20 && c < 0x7F), message);
    }

    @Test
    void shouldRefuseNull() {
        assertThrows(HostNames.InvalidHostNameException.class, () -> HostNames.canonical(null));
        assertThrows(HostNames.InvalidHostNameException.class, () -> HostNames.canonicalDomain(null));
    }

    @Test
    void shouldLimitLabelsTo63AndNamesTo253WithoutTheTrailingDot() throws Exception {
        String label63 = "a".repeat(63);
        assertEquals(label63 + ".com", HostNames.canonical(label63 + ".com"));
        String tooLong = "a".repeat(64) + ".com";
        assertTrue(assertThrows(HostNames.InvalidHostNameException.class, () -> HostNames.canonical(tooLong))
                .getMessage().contains("longer than 63"));
        String name253 = String.join(".", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(61));
        assertEquals(name253, HostNames.canonical(name253 + "."));
        assertTrue(assertThrows(HostNames.InvalidHostNameException.class, () -> HostNames.canonical(name253 + "d"))
                .getMessage().contains("longer than 253"));
    }

    @ParameterizedTest(name = "[{0}] → {1}")
    @CsvSource(delimiter = '|', value = {
            ".example.com|example.com",
            ".Example.COM.|example.com",
            "example.com|example.com",
            "\u3002b\u00fccher.de|xn--bcher-kva.de",
    })
    void shouldReadADomainWithOneLeadingDot(String written, String canonical) throws Exception {
        assertEquals(canonical, HostNames.canonicalDomain(written));
    }

    @ParameterizedTest
    @ValueSource(strings = {"..example.com", ".", "*.example.com", "example.com..", " .example.com"})
    void shouldRefuseOtherDomainPatterns(String written) {
        assertThrows(HostNames.InvalidHostNameException.class, () -> HostNames.canonicalDomain(written));
    }

    @ParameterizedTest
    @CsvSource({
            "127.1, true", "2130706433, true", "0x7f000001, true", "foo.0x1f, true", "example.0x, true",
            "1.2.3.4.5, true", "www.2130706433, true", "10.0.0.0x1, true", "192.0.2.1, true",
            "example.com, false", "123.example, false", "0x1.example, false", "example.0xg, false",
            "example.x0, false", "a0x1, false", "0, true", "x, false",
    })
    void shouldTellNumericLookingNames(String canonical, boolean numeric) {
        assertEquals(numeric, HostNames.looksNumeric(canonical));
    }

    @Test
    void shouldCountOnlyAsciiDigitsAsDigits() {
        for (int i = 0; i <= 0xFFFF; i++) {
            char c = (char) i;
            assertEquals(c >= '0' && c <= '9', HostNames.isDigit(c), () -> "U+" + Integer.toHexString(c));
            boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            assertEquals(hex, HostNames.isHexDigit(c), () -> "U+" + Integer.toHexString(c));
        }
        assertTrue(Character.isDigit('\u0664') && Character.digit('\uff14', 10) == 4, "the JDK's own would accept them");
        assertFalse(HostNames.allDigits("\u0664\u0664\u0663", 0, 3), "Arabic-Indic 443");
        assertFalse(HostNames.allDigits("\uff14\uff14\uff13", 0, 3), "full-width 443");
        assertFalse(HostNames.allDigits("", 0, 0));
        assertTrue(HostNames.allDigits("x443", 1, 4));
    }

    @Test
    void shouldMatchTheJdksIdnaForEveryTableEntry() {
        // The table the properties trust is checked once against the JDK, in both directions.
        for (HostNameSpellings.IdnLabel l : HostNameSpellings.IDN_LABELS) {
            assertEquals(l.ascii(), IDN.toASCII(l.unicode()));
            assertEquals(l.unicode(), IDN.toUnicode(l.ascii()));
        }
    }
}
