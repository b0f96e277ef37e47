package dev.fyntr.dist;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The jlink image of {@code -Pjlink} (docs/install.md#a-jlink-image), started once: {@code --version}, then a real
 * listener and one tunnel to a 127.0.0.1 echo server. Prints the image's size and the idle RSS. Skipped without the
 * profile.
 */
class JlinkImageTest {

    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+) ");
    private static final List<String> LEAN = List.of("-XX:+UseSerialGC", "-Xss256k", "-XX:TieredStopAtLevel=1",
            "-Xms8m", "-Xmx64m");

    private static Path image;

    @BeforeAll
    static void requireImage() {
        String property = System.getProperty("fyntr.jlink.image", "");
        assumeTrue(!property.isBlank(), "no jlink image: run with -Pjlink");
        image = Path.of(property);
        assertTrue(Files.isExecutable(image.resolve("bin/java")), image + "/bin/java is missing");
    }

    @Test
    void shouldPrintItsVersionWithOnlyTheModulesItNeeds() throws Exception {
        Build.Result r = Build.run(image, java.util.Map.of(), 60, List.of(image.resolve("bin/java").toString(),
                "-p", image.resolve("app").toString(), "-m", "dev.fyntr.cli", "--version"));
        assertEquals(0, r.status(), r.output());
        assertTrue(r.output().startsWith("fyntr " + Build.VERSION), r.output());
        Build.Result modules = Build.run(image, java.util.Map.of(), 60, List.of(image.resolve("bin/java").toString(),
                "-p", image.resolve("app").toString(), "--list-modules"));
        assertTrue(modules.output().contains("dev.fyntr.scheduler.drr"), modules.output());
        assertTrue(modules.output().contains("org.slf4j.simple"), modules.output());
        assertTrue(!modules.output().contains("java.desktop"), "no module the command does not need: "
                + modules.output());
        System.out.printf("jlink image: %d MiB, %d modules%n", size(image) >> 20,
                modules.output().lines().count());
    }

    @Test
    void shouldRelayOneTunnel() throws Exception {
        try (ServerSocket echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                try (Socket s = echo.accept()) {
                    s.getInputStream().transferTo(s.getOutputStream());
                } catch (IOException e) {
                    // the test fails on its own reads
                }
            }, "echo");
            server.setDaemon(true);
            server.start();
            List<String> command = new ArrayList<>(List.of(image.resolve("bin/java").toString()));
            command.addAll(LEAN);
            command.addAll(List.of("-p", image.resolve("app").toString(), "-m", "dev.fyntr.cli", "--port", "0", "--allow-port",
                    String.valueOf(echo.getLocalPort()), "--allow-cidr", "127.0.0.1/32"));
            Process proxy = new ProcessBuilder(command).redirectErrorStream(true).start();
            try {
                LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
                Thread reader = new Thread(() -> {
                    try (BufferedReader in = new BufferedReader(new InputStreamReader(proxy.getInputStream(),
                            StandardCharsets.UTF_8))) {
                        for (String line = in.readLine(); line != null; line = in.readLine()) {
                            lines.add(line);
                        }
                    } catch (IOException e) {
                        lines.add("(output ended: " + e + ")");
                    }
                }, "proxy-output");
                reader.setDaemon(true);
                reader.start();
                int port = awaitPort(lines);
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
                    s.setSoTimeout(30_000);
                    String target = "127.0.0.1:" + echo.getLocalPort();
                    s.getOutputStream().write(("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    InputStream in = s.getInputStream();
                    byte[] head = in.readNBytes("HTTP/1.1 200 Connection Established\r\n\r\n".length());
                    assertEquals("HTTP/1.1 200 Connection Established\r\n\r\n",
                            new String(head, StandardCharsets.US_ASCII));
                    s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
                    assertEquals("ping", new String(in.readNBytes(4), StandardCharsets.US_ASCII));
                }
                System.out.printf("jlink image idle RSS after one tunnel: %d KiB%n", rssKiB(proxy.pid()));
            } finally {
                proxy.destroy();
                if (!proxy.waitFor(30, TimeUnit.SECONDS)) {
                    proxy.destroyForcibly();
                }
            }
        }
    }

    private static int awaitPort(LinkedBlockingQueue<String> lines) throws InterruptedException {
        StringBuilder seen = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line == null) {
                continue;
            }
            seen.append(line).append('\n');
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("the image's proxy did not listen within 30 s:\n" + seen);
    }

    private static long rssKiB(long pid) throws IOException {
        Path status = Path.of("/proc", String.valueOf(pid), "status");
        if (!Files.isReadable(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            long total = 0;
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                total += Files.size(f);
            }
            return total;
        }
    }

}
