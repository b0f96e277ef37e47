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
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real TLS through the tunnel: the JDK HttpClient and curl reach a local TLS server through the proxy, and the
 * client must see the server's own certificate.
 */
class TlsEndToEndTest {

    @TempDir
    static Path dir;
    static HelloTlsServer https;
    static FyntrProxy proxy;

    @BeforeAll
    static void startServerAndProxy() throws Exception {
        https = HelloTlsServer.start(dir);
        proxy = Fixtures.proxyTo(https.port()).start();
    }

    @AfterAll
    static void stop() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        if (https != null) {
            https.close();
        }
    }

    @Test
    void shouldCarryTheJdkHttpClientToTheServerWithoutTerminatingTls() throws Exception {
        HttpClient client = HttpClient.newBuilder()
                .proxy(ProxySelector.of(new InetSocketAddress(TestServers.LOOPBACK, proxy.port())))
                .sslContext(https.context)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create("https://" + HelloTlsServer.HOST + ":" + https.port() + "/"))
                        .timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals(HelloTlsServer.BODY, response.body());
        Certificate seen = response.sslSession().orElseThrow().getPeerCertificates()[0];
        assertEquals(https.certificate(), seen, "the server's own certificate");
        Fixtures.await("tunnel counted", Duration.ofSeconds(10), () -> proxy.stats().tunnelsOpened() >= 1);
    }

    @Test
    void shouldCarryCurlToTheServer() throws Exception {
        assumeTrue(HelloTlsServer.curlAvailable(), "curl is not installed");
        assertEquals(HelloTlsServer.BODY, HelloTlsServer.curl("--proxy", "http://127.0.0.1:" + proxy.port(),
                "--cacert", https.pem.toString(), "https://" + HelloTlsServer.HOST + ":" + https.port() + "/"));
    }
}
