package dev.fyntr.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the units of the command line: durations, byte sizes and byte rates. Each method throws
 * {@link IllegalArgumentException} with a message of the form {@code 'VALUE' PROBLEM; accepted: FORMS}, which the
 * command prints after the flag's name.
 *
 * <p>Size units follow IEC 80000-13: {@code KB}/{@code MB}/{@code GB} are powers of 1000 and
 * {@code KiB}/{@code MiB}/{@code GiB} powers of 1024, so a value means the same thing here as on a network link
 * or a disk label. Bits are spelled out ({@code kbit}, {@code mbit}, {@code gbit}); {@code Mb}, {@code mb} and the
 * like are refused instead of guessed, because megabits and megabytes differ eightfold.
 */
final class Units {

    static final String DURATION_FORMS = "whole seconds (30) or a number with a unit: 500ms, 30s, 5m, 1h";
    static final String SIZE_FORMS = "bytes (1500) or a number with a unit: B, KB, KiB, MB, MiB (e.g. 8KiB, 1.5KB)";
    static final String RATE_FORMS = "bytes per second (250000) or a number with a unit, per second: "
            + "B, KB, KiB, MB, MiB, GB, GiB, kbit, mbit, gbit (e.g. 20mbit, 5MB, 512KiB)";

    /** Longer timeouts mean nothing, and this keeps every duration far from overflowing nanoseconds. */
    static final Duration MAX_DURATION = Duration.ofDays(365);

    // Strict ASCII: digits are [0-9] (never Character.isDigit, nor \\d under UNICODE_CHARACTER_CLASS, which take
    // Arabic-Indic and full-width digits); the case-insensitive match is ASCII-only (no UNICODE_CASE).
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,12})\\s*(ms|s|m|h)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern QUANTITY = Pattern.compile("([0-9]{1,15}(?:[.][0-9]{1,9})?)\\s*([A-Za-z]*)(/s)?");

    // Case matters for the byte units (b/B is the whole point), so these are matched exactly.
    private static final Map<String, Long> BYTE_UNITS = Map.ofEntries(
            Map.entry("", 1L), Map.entry("B", 1L),
            Map.entry("KB", 1000L), Map.entry("kB", 1000L), Map.entry("KiB", 1L << 10),
            Map.entry("MB", 1000_000L), Map.entry("MiB", 1L << 20),
            Map.entry("GB", 1000_000_000L), Map.entry("GiB", 1L << 30));
    // Bit units are spelled out, so their case can be forgiven.
    private static final Map<String, Long> BIT_UNITS = Map.of(
            "bit", 1L, "kbit", 1000L, "mbit", 1000_000L, "gbit", 1000_000_000L);

    private Units() {
    }

    /** A duration: plain whole seconds, or with {@code ms}, {@code s}, {@code m} or {@code h}. Never negative. */
    static Duration duration(String text) {
        String s = text == null ? "" : text.strip();
        Matcher m = DURATION.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException(quote(text) + " is not a duration; accepted: " + DURATION_FORMS);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
        Duration d;
        switch (unit) {
            case "ms":
                d = Duration.ofMillis(n);
                break;
            case "s":
                d = Duration.ofSeconds(n);
                break;
            case "m":
                d = Duration.ofMinutes(n);
                break;
            default:
                d = Duration.ofHours(n);
                break;
        }
        if (d.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException(quote(text) + " is too long (at most 8760h, one year); accepted: "
                    + DURATION_FORMS);
        }
        return d;
    }

    /** A size in bytes: plain bytes, or a decimal number with a byte unit. Fractions of a byte are dropped. */
    static long size(String text) {
        return quantity(text, false, SIZE_FORMS);
    }

    /**
     * A rate in bytes per second: bytes, or a decimal number with a byte or bit unit, optionally followed by
     * {@code /s}. Fractions of a byte are dropped; the result is at least 1.
     */
    static long rate(String text) {
        long bytes = quantity(text, true, RATE_FORMS);
        if (bytes < 1) {
            throw new IllegalArgumentException(quote(text) + " is less than 1 byte per second; accepted: "
                    + RATE_FORMS);
        }
        return bytes;
    }

    /** Formats a byte count for people: exact IEC units where they divide evenly, else plain bytes. */
    static String formatBytes(long bytes) {
        if (bytes >= 1L << 20 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        if (bytes >= 1L << 10 && bytes % (1L << 10) == 0) {
            return (bytes >> 10) + " KiB";
        }
        return bytes + " B";
    }

    /**
     * Formats a memory size for people, in MiB: whole ({@code 32 MiB}) when exact, else with one decimal rounded
     * down, so that it never overstates ({@code 30.9 MiB}). Below 1 MiB as {@link #formatBytes}.
     */
    static String formatMemory(long bytes) {
        if (bytes < 1L << 20 || bytes % (1L << 20) == 0) {
            return formatBytes(bytes);
        }
        long tenths = (bytes >> 20) * 10 + (bytes & ((1L << 20) - 1)) * 10 / (1L << 20); // no overflow
        return tenths / 10 + "." + tenths % 10 + " MiB";
    }

    /** Formats a byte rate for people: {@code off} for 0, else bytes per second ({@code 2500000 B/s}). */
    static String formatRate(long bytesPerSecond) {
        return bytesPerSecond == 0 ? "off" : bytesPerSecond + " B/s";
    }

    /** Formats a duration the way it can be typed back: {@code 300s}, {@code 500ms}. */
    static String formatDuration(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    private static long quantity(String text, boolean bitsAllowed, String forms) {
        String s = text == null ? "" : text.strip();
        Matcher m = QUANTITY.matcher(s);
        if (!m.matches() || (m.group(3) != null && !bitsAllowed)) {
            throw new IllegalArgumentException(quote(text) + " is not a " + (bitsAllowed ? "rate" : "size")
                    + "; accepted: " + forms);
        }
        BigDecimal number = new BigDecimal(m.group(1));
        String unit = m.group(2);
        BigDecimal bytes;
        Long byteFactor = BYTE_UNITS.get(unit);
        Long bitFactor = BIT_UNITS.get(unit.toLowerCase(Locale.ROOT));
        if (byteFactor != null) {
            bytes = number.multiply(BigDecimal.valueOf(byteFactor));
        } else if (bitFactor != null && bitsAllowed) {
            bytes = number.multiply(BigDecimal.valueOf(bitFactor)).divide(BigDecimal.valueOf(8));
        } else {
            throw new IllegalArgumentException(quote(text) + unitProblem(m.group(1), unit, bitsAllowed)
                    + "; accepted: " + forms);
        }
        BigDecimal whole = bytes.setScale(0, RoundingMode.DOWN);
        if (whole.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException(quote(text) + " is too large; accepted: " + forms);
        }
        return whole.longValueExact();
    }

    private static String unitProblem(String number, String unit, boolean bitsAllowed) {
        String lower = unit.toLowerCase(Locale.ROOT);
        if (lower.length() == 2 && lower.charAt(1) == 'b' && "kmg".indexOf(lower.charAt(0)) >= 0) {
            String upper = unit.substring(0, 1).toUpperCase(Locale.ROOT) + "B";
            return " has an ambiguous unit '" + unit + "': write " + number + upper + " for bytes"
                    + (bitsAllowed ? " or " + number + lower.charAt(0) + "bit for bits" : "");
        }
        return " has an unknown unit '" + unit + "'";
    }

    static String quote(String text) {
        return "'" + (text == null ? "" : text) + "'";
    }
}
