package dev.fyntr.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UnitsTest {

    @ParameterizedTest
    @CsvSource({"0,0", "30,30000", "30s,30000", "30S,30000", " 7 ,7000", "5m,300000", "1h,3600000",
        "500ms,500", "1 s,1000"})
    void shouldParseDurationsAsSecondsOrWithAUnit(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), Units.duration(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-1", "1.5", "abc", "30sec", "5d", "1e3", "8761h", "31536001", "s"})
    void shouldRejectBadDurationsNamingTheValueAndTheForms(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Units.duration(text));
        assertTrue(e.getMessage().startsWith("'" + text + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("accepted: " + Units.DURATION_FORMS), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"0,0", "1500,1500", "1500B,1500", "8KiB,8192", "8 KiB,8192", "16KB,16000", "16kB,16000",
        "1.5KB,1500", "1.5KiB,1536", "1MiB,1048576", "2MB,2000000", "1GiB,1073741824", "0.5B,0"})
    void shouldParseSizesWithSiAndBinaryUnits(String text, long bytes) {
        assertEquals(bytes, Units.size(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-5", "KiB", "5kbit", "5MB/s", "5 XB", "1..5KB", "5kib"})
    void shouldRejectBadSizes(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Units.size(text));
        assertTrue(e.getMessage().contains("accepted: " + Units.SIZE_FORMS), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"20mbit,2500000", "20Mbit,2500000", "1gbit,125000000", "64kbit,8000", "8bit,1", "5MB,5000000",
        "512KiB,524288", "5MB/s,5000000", "250000,250000", "1.5mbit,187500", "3GiB,3221225472"})
    void shouldParseRatesInBytesPerSecond(String text, long bytesPerSecond) {
        assertEquals(bytesPerSecond, Units.rate(text));
        assertEquals(bytesPerSecond, new Converters.Rate().convert(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "4bit", "", "fast", "-1MB", "20mbps", "1tbit", "99999999999999GiB"})
    void shouldRejectBadRates(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Units.rate(text));
        assertTrue(e.getMessage().startsWith("'" + text + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("accepted: " + Units.RATE_FORMS), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"20Mb,20MB,20mbit", "5mb,5MB,5mbit", "1kb,1KB,1kbit", "2Gb,2GB,2gbit"})
    void shouldRefuseToGuessBetweenBitsAndBytes(String text, String bytesForm, String bitsForm) {
        String message = assertThrows(IllegalArgumentException.class, () -> Units.rate(text)).getMessage();
        assertTrue(message.contains("ambiguous") && message.contains(bytesForm) && message.contains(bitsForm),
                message);
    }

    @Test
    void shouldFormatValuesSoThatTheyCanBeTypedBack() {
        assertEquals("300s", Units.formatDuration(Duration.ofSeconds(300)));
        assertEquals("1500ms", Units.formatDuration(Duration.ofMillis(1500)));
        assertEquals("8 KiB", Units.formatBytes(8192));
        assertEquals("1 MiB", Units.formatBytes(1 << 20));
        assertEquals("1500 B", Units.formatBytes(1500));
        assertEquals(Duration.ofSeconds(300), Units.duration("300s"));
    }

    @Test
    void shouldFormatMemoryInMibWithOneDecimalRoundedDown() {
        assertEquals("32 MiB", Units.formatMemory(32L << 20));
        assertEquals("30.9 MiB", Units.formatMemory(32_440_320)); // half of -Xmx64m's usable heap
        assertEquals("1.9 MiB", Units.formatMemory((2L << 20) - 1)); // never rounded up to 2
        assertEquals("1 MiB", Units.formatMemory(1L << 20));
        assertEquals("1430.5 MiB", Units.formatMemory(1_500_000_000L));
        assertEquals("512 KiB", Units.formatMemory(512 * 1024));
        assertEquals("8796093022207.9 MiB", Units.formatMemory(Long.MAX_VALUE)); // no overflow
    }
}
