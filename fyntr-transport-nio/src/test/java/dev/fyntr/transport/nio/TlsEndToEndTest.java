package dev.fyntr.transport.nio;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real TLS through the tunnel: a JDK TLS server with a throw-away certificate for {@code secure.test}, reached by
 * the JDK HttpClient and by curl through the proxy. The client must see the server's own certificate: Fyntr
 * relays TLS, it never terminates it.
 */
class TlsEndToEndTest {

    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    static Path dir;
    static KeyStore keyStore;
    static SSLContext context;
    static TestServers.Server https;
    static FyntrProxy proxy;

    @BeforeAll
    static void startServerAndProxy() throws Exception {
        Path ks = dir.resolve("server.p12");
        run(keytool(), "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=secure.test", "-ext", "SAN=dns:secure.test", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", new String(PASSWORD));
        run(keytool(), "-exportcert", "-rfc", "-alias", "server", "-keystore", ks.toString(),
                "-storepass", new String(PASSWORD), "-file", dir.resolve("server.pem").toString());
        keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            keyStore.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore, PASSWORD);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(keyStore);
        context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
        https = new TestServers.Server(TlsEndToEndTest::answerHello, server, 64);
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

    /** A minimal HTTPS responder: reads the request head, answers "hello", closes. */
    private static void answerHello(java.net.Socket s) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (head.size() < 65536 && !head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return;
            }
            head.write(b);
        }
        OutputStream out = s.getOutputStream();
        out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello"
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Test
    void shouldCarryTheJdkHttpClientToTheServerWithoutTerminatingTls() throws Exception {
        HttpClient client = HttpClient.newBuilder()
                .proxy(ProxySelector.of(new InetSocketAddress(TestServers.LOOPBACK, proxy.port())))
                .sslContext(context)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create("https://secure.test:" + https.port() + "/"))
                        .timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals("hello", response.body());
        Certificate seen = response.sslSession().orElseThrow().getPeerCertificates()[0];
        assertEquals(keyStore.getCertificate("server"), seen, "the server's own certificate");
        Fixtures.await("tunnel counted", Duration.ofSeconds(10), () -> proxy.stats().tunnelsOpened() >= 1);
    }

    @Test
    void shouldCarryCurlToTheServer() throws Exception {
        assumeTrue(curlAvailable(), "curl is not installed");
        Process p = new ProcessBuilder("curl", "-sS", "--max-time", "20",
                "--proxy", "http://127.0.0.1:" + proxy.port(),
                "--cacert", dir.resolve("server.pem").toString(),
                "https://secure.test:" + https.port() + "/")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(true, p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertEquals("hello", out);
    }

    private static boolean curlAvailable() {
        try {
            Process p = new ProcessBuilder("curl", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static String keytool() {
        return Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("failed: " + String.join(" ", command) + "\n" + out);
        }
    }
}
