package dev.fyntr.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A {@link ProxyMain} in a child JVM with this JVM's class path; closing it ends the child. Its standard error is
 * copied to this process's, and its {@code ERROR} and {@code WARN} log lines are counted.
 */
final class ForkedProxy implements AutoCloseable {

    /** The launcher's JVM flags ({@code ./fyntr}, {@code FYNTR_JAVA_OPTS}'s default). */
    static final String LAUNCHER_JVM_OPTS = "-XX:+UseSerialGC -Xss256k -XX:TieredStopAtLevel=1 -Xms8m -Xmx64m";

    private static final String EOF = "\u0000eof";
    private static final int KEPT_LOG_LINES = 20;

    private final Process process;
    private final int port;
    private final String schedulerName;
    private final LinkedBlockingQueue<String> stdout;
    private final LogTap stderr;
    private long requestSeq;

    private ForkedProxy(Process process, LinkedBlockingQueue<String> stdout, LogTap stderr, int port,
                        String schedulerName) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        this.port = port;
        this.schedulerName = schedulerName;
    }

    /** Copies the child's log lines to a stream, counting {@code ERROR} and {@code WARN} lines. */
    private static final class LogTap {
        final PrintStream log;
        final AtomicLong errorLines = new AtomicLong();
        final AtomicLong warnLines = new AtomicLong();
        final List<String> firstLines = new ArrayList<>();

        LogTap(PrintStream log) {
            this.log = log;
        }

        void line(String line) {
            if (line.contains(" ERROR ")) {
                errorLines.incrementAndGet();
            } else if (line.contains(" WARN ")) {
                warnLines.incrementAndGet();
            }
            synchronized (firstLines) {
                if (firstLines.size() < KEPT_LOG_LINES) {
                    firstLines.add(line);
                }
            }
            log.println(line);
        }
    }

    /** A proxy allowing {@code echoPort} and {@code sinkPort}, with the JVM flags of {@code fyntr.bench.proxyJvmOpts}. */
    static ForkedProxy start(int echoPort, int sinkPort, String scheduler, int timeoutMs) throws IOException {
        // JVM flags of the proxy process, e.g. the launcher's lean ones for memory numbers:
        // -Dfyntr.bench.proxyJvmOpts="-XX:+UseSerialGC -Xss256k -XX:TieredStopAtLevel=1 -Xms8m -Xmx64m"
        return start(List.of(echoPort, sinkPort), scheduler, System.getProperty("fyntr.bench.proxyJvmOpts", ""),
                timeoutMs, System.err);
    }

    /**
     * A proxy allowing CONNECT to 127.0.0.1 on {@code ports}, in a JVM started with {@code jvmOpts} (split on
     * white space; empty: the JDK's defaults). The child's standard error goes to {@code log}.
     */
    static ForkedProxy start(List<Integer> ports, String scheduler, String jvmOpts, int timeoutMs, PrintStream log)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String opts = jvmOpts == null ? "" : jvmOpts.strip();
        if (!opts.isEmpty()) {
            cmd.addAll(List.of(opts.split("\\s+")));
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ProxyMain.class.getName(),
                ports.stream().map(String::valueOf).collect(Collectors.joining(","))));
        if (scheduler != null) {
            cmd.add(scheduler);
        }
        Process p = new ProcessBuilder(cmd).start();
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        LogTap tap = new LogTap(log);
        daemon("forked-proxy-stdout", () -> copyLines(p.getInputStream(), lines::add, () -> lines.add(EOF)));
        daemon("forked-proxy-stderr", () -> copyLines(p.getErrorStream(), tap::line, () -> { }));
        String line;
        try {
            line = lines.poll(Math.max(timeoutMs, 20_000), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            line = null;
        }
        if (line == null || !line.startsWith("PORT ")) {
            p.destroyForcibly();
            throw new IOException(line == null ? "forked proxy did not report its port in time"
                    : "forked proxy failed to start (exit " + waitBriefly(p) + "); see its messages above");
        }
        String[] parts = line.split(" ");
        return new ForkedProxy(p, lines, tap, Integer.parseInt(parts[1]), parts.length > 2 ? parts[2] : "?");
    }

    private static void copyLines(InputStream in, Consumer<String> sink, Runnable atEnd) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                sink.accept(line);
            }
        } catch (IOException e) {
            // the child is gone
        } finally {
            atEnd.run();
        }
    }

    private static void daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    private static String waitBriefly(Process p) {
        try {
            return p.waitFor(5, TimeUnit.SECONDS) ? String.valueOf(p.exitValue()) : "still running";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    long pid() {
        return process.pid();
    }

    String schedulerName() {
        return schedulerName;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The exit code once the child has ended, else {@code null}. */
    Integer exitCode() {
        return process.isAlive() ? null : process.exitValue();
    }

    /** {@code ERROR} lines the child has logged so far. */
    long errorLines() {
        return stderr.errorLines.get();
    }

    /** {@code WARN} lines the child has logged so far. */
    long warnLines() {
        return stderr.warnLines.get();
    }

    /** The first lines the child logged (at most 20). */
    List<String> firstLogLines() {
        synchronized (stderr.firstLines) {
            return List.copyOf(stderr.firstLines);
        }
    }

    /**
     * Asks the child for its {@link StatsLine stats}; {@code null} when it does not answer within
     * {@code timeoutMs}, answers with an error, or is gone. A late answer is recognised by its sequence number
     * and dropped.
     */
    Map<String, Long> stats(long timeoutMs) {
        String body = request("stats", timeoutMs);
        return body != null && body.startsWith("{") ? StatsLine.parse(body) : null;
    }

    /** Asks the child to collect garbage ({@link System#gc()}); false when it did not answer in time. */
    boolean gc(long timeoutMs) {
        return "done".equals(request("gc", timeoutMs));
    }

    /** Sends {@code "word SEQ"}; returns the body of the answer {@code "WORD SEQ body"}, or null. */
    private synchronized String request(String word, long timeoutMs) {
        long seq = ++requestSeq;
        try {
            OutputStream in = process.getOutputStream();
            in.write((word + " " + seq + "\n").getBytes(StandardCharsets.US_ASCII));
            in.flush();
        } catch (IOException e) {
            return null;
        }
        String prefix = word.toUpperCase(java.util.Locale.ROOT) + " " + seq + " ";
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        try {
            for (long left = timeoutMs; left > 0; left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())) {
                String line = stdout.poll(left, TimeUnit.MILLISECONDS);
                if (line == null) {
                    return null;
                }
                if (line.equals(EOF)) {
                    stdout.add(EOF); // stays gone for later calls
                    return null;
                }
                if (line.startsWith(prefix)) {
                    return line.substring(prefix.length());
                }
                // an older answer that came too late, or another line: skip it
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
