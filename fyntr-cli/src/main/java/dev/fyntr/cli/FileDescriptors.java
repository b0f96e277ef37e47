package dev.fyntr.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * The FD guard of SPEC §9: each tunnel holds two sockets, plus a margin for the listener, jars and logs. The limit
 * is read from {@code /proc/self/limits} (after the JVM has raised the soft limit to the hard one), which avoids
 * loading {@code java.management} just for one number; where that file does not exist the check is skipped.
 */
final class FileDescriptors {

    static final int MARGIN = 64;

    private FileDescriptors() {
    }

    /** Descriptors needed for a connection limit; 0 (unlimited) has no finite need. */
    static long needed(int maxConnections) {
        return 2L * maxConnections + MARGIN;
    }

    /** The warning for a soft limit and a connection limit, or {@code null} when the limit is enough. */
    static String warning(long openFilesLimit, int maxConnections) {
        if (maxConnections == 0) {
            return "--max-connections is 0 (unlimited), but the open-files limit of " + openFilesLimit
                    + " caps connections at about " + Math.max(0, (openFilesLimit - MARGIN) / 2)
                    + "; set a limit, or raise the open-files limit (ulimit -n)";
        }
        long needed = needed(maxConnections);
        if (openFilesLimit >= needed) {
            return null;
        }
        return "the open-files limit is " + openFilesLimit + " but --max-connections " + maxConnections + " needs "
                + needed + " (2 per connection + " + MARGIN + "); raise it (ulimit -n " + needed
                + ", or LimitNOFILE= in a systemd unit) or lower --max-connections to "
                + Math.max(0, (openFilesLimit - MARGIN) / 2);
    }

    /** The soft "Max open files" limit of this process; empty when unknown or unlimited. */
    static OptionalLong openFilesLimit() {
        Path limits = Path.of("/proc/self/limits");
        try {
            if (!Files.isReadable(limits)) {
                return OptionalLong.empty();
            }
            return parseLimits(Files.readAllLines(limits, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    static OptionalLong parseLimits(List<String> lines) {
        for (String line : lines) {
            if (line.startsWith("Max open files")) {
                String[] fields = line.substring("Max open files".length()).trim().split("\\s+");
                if (fields.length > 0 && fields[0].chars().allMatch(Character::isDigit) && !fields[0].isEmpty()) {
                    return OptionalLong.of(Long.parseLong(fields[0]));
                }
            }
        }
        return OptionalLong.empty();
    }
}
