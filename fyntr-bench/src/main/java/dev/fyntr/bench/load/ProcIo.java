package dev.fyntr.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process's read and write system calls so far, from Linux's {@code /proc/PID/io} ({@code syscr}, {@code syscw}).
 * They count {@code read}/{@code readv}/{@code write}/{@code writev} and friends, which is what a relay's sockets
 * cost per chunk (the JDK's {@code SocketChannel} uses exactly these); {@code epoll_wait} and {@code epoll_ctl}
 * are not included.
 */
final class ProcIo {

    private ProcIo() {
    }

    /** {@code {syscr, syscw}} of {@code pid}, or null when unknown (not Linux, no such process, no permission). */
    static long[] readWriteCalls(long pid) {
        if (pid <= 0) {
            return null;
        }
        try {
            return parse(Files.readString(Path.of("/proc/" + pid + "/io"), StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** {@code {syscr, syscw}} from the text of a {@code /proc/PID/io} file, or null when either is missing. */
    static long[] parse(String text) {
        long reads = -1;
        long writes = -1;
        for (String line : text.split("\n")) {
            if (line.startsWith("syscr:")) {
                reads = Long.parseLong(line.substring("syscr:".length()).strip());
            } else if (line.startsWith("syscw:")) {
                writes = Long.parseLong(line.substring("syscw:".length()).strip());
            }
        }
        return reads < 0 || writes < 0 ? null : new long[] {reads, writes};
    }
}
