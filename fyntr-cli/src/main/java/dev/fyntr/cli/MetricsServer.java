package dev.fyntr.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fyntr.micrometer.FyntrMetrics;
import dev.fyntr.transport.nio.FyntrProxy;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code --metrics-port}: the proxy's meters ({@link FyntrMetrics}) and a few JVM ones in Prometheus text format at
 * {@code /metrics}, and {@code /healthz} (200 while the proxy accepts, 503 once it is stopping), on the JDK's HTTP
 * server with one daemon thread, so that a slow scraper can never reach the proxy's event loop. The format is
 * written by Micrometer's Prometheus registry, not by us.
 */
final class MetricsServer implements AutoCloseable {

    static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Binds and starts serving.
     *
     * @throws IOException if the address cannot be bound (e.g. the port is in use)
     */
    static MetricsServer start(FyntrProxy proxy, InetSocketAddress at) throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new FyntrMetrics(proxy).bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        HttpServer server = HttpServer.create(at, 16);
        server.createContext("/metrics", exchange -> respond(exchange, 200, PROMETHEUS_CONTENT_TYPE,
                registry.scrape()));
        server.createContext("/healthz", exchange -> {
            boolean up = !proxy.isClosing();
            respond(exchange, up ? 200 : 503, "text/plain; charset=utf-8", up ? "ok\n" : "stopping\n");
        });
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fyntr-metrics");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.start();
        return new MetricsServer(server, executor);
    }

    /** The bound address (with {@code --metrics-port 0}, the chosen port). */
    InetSocketAddress address() {
        return server.getAddress();
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body)
            throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String context = exchange.getHttpContext().getPath();
            if (!path.equals(context) || !("GET".equals(exchange.getRequestMethod())
                    || "HEAD".equals(exchange.getRequestMethod()))) {
                // Only GET/HEAD of the exact paths: /metricsfoo or a POST is not ours.
                byte[] notFound = "not found; try /metrics or /healthz\n".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
                exchange.sendResponseHeaders(path.equals(context) ? 405 : 404, notFound.length);
                exchange.getResponseBody().write(notFound);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    /** Stops serving at once. Idempotent. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
