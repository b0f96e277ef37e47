package dev.fyntr.cli;

import dev.fyntr.transport.nio.FyntrProxy;
import dev.fyntr.transport.nio.ProxyDefaults;
import dev.fyntr.transport.nio.SniCheck;
import dev.fyntr.transport.nio.ThreatAction;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * picocli converters for every typed flag. Environment variables go through the same converters (picocli applies
 * them to default values too), so a bad {@code FYNTR_PORT} gets the same message as a bad {@code --port}.
 * Messages have the form {@code 'VALUE' PROBLEM; accepted: FORMS}; the command adds the flag's name in front.
 */
final class Converters {

    private Converters() {
    }

    /** Listen port, 0 (any free port) to 65535. */
    static final class ListenPort implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return integer(value, 0, 65535, "a port number 0-65535 (0 = any free port)");
        }
    }

    /** {@code --socks5-port}: {@code off} (-1, the builder's "no listener") or 0 (any free port) to 65535. */
    static final class Socks5Port implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            if (value != null && value.strip().equalsIgnoreCase("off")) {
                return -1;
            }
            return integer(value, 0, 65535, "a port number 0-65535 (0 = any free port), or off");
        }
    }

    /** {@code --metrics-port}: {@code off} (-1) or 0 (any free port) to 65535. */
    static final class MetricsPort implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            if (value != null && value.strip().equalsIgnoreCase("off")) {
                return -1;
            }
            return integer(value, 0, 65535, "a port number 0-65535 (0 = any free port), or off");
        }
    }

    /** A flag that is {@code on} or {@code off} (a boolean field would make picocli treat it as a switch). */
    enum Toggle {
        ON, OFF;

        boolean on() {
            return this == ON;
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** {@code on} or {@code off}, in any case. */
    static final class OnOff implements ITypeConverter<Toggle> {
        @Override
        public Toggle convert(String value) {
            String s = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
            if (s.equals("on")) {
                return Toggle.ON;
            }
            if (s.equals("off")) {
                return Toggle.OFF;
            }
            throw new TypeConversionException(Units.quote(value) + " is not on or off; accepted: on|off");
        }
    }

    /** A destination port in a comma list, 1 to 65535. */
    static final class DestinationPort implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return integer(value, 1, 65535, "port numbers 1-65535, comma-separated (e.g. 8443,9443)");
        }
    }

    /** A count where 0 means unlimited. */
    static final class Count implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return integer(value, 0, Integer.MAX_VALUE, "a whole number, 0 = unlimited");
        }
    }

    /** A count of at least 1 (a bound that cannot be switched off). */
    static final class PositiveCount implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return integer(value, 1, Integer.MAX_VALUE, "a whole number from 1");
        }
    }

    /**
     * {@code --max-buffer-memory}: a size of at least {@link ProxyDefaults#MIN_BUFFER_MEMORY} (1 MiB), checked by
     * the builder as well, so the command accepts exactly what the proxy does.
     */
    static final class BufferMemory implements ITypeConverter<Long> {
        static final String FORMS = "a size of at least 1 MiB: bytes (1048576) or a number with a unit: "
                + "B, KB, KiB, MB, MiB, GB, GiB (e.g. 64MiB, 1.5GB)";

        @Override
        public Long convert(String value) {
            long bytes;
            try {
                bytes = Units.size(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(withoutForms(e.getMessage()) + "; accepted: " + FORMS);
            }
            try {
                FyntrProxy.builder().maxBufferMemory(bytes);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(Units.quote(value) + " is less than 1 MiB (" + bytes
                        + " B); accepted: " + FORMS);
            }
            return bytes;
        }
    }

    /** A duration where 0 is allowed (it means never, or no grace). */
    static final class NonNegativeDuration implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return duration(value);
        }
    }

    /** A duration that must be more than 0. */
    static final class PositiveDuration implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration d = duration(value);
            if (d.isZero()) {
                throw new TypeConversionException(Units.quote(value) + " must be more than 0; accepted: "
                        + Units.DURATION_FORMS);
            }
            return d;
        }
    }

    /** {@code auto} or a fixed quantum size. */
    static final class QuantumConverter implements ITypeConverter<Quantum> {
        private static final String FORMS = "auto, or a size from 1 B to 1 MiB: " + Units.SIZE_FORMS;

        @Override
        public Quantum convert(String value) {
            if (value != null && value.strip().equalsIgnoreCase("auto")) {
                return Quantum.AUTO;
            }
            long bytes;
            try {
                bytes = Units.size(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(Units.quote(value) + " is not a quantum; accepted: " + FORMS);
            }
            if (bytes < 1 || bytes > Quantum.MAX_BYTES) {
                throw new TypeConversionException(Units.quote(value) + " is out of range; accepted: " + FORMS);
            }
            return Quantum.fixed((int) bytes);
        }
    }

    /** A rate in bytes per second ({@code 20mbit}, {@code 5MB}, {@code 512KiB}). */
    static final class Rate implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return Units.rate(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /**
     * {@code --max-rate} and {@code --max-download-rate}: a rate as {@link Rate}, or {@code off} (also {@code 0})
     * for no cap, which is 0 for the builder. The upper bound is the builder's.
     */
    static final class OptionalRate implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            if (isOff(value)) {
                return 0L;
            }
            long rate;
            try {
                rate = Units.rate(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage() + ", or off");
            }
            try {
                FyntrProxy.builder().maxRate(rate);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(Units.quote(value) + " is too large (at most 800gbit); accepted: "
                        + Units.RATE_FORMS + ", or off");
            }
            return rate;
        }
    }

    /** {@code --max-connect-rate}: connections per second, a decimal number, or {@code off} (also {@code 0}). */
    static final class ConnectRate implements ITypeConverter<Double> {
        private static final String FORMS = "connections per second from 0.001 to 1000000 (e.g. 50 or 0.5), or off";

        @Override
        public Double convert(String value) {
            if (isOff(value)) {
                return 0.0;
            }
            String s = value == null ? "" : value.strip();
            if (s.endsWith("/s")) {
                s = s.substring(0, s.length() - 2).strip();
            }
            if (!s.matches("[0-9]{1,7}([.][0-9]{1,3})?")) {
                throw new TypeConversionException(Units.quote(value) + " is not a connection rate; accepted: " + FORMS);
            }
            double rate = Double.parseDouble(s);
            try {
                FyntrProxy.builder().maxConnectRate(rate);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(Units.quote(value) + " is out of range; accepted: " + FORMS);
            }
            return rate;
        }
    }

    private static boolean isOff(String value) {
        String s = value == null ? "" : value.strip();
        return s.equalsIgnoreCase("off") || s.equals("0");
    }

    /** A CIDR range, checked by the builder's own parser so the command accepts exactly what the proxy does. */
    static final class CidrRange implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                FyntrProxy.builder().allowCidrs(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(withoutPrefix(e.getMessage(), "allowCidrs: ")
                        + (e.getMessage().contains("expected") ? "" : "; accepted: ADDRESS/PREFIX, e.g. 10.0.0.0/8 or fc00::/7"));
            }
            return value.strip();
        }
    }

    /** A domain name, checked by the builder. */
    static final class DomainName implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                FyntrProxy.builder().allowDomains(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(withoutPrefix(e.getMessage(), "allowDomains: ")
                        + "; accepted: domain names, comma-separated (e.g. example.com,s3.amazonaws.com)");
            }
            return value.strip();
        }
    }

    /**
     * A threat feed file in a comma list. Only the form is checked here; whether the file can be read is checked
     * by the start (and by the dry run), which fails with exit status 1, not 2.
     */
    static final class FeedFile implements ITypeConverter<Path> {
        private static final String FORMS = "file paths, comma-separated (e.g. /etc/fyntr/blocklist.txt)";

        @Override
        public Path convert(String value) {
            String s = value == null ? "" : value.strip();
            if (s.isEmpty()) {
                throw new TypeConversionException(Units.quote(value) + " is empty; accepted: " + FORMS);
            }
            try {
                return Path.of(s);
            } catch (InvalidPathException e) {
                throw new TypeConversionException(Units.quote(value) + " is not a file path (" + e.getReason()
                        + "); accepted: " + FORMS);
            }
        }
    }

    /** One file path for {@code --auth-file}. */
    static final class AuthFile implements ITypeConverter<Path> {
        private static final String FORMS = "a file path (e.g. /etc/fyntr/users)";

        @Override
        public Path convert(String value) {
            String s = value == null ? "" : value.strip();
            if (s.isEmpty()) {
                throw new TypeConversionException(Units.quote(value) + " is empty; accepted: " + FORMS);
            }
            try {
                return Path.of(s);
            } catch (InvalidPathException e) {
                throw new TypeConversionException(Units.quote(value) + " is not a file path (" + e.getReason()
                        + "); accepted: " + FORMS);
            }
        }
    }

    /** {@code warn} or {@code block}, in any case. */
    static final class ThreatActionConverter implements ITypeConverter<ThreatAction> {
        @Override
        public ThreatAction convert(String value) {
            String s = asciiKeyword(value);
            for (ThreatAction action : ThreatAction.values()) {
                if (action.name().equals(s)) {
                    return action;
                }
            }
            throw new TypeConversionException(Units.quote(value) + " is not a threat action; accepted: warn|block "
                    + "(warn logs a match, block also refuses it)");
        }
    }

    /** {@code off}, {@code warn} or {@code enforce}, in any case. */
    static final class SniCheckConverter implements ITypeConverter<SniCheck> {
        @Override
        public SniCheck convert(String value) {
            String s = asciiKeyword(value);
            for (SniCheck check : SniCheck.values()) {
                if (check.name().equals(s)) {
                    return check;
                }
            }
            throw new TypeConversionException(Units.quote(value) + " is not an SNI check; accepted: off|warn|enforce "
                    + "(warn logs a ClientHello naming another host than the CONNECT, enforce also resets the tunnel)");
        }
    }

    /** One of the log levels of slf4j-simple, in any case. */
    static final class Level implements ITypeConverter<LogLevel> {
        @Override
        public LogLevel convert(String value) {
            String s = asciiKeyword(value);
            for (LogLevel level : LogLevel.values()) {
                if (level.name().equals(s)) {
                    return level;
                }
            }
            throw new TypeConversionException(Units.quote(value) + " is not a log level; accepted: "
                    + "error, warn, info, debug, trace");
        }
    }

    /** The environment's spelling of a switch: true/false, 1/0, yes/no, on/off. */
    static boolean envSwitch(String value) {
        String s = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        switch (s) {
            case "1": case "true": case "yes": case "on":
                return true;
            case "0": case "false": case "no": case "off": case "":
                return false;
            default:
                throw new TypeConversionException(Units.quote(value) + " is not a switch; accepted: "
                        + "true/false, 1/0, yes/no, on/off");
        }
    }

    /**
     * A keyword in upper case for comparing with enum names, or "" when it is not ASCII: {@code toUpperCase} alone
     * would read "info" written with a dotless i (U+0131) as INFO, and a long s (U+017F) as S. Strict ASCII, like
     * the numbers.
     */
    static String asciiKeyword(String value) {
        String s = value == null ? "" : value.strip();
        return s.chars().allMatch(c -> c < 0x80) ? s.toUpperCase(Locale.ROOT) : "";
    }

    /** Digits are {@code 0-9} only (never {@code Character.isDigit}: Arabic-Indic and full-width digits). */
    private static int integer(String value, int min, int max, String forms) {
        String s = value == null ? "" : value.strip();
        boolean negative = s.length() > 1 && s.charAt(0) == '-';
        String digits = negative ? s.substring(1) : s;
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new TypeConversionException(Units.quote(value) + " is not a whole number; accepted: " + forms);
        }
        long n = digits.length() > 18 ? Long.MAX_VALUE : Long.parseLong(digits);
        if (negative || n < min) {
            throw new TypeConversionException(Units.quote(value) + " is too small: it must be at least " + min
                    + "; accepted: " + forms);
        }
        if (n > max) {
            throw new TypeConversionException(Units.quote(value) + " is too large: it must be at most " + max
                    + "; accepted: " + forms);
        }
        return (int) n;
    }

    private static Duration duration(String value) {
        try {
            return Units.duration(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }

    /** {@code 'x' is not a size; accepted: …} without its {@code ; accepted: …} part. */
    private static String withoutForms(String message) {
        int at = message.indexOf("; accepted: ");
        return at < 0 ? message : message.substring(0, at);
    }

    private static String withoutPrefix(String message, String prefix) {
        return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }
}
