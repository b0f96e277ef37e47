package dev.fyntr.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Numbers in flags and variables are strict ASCII (docs/cli.md, issue 13): digits of other scripts, which
 * {@code Character.isDigit} and {@code Integer.parseInt} would take, get the usual usage error, as do keywords
 * that only a Unicode case mapping turns into a valid one.
 */
class StrictAsciiFlagsTest {

    /** 443 in Arabic-Indic, extended Arabic-Indic, full-width, Devanagari and Bengali digits. */
    private static final String[] PORTS = {"\u0664\u0664\u0663", "\u06f4\u06f4\u06f3", "\uff14\uff14\uff13",
        "\u096a\u096a\u0969", "\u09ea\u09ea\u09e9"};

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "--port|PORT|is not a whole number; accepted: a port number 0-65535",
        "--allow-port|PORT|is not a whole number; accepted: port numbers 1-65535",
        "--socks5-port|PORT|is not a whole number; accepted: a port number 0-65535 (0 = any free port), or off",
        "--max-connections|PORT|is not a whole number; accepted: a whole number, 0 = unlimited",
        "--max-connections-per-client|PORT|is not a whole number",
        "--max-name-lookups|PORT|is not a whole number; accepted: a whole number from 1",
        "--max-name-lookups-per-client|PORT|is not a whole number",
        "--idle-timeout|PORTs|is not a duration; accepted: whole seconds",
        "--handshake-timeout|PORT|is not a duration",
        "--connect-timeout|PORTms|is not a duration",
        "--shutdown-grace|PORT|is not a duration",
        "--max-buffer-memory|PORTMiB|is not a size; accepted: a size of at least 1 MiB",
        "--quantum|PORT|is not a quantum; accepted: auto",
        "--max-rate|PORTmbit|is not a rate; accepted: bytes per second",
        "--max-download-rate|PORT|is not a rate",
        "--max-connect-rate|PORT|is not a connection rate; accepted: connections per second",
    })
    void shouldRefuseOtherScriptsDigitsInEveryNumericFlag(String flag, String template, String expected) {
        for (String digits : PORTS) {
            String value = template.replace("PORT", digits);
            Cli.Result r = Cli.run(flag, value, "--dry-run");
            assertUsage(r, "fyntr: invalid value for " + flag + ": '" + value + "' " + expected);
            String variable = "FYNTR_" + flag.substring(2).replace('-', '_').toUpperCase(java.util.Locale.ROOT);
            Cli.Result fromEnv = Cli.run(Map.of(variable, value), "--dry-run");
            assertUsage(fromEnv, "fyntr: invalid value for " + variable + " (" + flag + "): '" + value + "' " + expected);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"1.\u0665", "\u0661.5", "1\uff0e5", "0.\uff15"})
    void shouldRefuseOtherDigitsInFractions(String value) {
        assertUsage(Cli.run("--max-connect-rate", value, "--dry-run"), "'" + value + "' is not a connection rate");
        assertUsage(Cli.run("--max-rate", value + "MB", "--dry-run"), "'" + value + "MB' is not a rate");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "--log-level|\u0131nfo|is not a log level",
        "--log-level|\u0131NFO|is not a log level",
    })
    void shouldRefuseKeywordsThatOnlyUnicodeCaseMappingMakesValid(String flag, String value, String expected) {
        assertUsage(Cli.run(flag, value, "--dry-run"), "'" + value + "' " + expected);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"\u0663\u0660", "\uff13\uff10s", "\u0663\u0660\u0660ms", "\u0967m"})
    void shouldRefuseOtherDigitsInDurationsSizesAndRates(String text) {
        assertThrows(IllegalArgumentException.class, () -> Units.duration(text));
        assertThrows(IllegalArgumentException.class, () -> Units.size(text));
        assertThrows(IllegalArgumentException.class, () -> Units.rate(text));
        // The same text with ASCII digits is fine: only the digits make the difference.
        String ascii = text.chars().map(c -> Character.isDigit(c) ? '0' + Character.digit(c, 10) : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        assertTrue(Units.duration(ascii).toMillis() > 0, ascii);
    }

    private static void assertUsage(Cli.Result r, String expected) {
        assertEquals(FyntrCli.EXIT_USAGE, r.status(), r.err());
        assertEquals(2, r.errLines().size(), r.err());
        assertTrue(r.errLines().get(0).contains(expected), r.errLines().get(0));
        assertEquals(FyntrCli.USAGE_HINT, r.errLines().get(1));
        assertEquals("", r.out());
    }
}
