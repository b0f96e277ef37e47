package dev.fyntr.cli;

import dev.fyntr.transport.nio.FyntrProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The metrics server in-process (the packaged command is MetricsEndToEndTest's). */
class MetricsServerTest {

    @Test
    void shouldServeMetricsAndHealthUntilTheProxyStops() throws Exception {
        FyntrProxy proxy = FyntrProxy.builder().port(0).jmx(false).shutdownGrace(Duration.ZERO).start();
        try (MetricsServer server = MetricsServer.start(proxy,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            int port = server.address().getPort();
            String[] metrics = get(port, "/metrics");
            assertEquals("200", metrics[0]);
            assertEquals(MetricsServer.PROMETHEUS_CONTENT_TYPE, metrics[1]);
            assertTrue(metrics[2].contains("\nfyntr_tunnels_open 0.0\n"), metrics[2]);
            assertEquals("200", get(port, "/healthz")[0]);
            proxy.close();
            String[] stopping = get(port, "/healthz");
            assertEquals("503", stopping[0]);
            assertEquals("stopping\n", stopping[2]);
            assertEquals("404", get(port, "/healthz/x")[0]);
        } finally {
            proxy.close();
        }
    }

    @Test
    void shouldFailWithExit1NamingTheFlagWhenTheMetricsPortIsTaken() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Cli.Result r = Cli.run(Map.of(), "--port", "0", "--metrics-port", String.valueOf(taken.getLocalPort()));
            assertEquals(FyntrCli.EXIT_FAILURE, r.status(), r.err());
            assertTrue(r.err().startsWith("fyntr: cannot serve metrics on 127.0.0.1:" + taken.getLocalPort() + ": "),
                    r.err());
            assertTrue(r.err().contains("choose another --metrics-port"), r.err());
        }
    }

    @ParameterizedTest
    @CsvSource({"on,true", "off,false"})
    void shouldRegisterTheMBeanOnlyWithJmxOn(String flag, boolean registered) throws Exception {
        ShutdownSignals signals = new ShutdownSignals(status -> { }, m -> { });
        CompletableFuture<FyntrProxy> running = new CompletableFuture<>();
        CompletableFuture<Cli.Result> run = CompletableFuture.supplyAsync(() -> Cli.run(Map.of(), signals,
                running::complete, "--port", "0", "--shutdown-grace", "0", "--jmx", flag));
        try {
            FyntrProxy proxy = running.get(30, TimeUnit.SECONDS);
            // The registration itself is the transport's ObservabilityTest's.
            assertEquals(registered, proxy.jmxName().isPresent());
        } finally {
            signals.signal("TERM", 15);
            assertEquals(FyntrCli.EXIT_OK, run.get(30, TimeUnit.SECONDS).status());
        }
    }

    /** Status, content type and body of a GET, bounded by timeouts. */
    private static String[] get(int port, String path) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL()
                .openConnection(Proxy.NO_PROXY);
        c.setConnectTimeout(10_000);
        c.setReadTimeout(10_000);
        try {
            int status = c.getResponseCode();
            InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream();
            String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new String[] {String.valueOf(status), c.getContentType(), body};
        } finally {
            c.disconnect();
        }
    }
}
