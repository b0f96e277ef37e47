package dev.fyntr.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * docs/cli.md: running out of file descriptors is logged and survived. The real command runs under
 * {@code ulimit -n 48} with no connection limit; more clients connect than it has descriptors for, so accept fails
 * with EMFILE. Once they leave, the same process must answer new clients again.
 */
class OpenFileLimitEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void shouldSurviveRunningOutOfFileDescriptors() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash for ulimit");
        try (ProxyProcess proxy = ProxyProcess.startOnModulePathWithOpenFileLimit(48, "--max-connections", "0")) {
            // The FD guard's startup warning (logged before the port line the start waited for) names the limit.
            assertTrue(proxy.output().contains("open-file limit (48)"), proxy.output());
            List<Socket> crowd = new ArrayList<>();
            try {
                for (int i = 0; i < 60; i++) {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress("127.0.0.1", proxy.port()), 10_000); // the backlog takes them
                    crowd.add(s);
                }
                proxy.awaitLine("accept failed: Too many open files", WAIT);
            } finally {
                for (Socket s : crowd) {
                    s.close();
                }
            }
            // Descriptors come back as the crowd's handshakes end; the proxy resumes accepting by itself.
            long deadline = System.nanoTime() + WAIT.toNanos();
            String answer = "";
            while (!answer.startsWith("HTTP/1.1 400") && System.nanoTime() < deadline) {
                answer = askWithGet(proxy.port());
                if (!answer.startsWith("HTTP/1.1 400")) {
                    Thread.sleep(50); // polling a condition that has no event to wait on
                }
            }
            assertTrue(answer.startsWith("HTTP/1.1 400"), "no answer after the descriptors came back: " + answer
                    + "\n" + proxy.output());
            proxy.sigterm();
            assertEquals(0, proxy.awaitExit(WAIT), proxy.output());
        }
    }

    @Test
    void shouldWarnOnADryRunWhenTheOpenFileLimitIsTooLowForMaxConnections(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash for ulimit");
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        List<String> command = new ArrayList<>(List.of("bash", "-c", "ulimit -n 1024 && exec \"$0\" \"$@\"",
                ProxyProcess.JAVA));
        command.addAll(ProxyProcess.LEAN_FLAGS);
        command.addAll(List.of("-p", ProxyProcess.TARGET.resolve("lib") + java.io.File.pathSeparator
                + ProxyProcess.TARGET.resolve("fyntr-cli.jar"), "-m", "dev.fyntr.cli", "--dry-run", "--port", "0"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("FYNTR_"));
        Process process = builder.start();
        try {
            assertTrue(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "the dry run still runs after " + WAIT);
        } finally {
            process.destroyForcibly();
        }
        String stderr = Files.readString(err);
        assertEquals(0, process.exitValue(), stderr);
        // The builder's check, which the start also logs: 1000 connections (the default) need 2 × 1000 + 64.
        assertEquals("fyntr: warning: the open-file limit is 1024 but 1000 connections need up to 2064 descriptors; "
                + "raise it (ulimit -n 2064, or LimitNOFILE= in a systemd unit) or lower --max-connections to 480",
                stderr.strip());
        assertTrue(Files.readString(out).contains(" would listen on 127.0.0.1:0 ("), Files.readString(out));
    }

    /** A GET (not CONNECT): any complete answer proves the proxy accepts and serves again. */
    private static String askWithGet(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(5_000);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            return new String(in.readNBytes(12), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
