package dev.fyntr.transport.nio;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real clients through the proxy set as {@code HTTP_PROXY} (docs/plain-http.md): curl, wget and Python's urllib
 * where installed (else skipped), and the JDK's HttpClient with a proxy selector. The origin is on 127.0.0.1 under
 * the name {@code origin.test}, which only the proxy's test resolver knows: a client that went direct would fail.
 */
class PlainHttpClientsTest {

    @TempDir
    static Path dir;
    static Origin origin;
    static FyntrProxy proxy;
    static final String BODY = "hello through fyntr\n";

    @BeforeAll
    static void start() throws Exception {
        origin = new Origin(r -> r.method().equals("POST")
                ? Origin.Reply.ok("got " + r.body().length + " bytes")
                : Origin.Reply.ok(BODY));
        proxy = Fixtures.proxyTo(origin.port()).start();
    }

    @AfterAll
    static void stop() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        if (origin != null) {
            origin.close();
        }
    }

    private static String url(String path) {
        return "http://origin.test:" + origin.port() + path;
    }

    private static String proxyUrl() {
        return "http://127.0.0.1:" + proxy.port();
    }

    /** Runs a command with HTTP_PROXY/http_proxy set; returns its standard output after it exited 0 within 30 s. */
    private static String run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        Map<String, String> env = pb.environment();
        env.put("HTTP_PROXY", proxyUrl());
        env.put("http_proxy", proxyUrl());
        env.remove("NO_PROXY");
        env.remove("no_proxy");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        assertEquals(0, p.exitValue(), command + " → " + out);
        return out;
    }

    private static boolean installed(String... versionCommand) {
        try {
            Process p = new ProcessBuilder(versionCommand).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void shouldCarryCurlThroughHttpProxy() throws Exception {
        assumeTrue(installed("curl", "--version"), "curl is not installed");
        assertEquals(BODY, run(List.of("curl", "-sS", "--max-time", "20", url("/curl"))));
    }

    @Test
    void shouldCarryCurlsUploadAndSeveralRequestsOnOneConnection() throws Exception {
        assumeTrue(installed("curl", "--version"), "curl is not installed");
        Path file = Files.write(dir.resolve("upload.bin"), PlainHttpTest.random(300_000, 9));
        String out = run(List.of("curl", "-sS", "--max-time", "20", "--data-binary", "@" + file, url("/up"),
                "--next", "-sS", url("/again")));
        assertEquals("got 300000 bytes" + BODY, out);
    }

    @Test
    void shouldCarryWgetThroughHttpProxy() throws Exception {
        assumeTrue(installed("wget", "--version"), "wget is not installed");
        assertEquals(BODY, run(List.of("wget", "-q", "-O", "-", "--timeout=20", "--tries=1", url("/wget"))));
    }

    @Test
    void shouldCarryPythonUrllibThroughHttpProxy() throws Exception {
        assumeTrue(installed("python3", "--version"), "python3 is not installed");
        String script = "import urllib.request,sys;"
                + "sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=20).read().decode())";
        assertEquals(BODY, run(List.of("python3", "-c", script, url("/python"))));
    }

    @Test
    void shouldCarryTheJdkHttpClientWithAProxySelector() throws Exception {
        HttpClient client = HttpClient.newBuilder()
                .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", proxy.port())))
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url("/jdk" + i)))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("via").orElse("").contains("fyntr"));
            bodies.add(r.body());
        }
        assertEquals(List.of(BODY, BODY, BODY), bodies);
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create(url("/post")))
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[100_000])).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("got 100000 bytes", post.body());
    }
}
