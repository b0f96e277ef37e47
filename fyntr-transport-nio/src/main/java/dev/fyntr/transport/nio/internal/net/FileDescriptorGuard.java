package dev.fyntr.transport.nio.internal.net;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * Every connection can take two descriptors (client and upstream), plus some for the JVM itself.
 * Warn at startup when the process limit is below that, instead of failing later with EMFILE under load.
 */
public final class FileDescriptorGuard {

    private FileDescriptorGuard() {
    }

    /** Descriptors {@code maxConnections} may need: 2 per connection + 64 for the JVM and listeners. */
    static long needed(int maxConnections) {
        return 2L * maxConnections + 64;
    }

    /** The warning for this process's open-file limit, or null when the limit is fine or unknown. */
    public static String warning(int maxConnections) {
        return warning(maxConnections, maxFileDescriptors());
    }

    /** The warning to log, or null when the limit is fine. Package-private for tests. */
    static String warning(int maxConnections, long limit) {
        if (limit <= 0) {
            return null; // unknown on this platform
        }
        if (maxConnections == 0) {
            return "max connections is unlimited, so the open-file limit (" + limit + ") is the real limit; "
                    + "set --max-connections to at most " + Math.max(1, (limit - 64) / 2) + " to fail politely with "
                    + "503 instead of refusing connections";
        }
        long needed = needed(maxConnections);
        if (limit < needed) {
            return "the open-file limit is " + limit + " but " + maxConnections + " connections need up to "
                    + needed + " descriptors; raise it (ulimit -n " + needed + ", or LimitNOFILE= in a systemd unit) "
                    + "or lower --max-connections to " + Math.max(1, (limit - 64) / 2);
        }
        return null;
    }

    /**
     * The soft open-file limit after the JVM raised it to the hard one. On Linux it is read from /proc, which
     * is cheap; the management bean answers the same but initialising the management classes costs about
     * 1.5 MiB of RSS, a few per cent of an idle proxy.
     */
    private static long maxFileDescriptors() {
        long fromProc = LinuxLimits.maxOpenFiles();
        if (fromProc != 0) {
            return fromProc;
        }
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return unix.getMaxFileDescriptorCount(); // after the JVM raised the soft limit to the hard one
        }
        return -1;
    }
}
