package dev.fyntr.transport.nio;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** Shared test setup: proxies that may reach loopback test servers, a fake resolver, bounded waits. */
final class Fixtures {

    private Fixtures() {
    }

    /** Names under {@code .test} resolve to 127.0.0.1; everything else fails, so no test ever uses real DNS. */
    static final Resolver TEST_RESOLVER = host -> {
        if (host.endsWith(".test")) {
            return List.of(InetAddress.getLoopbackAddress());
        }
        throw new UnknownHostException(host + " (tests resolve only *.test)");
    };

    /** A proxy on a free port that may connect to 127.0.0.1 on the given ports. */
    static FyntrProxyBuilder proxyTo(int... ports) {
        return FyntrProxy.builder()
                .port(0)
                .allowPorts(ports)
                .allowCidrs("127.0.0.1/32")
                .resolver(TEST_RESOLVER)
                .shutdownGrace(Duration.ZERO);
    }

    /** Polls {@code condition} every 10 ms for up to {@code timeout}; fails with {@code what} if it never holds. */
    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for: " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what, e);
            }
        }
    }

    /** Linux's maximum of an autotuned TCP buffer ({@code tcp_rmem} or {@code tcp_wmem}); 32 MiB elsewhere. */
    static long tcpBufferMax(String name) throws IOException {
        Path p = Path.of("/proc/sys/net/ipv4", name);
        if (!Files.isReadable(p)) {
            return 32L * 1024 * 1024; // no Linux: a generous stand-in (macOS caps socket buffers at 8 MiB)
        }
        // One line, "min default max". Read as lines: Files.readString returns only part of a /proc/sys file.
        String[] minDefaultMax = Files.readAllLines(p).get(0).strip().split("\\s+");
        return Long.parseLong(minDefaultMax[2]);
    }

    /**
     * The kernel's size of a buffer the JDK reports as {@code reported}: Linux doubles a requested size (for its own
     * bookkeeping) and the JDK halves it again when it reads it back; counting it double is right on Linux and
     * only generous elsewhere.
     */
    static long kernelBufferBytes(int reported) {
        return 2L * reported;
    }

    /** Open descriptors of this process (Linux), or -1 where /proc is missing. */
    static long openFileDescriptors() {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return -1;
        }
        try (Stream<Path> s = Files.list(fds)) {
            return s.count();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Threads whose name starts with the prefix. */
    static long threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix)).count();
    }
}
