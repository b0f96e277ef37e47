package dev.fyntr.transport.nio.internal.net;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What the JVM allows this process for direct buffers: {@code -XX:MaxDirectMemorySize} when given (on the command
 * line or in {@code JDK_JAVA_OPTIONS} / {@code JAVA_TOOL_OPTIONS}), else the heap's maximum, which is the JVM's
 * own default. Read from the process's arguments, which costs nothing; the management beans would answer the
 * same for about 1.5 MiB of memory.
 */
public final class JvmLimits {

    private static final String FLAG = "-XX:MaxDirectMemorySize=";

    private JvmLimits() {
    }

    /** The direct-memory limit in bytes. */
    public static long maxDirectMemory() {
        long fromFlags = -1;
        for (String source : List.of(env("JAVA_TOOL_OPTIONS"), env("JDK_JAVA_OPTIONS"), commandLine())) {
            for (String arg : source.split("\\s+")) {
                if (arg.startsWith(FLAG)) {
                    long v = parseSize(arg.substring(FLAG.length()));
                    if (v > 0) {
                        fromFlags = v; // the command line comes last and wins, as in the JVM
                    }
                }
            }
        }
        return fromFlags > 0 ? fromFlags : Runtime.getRuntime().maxMemory();
    }

    /** {@code 64m}, {@code 1G}, {@code 1048576}; -1 when it is not a size. Strict ASCII digits. */
    static long parseSize(String text) {
        String s = text.strip().toLowerCase(Locale.ROOT);
        if (s.isEmpty()) {
            return -1;
        }
        long unit = switch (s.charAt(s.length() - 1)) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            case 't' -> 1L << 40;
            default -> 1;
        };
        String digits = unit == 1 ? s : s.substring(0, s.length() - 1);
        if (digits.isEmpty() || digits.length() > 15) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v * unit;
    }

    private static String env(String name) {
        String v = System.getenv(name);
        return v == null ? "" : v;
    }

    private static String commandLine() {
        Optional<String[]> args = ProcessHandle.current().info().arguments();
        return args.map(a -> String.join(" ", a)).orElse("");
    }
}
