package dev.fyntr.embed.example;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The embedding example as docs/embedding.md runs it, in a child JVM: on the class path ({@code java -cp}) and on
 * the module path ({@code java -p … -m dev.fyntr.embed.example}); each relays one tunnel to a local echo server and
 * stops when its standard input ends. Only 127.0.0.1; every wait is bounded.
 */
class EmbedExampleRunTest {

    static final Path TARGET = Path.of(System.getProperty("fyntr.target", "target"));
    static final String JAVA = System.getProperty("fyntr.java",
            Path.of(System.getProperty("java.home"), "bin", "java").toString());

    private static ServerSocket echo;

    @BeforeAll
    static void startEcho() throws IOException {
        echo = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    s.setSoTimeout(20_000);
                    Thread t = new Thread(() -> {
                        try (s) {
                            s.getInputStream().transferTo(s.getOutputStream());
                        } catch (IOException e) {
                            // the client went away
                        }
                    }, "echo-connection");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return; // closed
                }
            }
        }, "echo-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterAll
    static void stopEcho() throws IOException {
        echo.close();
    }

    @Test
    void shouldRelayATunnelOnTheClassPath(@TempDir Path dir) throws Exception {
        String classPath = TARGET.resolve("fyntr-embed-example.jar") + File.pathSeparator + TARGET.resolve("lib")
                + File.separator + "*";
        runAndRelay(dir, List.of("-cp", classPath, "dev.fyntr.embed.example.EmbedExample"));
    }

    @Test
    void shouldRelayATunnelOnTheModulePath(@TempDir Path dir) throws Exception {
        String modulePath = TARGET.resolve("lib") + File.pathSeparator + TARGET.resolve("fyntr-embed-example.jar");
        runAndRelay(dir, List.of("-p", modulePath, "-m", "dev.fyntr.embed.example"));
    }

    private static void runAndRelay(Path dir, List<String> launch) throws Exception {
        assertTrue(Files.isRegularFile(TARGET.resolve("fyntr-embed-example.jar")), "runs after package");
        List<String> command = new ArrayList<>(List.of(JAVA, "-Xmx64m"));
        command.addAll(launch);
        command.addAll(List.of("0", String.valueOf(echo.getLocalPort()), "127.0.0.1/32"));
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String first = CompletableFuture.supplyAsync(() -> readLine(out)).get(60, TimeUnit.SECONDS);
            assertTrue(first != null && first.startsWith("listening on "), first + "\n" + Files.readString(err));
            int port = Integer.parseInt(first.substring("listening on ".length()).strip());

            relay(port, echo.getLocalPort());

            p.getOutputStream().close(); // the example's cue to stop
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the example did not stop: " + Files.readString(err));
            String rest = CompletableFuture.supplyAsync(() -> readLine(out)).get(10, TimeUnit.SECONDS);
            assertEquals(0, p.exitValue(), Files.readString(err));
            assertEquals("tunnels opened: 1", rest);
            String log = Files.readString(err);
            assertTrue(log.contains("listening on 127.0.0.1:" + port), "the SLF4J backend logs: " + log);
            assertFalse(log.contains("No SLF4J providers"), log);
        } finally {
            p.destroyForcibly();
        }
    }

    private static void relay(int proxyPort, int echoPort) throws IOException {
        try (Socket s = new Socket()) {
            s.setSoTimeout(20_000);
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxyPort), 10_000);
            String target = "127.0.0.1:" + echoPort;
            s.getOutputStream().write(("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            StringBuilder head = new StringBuilder();
            for (int c; !head.toString().endsWith("\r\n\r\n") && head.length() < 4096 && (c = in.read()) >= 0; ) {
                head.append((char) c);
            }
            assertTrue(head.toString().startsWith("HTTP/1.1 200"), head.toString());
            byte[] payload = "embedded".getBytes(StandardCharsets.US_ASCII);
            s.getOutputStream().write(payload);
            assertArrayEquals(payload, in.readNBytes(payload.length));
        }
    }

    private static String readLine(BufferedReader in) {
        try {
            return in.readLine();
        } catch (IOException e) {
            return null;
        }
    }
}
