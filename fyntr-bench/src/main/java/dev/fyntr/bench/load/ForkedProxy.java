package dev.fyntr.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A {@link ProxyMain} in a child JVM with this JVM's class path; closing it ends the child. */
final class ForkedProxy implements AutoCloseable {

    private final Process process;
    private final int port;
    private final String schedulerName;

    private ForkedProxy(Process process, int port, String schedulerName) {
        this.process = process;
        this.port = port;
        this.schedulerName = schedulerName;
    }

    static ForkedProxy start(int echoPort, int sinkPort, String scheduler, int timeoutMs) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // JVM flags of the proxy process, e.g. the launcher's lean ones for memory numbers:
        // -Dfyntr.bench.proxyJvmOpts="-XX:+UseSerialGC -Xss256k -XX:TieredStopAtLevel=1 -Xms8m -Xmx64m"
        String opts = System.getProperty("fyntr.bench.proxyJvmOpts", "").strip();
        if (!opts.isEmpty()) {
            cmd.addAll(List.of(opts.split("\\s+")));
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
                ProxyMain.class.getName(), echoPort + "," + sinkPort));
        if (scheduler != null) {
            cmd.add(scheduler);
        }
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        try {
            line = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (IOException e) {
                    return null;
                }
            }).get(Math.max(timeoutMs, 20_000), TimeUnit.MILLISECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            p.destroyForcibly();
            throw new IOException("forked proxy did not report its port: " + e, e);
        }
        if (line == null || !line.startsWith("PORT ")) {
            p.destroyForcibly();
            throw new IOException("forked proxy failed to start (exit " + waitBriefly(p) + "); see its messages above");
        }
        String[] parts = line.split(" ");
        return new ForkedProxy(p, Integer.parseInt(parts[1]), parts.length > 2 ? parts[2] : "?");
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
