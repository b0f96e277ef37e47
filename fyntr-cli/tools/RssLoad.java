import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load for measure-rss.sh, run as a single-file program: a local HTTPS server on serverPort, and N HttpClients that
 * POST 256 KiB and read 256 KiB back through the proxy, each on its own tunnel, for the given seconds, while the
 * proxy's VmRSS is sampled every 500 ms. Loopback only.
 *
 * <p>Args: proxyPort proxyPid clients seconds serverPort keystore.p12 (password changeit).
 */
public class RssLoad {

    public static void main(String[] args) throws Exception {
        int proxyPort = Integer.parseInt(args[0]);
        long pid = Long.parseLong(args[1]);
        int clients = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        int serverPort = Integer.parseInt(args[4]);
        SSLContext tls = tls(Path.of(args[5]));

        byte[] body = new byte[256 * 1024];
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", serverPort), 256);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        ExecutorService serverThreads = Executors.newFixedThreadPool(8);
        server.setExecutor(serverThreads);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();

        AtomicLong bytes = new AtomicLong();
        AtomicLong requests = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        URI uri = URI.create("https://127.0.0.1:" + serverPort + "/");
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        for (int i = 0; i < clients; i++) {
            pool.submit(() -> {
                HttpClient client = HttpClient.newBuilder()
                        .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", proxyPort)))
                        .sslContext(tls).build();
                while (System.nanoTime() < end) {
                    try {
                        HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(uri)
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                                HttpResponse.BodyHandlers.ofByteArray());
                        bytes.addAndGet(body.length + r.body().length);
                        requests.incrementAndGet();
                    } catch (IOException e) {
                        errors.incrementAndGet();
                    }
                }
                return null;
            });
        }
        List<Long> samples = new ArrayList<>();
        while (System.nanoTime() < end) {
            Thread.sleep(500);
            samples.add(rssKiB(pid));
        }
        pool.shutdown();
        pool.awaitTermination(30, TimeUnit.SECONDS);
        server.stop(0);
        serverThreads.shutdown();
        Collections.sort(samples);
        System.out.printf("clients=%d seconds=%d requests=%d errors=%d MB/s=%.1f VmRSS KiB max=%d median=%d%n",
                clients, seconds, requests.get(), errors.get(), bytes.get() / 1e6 / seconds,
                samples.get(samples.size() - 1), samples.get(samples.size() / 2));
        System.exit(0);
    }

    private static SSLContext tls(Path keystore) throws Exception {
        char[] password = "changeit".toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, password);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return tls;
    }

    private static long rssKiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }
}
