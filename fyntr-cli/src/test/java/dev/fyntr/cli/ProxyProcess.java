package dev.fyntr.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real command as a separate process, launched the way users launch it: the JVM of the build, the packaged
 * modular jar and {@code target/lib} on the module path (or the fat jar), the launcher's lean JVM flags (read from
 * the launcher script itself, so that the tests run what {@code ./fyntr} runs).
 */
final class ProxyProcess implements AutoCloseable {

    static final Path TARGET = Path.of(System.getProperty("fyntr.target", "target"));
    static final String JAVA = System.getProperty("fyntr.java",
            Path.of(System.getProperty("java.home"), "bin", "java").toString());
    private static final Pattern LAUNCHER_OPTS = Pattern.compile("\\$\\{FYNTR_JAVA_OPTS:-([^}]*)}");
    /** The launcher script at the repository's root, whose default JVM flags the tests use. */
    static final Path LAUNCHER = Path.of(System.getProperty("fyntr.launcher", "../fyntr"));
    /**
     * The launcher's default JVM flags, e.g. {@code -XX:+UseSerialGC -Xss256k -XX:TieredStopAtLevel=1 -Xms8m
     * -Xmx64m}.
     */
    static final List<String> LEAN_FLAGS = launcherFlags(LAUNCHER);
    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+) ");

    private final Process process;
    private final LinkedBlockingQueue<String> unread = new LinkedBlockingQueue<>();
    private final List<String> all = new ArrayList<>();
    private final int port;

    private ProxyProcess(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("FYNTR_"));
        process = builder.start();
        Thread reader = new Thread(this::readOutput, "proxy-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
        String line = awaitLine("listening on 127.0.0.1:", Duration.ofSeconds(60));
        Matcher m = LISTENING.matcher(line);
        if (!m.find()) {
            throw new AssertionError("no port in the startup line: " + line);
        }
        port = Integer.parseInt(m.group(1));
        // Logged after the signal handlers are installed: only then is a SIGTERM handled as a graceful stop.
        awaitLine("settings: ", Duration.ofSeconds(60));
    }

    /** {@code java -p target/lib:target/fyntr-cli.jar -m dev.fyntr.cli --port 0 ARGS}, once it listens. */
    static ProxyProcess startOnModulePath(String... args) throws IOException, InterruptedException {
        return startOnModulePath(LEAN_FLAGS, args);
    }

    /** As {@link #startOnModulePath(String...)}, with other JVM flags (as {@code FYNTR_JAVA_OPTS} gives them). */
    static ProxyProcess startOnModulePath(List<String> jvmFlags, String... args)
            throws IOException, InterruptedException {
        requireFile(TARGET.resolve("fyntr-cli.jar"));
        List<String> command = new ArrayList<>();
        command.add(JAVA);
        command.addAll(jvmFlags);
        command.addAll(List.of("-p", TARGET.resolve("lib") + java.io.File.pathSeparator
                + TARGET.resolve("fyntr-cli.jar"), "-m", "dev.fyntr.cli", "--port", "0"));
        command.addAll(List.of(args));
        return new ProxyProcess(command);
    }

    /**
     * As {@link #startOnModulePath}, under {@code ulimit -n maxOpenFiles} (soft and hard, so the JVM cannot raise
     * it): for tests of running out of descriptors. Needs bash.
     */
    static ProxyProcess startOnModulePathWithOpenFileLimit(int maxOpenFiles, String... args)
            throws IOException, InterruptedException {
        requireFile(TARGET.resolve("fyntr-cli.jar"));
        List<String> command = new ArrayList<>(List.of("bash", "-c",
                "ulimit -n " + maxOpenFiles + " && exec \"$0\" \"$@\"", JAVA));
        command.addAll(LEAN_FLAGS);
        command.addAll(List.of("-p", TARGET.resolve("lib") + java.io.File.pathSeparator
                + TARGET.resolve("fyntr-cli.jar"), "-m", "dev.fyntr.cli", "--port", "0"));
        command.addAll(List.of(args));
        return new ProxyProcess(command);
    }

    /** What a command that ends by itself printed, and its status. */
    record Finished(int status, String out, String err) {
    }

    /**
     * {@code java LEAN_FLAGS -p target/lib:target/fyntr-cli.jar -m dev.fyntr.cli --dry-run --port 0 ARGS}, to its
     * end (bounded).
     */
    static Finished dryRunOnModulePath(Path dir, String... args) throws IOException, InterruptedException {
        requireFile(TARGET.resolve("fyntr-cli.jar"));
        List<String> command = new ArrayList<>();
        command.add(JAVA);
        command.addAll(LEAN_FLAGS);
        command.addAll(List.of("-p", TARGET.resolve("lib") + java.io.File.pathSeparator
                + TARGET.resolve("fyntr-cli.jar"), "-m", "dev.fyntr.cli", "--dry-run", "--port", "0"));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("FYNTR_"));
        Process process = builder.start();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError("the dry run still runs after 60 s: " + command);
            }
        } finally {
            process.destroyForcibly();
        }
        return new Finished(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** {@code java LEAN_FLAGS MAIN_ARGS --port 0 ARGS}: any way of launching the command, once it listens. */
    static ProxyProcess start(List<String> launch, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(JAVA);
        command.addAll(LEAN_FLAGS);
        command.addAll(launch);
        command.addAll(List.of("--port", "0"));
        command.addAll(List.of(args));
        return new ProxyProcess(command);
    }

    /**
     * {@code java -p … -m dev.fyntr.cli ARGS} with {@code stdin} as its standard input (a closed pipe after it),
     * to its end (bounded).
     */
    static Finished runOnModulePath(Path dir, String stdin, String... args) throws IOException, InterruptedException {
        requireFile(TARGET.resolve("fyntr-cli.jar"));
        List<String> command = new ArrayList<>();
        command.add(JAVA);
        command.addAll(LEAN_FLAGS);
        command.addAll(List.of("-p", TARGET.resolve("lib") + java.io.File.pathSeparator
                + TARGET.resolve("fyntr-cli.jar"), "-m", "dev.fyntr.cli"));
        command.addAll(List.of(args));
        Path in = Files.writeString(Files.createTempFile(dir, "in", ".txt"), stdin);
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process process = new ProcessBuilder(command).redirectInput(in.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError("still running after 60 s: " + command);
            }
        } finally {
            process.destroyForcibly();
        }
        return new Finished(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** {@code java -jar target/fyntr-cli-all.jar --port 0 ARGS}, once it listens. */
    static ProxyProcess startFatJar(String... args) throws IOException, InterruptedException {
        requireFile(TARGET.resolve("fyntr-cli-all.jar"));
        List<String> command = new ArrayList<>();
        command.add(JAVA);
        command.addAll(LEAN_FLAGS);
        command.addAll(List.of("-jar", TARGET.resolve("fyntr-cli-all.jar").toString(), "--port", "0"));
        command.addAll(List.of(args));
        return new ProxyProcess(command);
    }

    /** The flags in {@code ${FYNTR_JAVA_OPTS:-…}} of the launcher: what {@code ./fyntr} runs Java with. */
    static List<String> launcherFlags(Path launcher) {
        String script;
        try {
            script = Files.readString(launcher);
        } catch (IOException e) {
            throw new AssertionError("cannot read the launcher " + launcher.toAbsolutePath() + ": " + e, e);
        }
        Matcher m = LAUNCHER_OPTS.matcher(script);
        if (!m.find()) {
            throw new AssertionError("no ${FYNTR_JAVA_OPTS:-...} default in " + launcher.toAbsolutePath());
        }
        return List.of(m.group(1).strip().split("\\s+"));
    }

    private static void requireFile(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new AssertionError(path + " is missing: the end-to-end tests run after 'package'");
        }
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * A memory figure of the process from {@code /proc/PID/status} in KiB: {@code VmRSS} (resident now) or
     * {@code VmHWM} (the most resident since start); -1 where there is no such file (not Linux).
     */
    long statusKiB(String field) throws IOException {
        Path status = Path.of("/proc", String.valueOf(process.pid()), "status");
        if (!Files.isReadable(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").strip());
            }
        }
        return -1;
    }

    /**
     * Sends SIGTERM. Through the {@link ProcessHandle}: {@link Process#destroy()} also closes our end of the
     * process's output pipe, so nothing it logs while shutting down could be read any more.
     */
    void sigterm() {
        if (!process.toHandle().destroy()) {
            throw new AssertionError("could not send SIGTERM to " + process.pid());
        }
    }

    /** Sends SIGHUP with {@code kill -HUP}: the JDK can only send SIGTERM and SIGKILL. */
    void sighup() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-HUP", String.valueOf(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            kill.destroyForcibly();
            throw new AssertionError("kill -HUP " + process.pid() + " failed");
        }
    }

    /** Waits for the next output line containing the text; fails with everything printed so far. */
    String awaitLine(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left <= 0 ? null : unread.poll(left, TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("no line with '" + text + "' within " + timeout + "; output:\n" + output());
            }
            if (line.contains(text)) {
                return line;
            }
        }
    }

    /** Everything the process printed so far. */
    String output() {
        synchronized (all) {
            return String.join("\n", all);
        }
    }

    /** Waits for the exit; fails if it takes longer than the timeout. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("still running after " + timeout + "; output:\n" + output());
        }
        return process.exitValue();
    }

    private void readOutput() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                synchronized (all) {
                    all.add(line);
                }
                unread.add(line);
            }
        } catch (IOException e) {
            // The process is gone; what it printed is kept.
        }
    }

    /** Kills what a test left running; an interrupt is passed on rather than thrown from close(). */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
