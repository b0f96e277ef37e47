package dev.fyntr.transport.nio.internal.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads this process's resource limits from {@code /proc/self/limits} (Linux only). */
final class LinuxLimits {

    private static final Path LIMITS = Path.of("/proc/self/limits");

    private LinuxLimits() {
    }

    /** The soft "Max open files" limit; -1 for unlimited; 0 when it cannot be read (not Linux). */
    static long maxOpenFiles() {
        try {
            return parseMaxOpenFiles(Files.readString(LIMITS, StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Parses the text of a limits file; package-private for tests. */
    static long parseMaxOpenFiles(String limits) {
        for (String line : limits.split("\n")) {
            if (line.startsWith("Max open files")) {
                String[] fields = line.substring("Max open files".length()).strip().split("\\s+");
                return "unlimited".equals(fields[0]) ? -1 : Long.parseLong(fields[0]);
            }
        }
        return 0;
    }
}
