package dev.fyntr.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code --metrics-port} and the access log in the packaged command on the module path (so Micrometer's automatic
 * modules and {@code jdk.httpserver} are checked as users run them), scraped by real HTTP clients.
 */
class MetricsEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern METRICS_LINE = Pattern.compile("metrics at http://127\\.0\\.0\\.1:(\\d+)/metrics");
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)");


    private static ServerSocket echo;
    private static ProxyProcess proxy;
    private static int metricsPort;
    private static final HttpClient CLIENT = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(WAIT).build();

    @BeforeAll
    static void start() throws Exception {
        echo = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        Thread t = new Thread(MetricsEndToEndTest::echoLoop, "echo-accept");
        t.setDaemon(true);
        t.start();
        proxy = ProxyProcess.startOnModulePath("--allow-port", String.valueOf(echo.getLocalPort()),
                "--allow-cidr", "127.0.0.1/32", "--metrics-port", "0", "--shutdown-grace", "20s");
        Matcher m = METRICS_LINE.matcher(proxy.output());
        assertTrue(m.find(), proxy.output());
        metricsPort = Integer.parseInt(m.group(1));
    }

    @AfterAll
    static void stop() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        if (echo != null) {
            echo.close();
        }
    }

    @Test
    void shouldServeEveryDocumentedMetricAndMoveTheCountersWithTraffic() throws Exception {
        Map<String, Double> before = scrape();
        for (String name : DocumentedMetrics.NAMES) {
            assertTrue(before.keySet().stream().anyMatch(k -> k.equals(name) || k.startsWith(name + "{")),
                    name + " missing from " + new TreeSet<>(before.keySet()));
        }
        tunnel("hello metrics");
        Map<String, Double> after = awaitScrape(s -> s.get("fyntr_tunnel_duration_seconds_count")
                > before.get("fyntr_tunnel_duration_seconds_count"));
        assertEquals(before.get("fyntr_tunnels_opened_total") + 1, after.get("fyntr_tunnels_opened_total"));
        assertEquals(before.get("fyntr_bytes_total{direction=\"up\"}") + 13, after.get("fyntr_bytes_total{direction=\"up\"}"));
        assertEquals(before.get("fyntr_bytes_total{direction=\"down\"}") + 13,
                after.get("fyntr_bytes_total{direction=\"down\"}"));
        assertTrue(after.get("fyntr_tunnel_establish_seconds_sum") > 0);
        assertTrue(after.get("fyntr_chunk_queue_delay_seconds_count") >= 1);

        refuse();
        Map<String, Double> refused = awaitScrape(s -> s.get("fyntr_rejections_total{status=\"403\"}")
                > before.get("fyntr_rejections_total{status=\"403\"}"));
        assertTrue(refused.get("fyntr_rejections_all_total") >= 1);
    }

    @Test
    void shouldAnswerTheSameScrapeToCurl() throws Exception {
        Path curl = Path.of("/usr/bin/curl");
        assumeTrue(Files.isExecutable(curl), "curl is not installed");
        Process p = new ProcessBuilder(curl.toString(), "-sS", "--noproxy", "*", "--max-time", "30", "-w",
                "\n%{http_code} %{content_type}", "http://127.0.0.1:" + metricsPort + "/metrics")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "curl timed out");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.endsWith("\n200 " + "text/plain; version=0.0.4; charset=utf-8"), out);
        assertTrue(out.contains("\nfyntr_tunnels_open "), out);
    }

    @Test
    void shouldWriteTheAccessLogLineOfARefusal() throws Exception {
        refuse();
        String line = proxy.awaitLine("status=403", WAIT);
        assertTrue(line.contains("kind=connect client=127.0.0.1:"), line);
        assertTrue(line.contains(" target=127.0.0.1:25 resolved=- status=403 error=http_request_denied up=0 down=0 "),
                line);
    }

    @Test
    void shouldAnswer404ElsewhereAnd405ToAPost() throws Exception {
        assertEquals(404, get("/other").statusCode());
        HttpResponse<String> post = CLIENT.send(HttpRequest.newBuilder(uri("/metrics")).timeout(WAIT)
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
    }

    /** Runs last in its own process: /healthz says 503 once the command is stopping. */
    @Test
    void shouldReportHealthAndThen503WhileStopping() throws Exception {
        try (ProxyProcess stopping = ProxyProcess.startOnModulePath("--allow-port",
                String.valueOf(echo.getLocalPort()), "--allow-cidr", "127.0.0.1/32", "--metrics-port", "0",
                "--shutdown-grace", "30s");
             Socket open = new Socket()) {
            Matcher m = METRICS_LINE.matcher(stopping.output());
            assertTrue(m.find(), stopping.output());
            URI health = URI.create("http://127.0.0.1:" + m.group(1) + "/healthz");
            HttpResponse<String> ok = CLIENT.send(HttpRequest.newBuilder(health).timeout(WAIT).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode());
            assertEquals("ok\n", ok.body());
            // An open tunnel keeps the command in its grace period, with the metrics server still up.
            open.setSoTimeout((int) WAIT.toMillis());
            open.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), stopping.port()), 10_000);
            open.getOutputStream().write(("CONNECT 127.0.0.1:" + echo.getLocalPort() + " HTTP/1.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertTrue(readHead(open.getInputStream()).startsWith("HTTP/1.1 200"));
            stopping.sigterm();
            stopping.awaitLine("stopping", WAIT);
            HttpResponse<String> down = CLIENT.send(HttpRequest.newBuilder(health).timeout(WAIT).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(503, down.statusCode());
            assertEquals("stopping\n", down.body());
            open.shutdownOutput(); // the echo ends too, and so does the tunnel
            assertEquals(0, stopping.awaitExit(WAIT));
            assertTrue(stopping.output().contains("kind=totals connections=1 tunnels=1 refusals=0"),
                    stopping.output());
        }
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + metricsPort + path);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(uri(path)).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The scrape as sample → value ({@code name{labels}} as written); fails on a line that is not a sample. */
    private static Map<String, Double> scrape() throws Exception {
        HttpResponse<String> r = get("/metrics");
        assertEquals(200, r.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("content-type").orElse(""));
        Map<String, Double> samples = new HashMap<>();
        for (String line : r.body().split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertTrue(m.matches(), "not a Prometheus sample: " + line);
            samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
        }
        return samples;
    }

    /** Scrapes until {@code condition} holds (the binder reuses a snapshot for up to a second), bounded. */
    private static Map<String, Double> awaitScrape(java.util.function.Predicate<Map<String, Double>> condition)
            throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            Map<String, Double> s = scrape();
            if (condition.test(s)) {
                return s;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("scrape never met the condition: " + new TreeSet<>(s.entrySet()));
            }
            Thread.sleep(100);
        }
    }

    private static void tunnel(String text) throws IOException {
        try (Socket c = new Socket()) {
            c.setSoTimeout((int) WAIT.toMillis());
            c.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()), 10_000);
            OutputStream out = c.getOutputStream();
            out.write(("CONNECT 127.0.0.1:" + echo.getLocalPort() + " HTTP/1.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = c.getInputStream();
            assertTrue(readHead(in).startsWith("HTTP/1.1 200"));
            out.write(text.getBytes(StandardCharsets.US_ASCII));
            assertEquals(text, new String(in.readNBytes(text.length()), StandardCharsets.US_ASCII));
        }
    }

    private static void refuse() throws IOException {
        try (Socket c = new Socket()) {
            c.setSoTimeout((int) WAIT.toMillis());
            c.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()), 10_000);
            c.getOutputStream().write("CONNECT 127.0.0.1:25 HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertTrue(readHead(c.getInputStream()).startsWith("HTTP/1.1 403"));
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (sb.length() < 4096 && !sb.toString().endsWith("\r\n\r\n")) { // bounded, and by SO_TIMEOUT
            int b = in.read();
            if (b < 0) {
                break;
            }
            sb.append((char) b);
        }
        return sb.toString();
    }

    private static void echoLoop() {
        while (!echo.isClosed()) {
            try {
                Socket s = echo.accept();
                Thread t = new Thread(() -> {
                    try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                        in.transferTo(out);
                    } catch (IOException e) {
                        // the peer went away
                    }
                }, "echo");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }
}
