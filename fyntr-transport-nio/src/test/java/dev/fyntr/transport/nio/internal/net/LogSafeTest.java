package dev.fyntr.transport.nio.internal.net;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogSafeTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "abc|10|\"abc\"",
            "abcdef|3|\"abc\"...",
            "abc|3|\"abc\"",
            "abc|0|\"\"...",
            "a\"b\\c|10|\"a\\\"b\\\\c\"",
    })
    void shouldQuoteAndTruncate(String in, int max, String out) {
        assertEquals(out, LogSafe.quote(in, max));
    }

    @Test
    void shouldEscapeControlAndNonAsciiCharacters() {
        assertEquals("\"a\\r\\nb\\t\\x00\\x1b[31m\\x7f\"", LogSafe.quote("a\r\nb\t\u0000\u001b[31m\u007f", 100));
        assertEquals("\"b\\u00fccher \\u4f8b\"", LogSafe.quote("b\u00fccher \u4f8b", 100));
        assertEquals("null", LogSafe.quote((CharSequence) null, 10));
    }

    @Test
    void shouldQuoteRawBytes() {
        byte[] b = {'G', (byte) 0xFF, '\n', 0, '"', 'x'};
        assertEquals("\"G\\xff\\n\\x00\\\"x\"", LogSafe.quote(b, 100));
        assertEquals("\"\\xff\\n\"...", LogSafe.quote(b, 1, 5, 2));
        assertEquals("null", LogSafe.quote((byte[]) null, 10));
    }

    @Test
    void shouldAlwaysProducePrintableAscii() {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0xFFFF; c++) {
            all.append(c);
        }
        assertPrintable(LogSafe.quote(all, all.length()));
        assertPrintable(LogSafe.sanitize(all.toString()));
        byte[] bytes = new byte[256];
        for (int i = 0; i < 256; i++) {
            bytes[i] = (byte) i;
        }
        assertPrintable(LogSafe.quote(bytes, 256));
    }

    @Test
    void shouldSanitizeOnlyWhatIsUnsafe() {
        String safe = "port 22 is not allowed; \"quoted\" \\x00 stays";
        assertSame(safe, LogSafe.sanitize(safe));
        assertEquals("line\\r\\nInjected: 1 \\u00e9", LogSafe.sanitize("line\r\nInjected: 1 \u00e9"));
        assertEquals("", LogSafe.sanitize(null));
    }

    private static void assertPrintable(String s) {
        assertTrue(s.chars().allMatch(c -> c >= 0x20 && c < 0x7F), "not printable ASCII");
    }
}
