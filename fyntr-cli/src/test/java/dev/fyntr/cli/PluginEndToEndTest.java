package dev.fyntr.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The example scheduler's jar ({@code rr}, fyntr-example-scheduler) loaded by the packaged command without touching
 * its module path: with {@code --plugin-path} on the module path (a module layer), from the fat jar (a class
 * loader), on the class path beside the fat jar, and from the installation's plug-in directory; each relays a
 * tunnel, and the startup line shows what the plug-in says about itself.
 */
class PluginEndToEndTest {

    private static final Path EXAMPLE = Path.of(System.getProperty("fyntr.example.jar",
            "../fyntr-example-scheduler/target/fyntr-example-scheduler-0.1.0-SNAPSHOT.jar"));
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static SelectorEchoServer echo;

    @BeforeAll
    static void startEcho() throws IOException {
        assertTrue(Files.isRegularFile(EXAMPLE), "the example plug-in is built before this module: " + EXAMPLE);
        echo = new SelectorEchoServer();
    }

    @AfterAll
    static void stopEcho() throws Exception {
        if (echo != null) {
            echo.close();
        }
    }

    private static String[] policy(String... more) {
        List<String> args = new ArrayList<>(List.of("--allow-port", String.valueOf(echo.port()),
                "--allow-cidr", "127.0.0.1/32"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    /** CONNECT to the echo server through the proxy, and back. */
    private static void relayOneTunnel(ProxyProcess proxy) throws IOException {
        try (Socket s = new Socket()) {
            s.setSoTimeout(20_000);
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()), 10_000);
            String target = "127.0.0.1:" + echo.port();
            s.getOutputStream().write(("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            byte[] payload = "round robin from a plug-in".getBytes(StandardCharsets.US_ASCII);
            s.getOutputStream().write(payload);
            assertArrayEquals(payload, in.readNBytes(payload.length));
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        for (int c; !head.toString().endsWith("\r\n\r\n") && head.length() < 4096 && (c = in.read()) >= 0; ) {
            head.append((char) c);
        }
        return head.toString();
    }

    private static void assertRoundRobinServes(ProxyProcess proxy) throws Exception {
        // The process has logged it already: ProxyProcess waits for it before handing the proxy out.
        String listening = proxy.output().lines().filter(l -> l.contains("listening on ")).findFirst().orElse("");
        assertTrue(listening.contains("(scheduler rr (plain round robin: one chunk per flow per turn (example)), max "),
                "the transport's own line, which embedders see, describes the plug-in too: " + listening);
        String settings = proxy.output().lines().filter(l -> l.contains("settings: ")).findFirst().orElse("");
        assertTrue(settings.contains("settings: scheduler rr (plain round robin: one chunk per flow per turn "
                + "(example)), max 1000 connections"), settings);
        relayOneTunnel(proxy);
        String flow = proxy.awaitLine(" CONNECT 127.0.0.1:" + echo.port() + " via ", WAIT);
        assertTrue(flow.contains(" from 127.0.0.1:"), "a client endpoint without the slash: " + flow);
        assertFalse(flow.contains("/127.0.0.1"), flow);
    }

    @Test
    void shouldRelayWithThePluginFromPluginPathOnTheModulePath() throws Exception {
        try (ProxyProcess proxy = ProxyProcess.startOnModulePath(policy("--plugin-path", EXAMPLE.toString(),
                "--scheduler", "rr"))) {
            assertRoundRobinServes(proxy);
        }
    }

    @Test
    void shouldRelayWithThePluginFromPluginPathUnderTheFatJar() throws Exception {
        try (ProxyProcess proxy = ProxyProcess.start(List.of("-jar",
                ProxyProcess.TARGET.resolve("fyntr-cli-all.jar").toString()),
                policy("--plugin-path", EXAMPLE.toString(), "--scheduler", "rr"))) {
            assertRoundRobinServes(proxy);
        }
    }

    @Test
    void shouldRelayWithThePluginOnTheClassPathBesideTheFatJarWithTheDocumentedMainClass() throws Exception {
        String classPath = ProxyProcess.TARGET.resolve("fyntr-cli-all.jar") + File.pathSeparator + EXAMPLE;
        try (ProxyProcess proxy = ProxyProcess.start(List.of("-cp", classPath, "dev.fyntr.cli.FyntrCli"),
                policy("--scheduler", "rr"))) {
            assertRoundRobinServes(proxy);
        }
    }

    @Test
    void shouldSelectThePluginWithTheSystemPropertyFromThePluginDirectory(@TempDir Path plugins) throws Exception {
        Files.copy(EXAMPLE, plugins.resolve(EXAMPLE.getFileName()));
        try (ProxyProcess proxy = ProxyProcess.start(List.of("-Dfyntr.plugins.dir=" + plugins,
                "-Dfyntr.scheduler=rr", "-p", ProxyProcess.TARGET.resolve("lib") + File.pathSeparator
                        + ProxyProcess.TARGET.resolve("fyntr-cli.jar"), "-m", "dev.fyntr.cli"), policy())) {
            assertRoundRobinServes(proxy);
        }
    }

    @Test
    void shouldSkipACopyOfOneOfTheCommandsOwnModules(@TempDir Path plugins) throws Exception {
        Path api = Files.list(ProxyProcess.TARGET.resolve("lib")).filter(p -> p.getFileName().toString()
                .startsWith("fyntr-api-")).findFirst().orElseThrow();
        Files.copy(api, plugins.resolve(api.getFileName()));
        Files.copy(EXAMPLE, plugins.resolve(EXAMPLE.getFileName()));
        try (ProxyProcess proxy = ProxyProcess.startOnModulePath(policy("--plugin-path", plugins.toString(),
                "--scheduler", "rr"))) {
            assertTrue(proxy.output().contains("fyntr: warning: plug-in '" + plugins.resolve(api.getFileName())
                    .toAbsolutePath() + "' is module dev.fyntr.api, which the command has already; skipped"),
                    proxy.output());
            assertRoundRobinServes(proxy);
        }
    }

    @Test
    void shouldLogADeniedClientWithoutASlash() throws Exception {
        // No --allow-cidr: 127.0.0.1 is in a built-in denied range, so the CONNECT is refused with a warning.
        try (ProxyProcess proxy = ProxyProcess.startOnModulePath("--allow-port", String.valueOf(echo.port()));
             Socket s = new Socket()) {
            s.setSoTimeout(20_000);
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()), 10_000);
            String target = "127.0.0.1:" + echo.port();
            s.getOutputStream().write(("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertTrue(readHead(s.getInputStream()).startsWith("HTTP/1.1 403"));
            String denied = proxy.awaitLine(" denied: ", WAIT);
            assertTrue(denied.contains("CONNECT " + target + " from 127.0.0.1:"), denied);
            assertFalse(denied.contains("/127.0.0.1"), denied);
        }
    }

    @Test
    void shouldListThePluginWithItsOrigin(@TempDir Path dir) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProxyProcess.JAVA));
        command.addAll(ProxyProcess.LEAN_FLAGS);
        command.addAll(List.of("-p", ProxyProcess.TARGET.resolve("lib") + File.pathSeparator
                + ProxyProcess.TARGET.resolve("fyntr-cli.jar"), "-m", "dev.fyntr.cli", "--list-schedulers",
                "--plugin-path", EXAMPLE.toString()));
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().keySet().removeIf(n -> n.startsWith("FYNTR_"));
        Process p = builder.start();
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "--list-schedulers did not end");
        } finally {
            p.destroyForcibly();
        }
        String listing = Files.readString(out);
        assertEquals(0, p.exitValue(), listing + Files.readString(err));
        List<String> lines = List.of(listing.split("\\R"));
        assertEquals(3, lines.size(), listing);
        assertTrue(lines.get(0).startsWith("drr "), listing);
        assertTrue(lines.get(1).matches("rr +plain round robin: one chunk per flow per turn \\(example\\) +\\[module "
                + "dev\\.fyntr\\.example\\.scheduler, .*fyntr-example-scheduler-.*\\.jar]"), lines.get(1));
        assertTrue(lines.get(2).startsWith("wdrr "), listing);
    }
}
