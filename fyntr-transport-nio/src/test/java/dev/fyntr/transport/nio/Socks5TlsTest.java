package dev.fyntr.transport.nio;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.net.ssl.SSLSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real TLS through the SOCKS5 listener: curl with {@code --socks5-hostname} (the proxy resolves the name) and
 * the JDK's SOCKS client under an {@link SSLSocket}, both against a local TLS server for {@code secure.test}.
 */
class Socks5TlsTest {

    @TempDir
    static Path dir;
    static HelloTlsServer https;
    static FyntrProxy proxy;

    @BeforeAll
    static void startServerAndProxy() throws Exception {
        https = HelloTlsServer.start(dir);
        proxy = Fixtures.proxyTo(https.port()).socks5Port(0).start();
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
    void shouldCarryCurlWithSocks5HostnameToTheTlsServer() throws Exception {
        assumeTrue(HelloTlsServer.curlAvailable(), "curl is not installed");
        int socksPort = proxy.socks5Address().orElseThrow().getPort();
        assertEquals(HelloTlsServer.BODY, HelloTlsServer.curl("--socks5-hostname", "127.0.0.1:" + socksPort,
                "--cacert", https.pem.toString(), "https://" + HelloTlsServer.HOST + ":" + https.port() + "/"));
    }

    @Test
    void shouldCarryTlsOverTheJdkSocksClient() throws Exception {
        Proxy socks = new Proxy(Proxy.Type.SOCKS, proxy.socks5Address().orElseThrow());
        try (Socket raw = new Socket(socks)) {
            raw.setSoTimeout(20_000);
            raw.connect(InetSocketAddress.createUnresolved(HelloTlsServer.HOST, https.port()), 10_000);
            try (SSLSocket tls = (SSLSocket) https.context.getSocketFactory().createSocket(raw, HelloTlsServer.HOST,
                    https.port(), true)) {
                BoundedWrites.outputOf(tls).write(("GET / HTTP/1.1\r\nHost: " + HelloTlsServer.HOST + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                String response = new String(tls.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertTrue(response.startsWith("HTTP/1.1 200 OK") && response.endsWith(HelloTlsServer.BODY),
                        response);
                assertEquals(https.certificate(), tls.getSession().getPeerCertificates()[0]);
            }
        }
    }
}
