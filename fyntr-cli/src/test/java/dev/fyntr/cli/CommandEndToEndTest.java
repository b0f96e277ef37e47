package dev.fyntr.cli;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The packaged command as users run it, as a separate process, with real clients: the JDK HttpClient and curl
 * through the proxy to a local TLS server, and SIGTERM with a tunnel open. Only 127.0.0.1 is used; the client
 * names the server by its IP literal, since the command has no resolver flag, and the proxy is told to allow
 * that address and port.
 */
class CommandEndToEndTest {

    private static final String BODY = "hello through fyntr";
    private static final char[] PASSWORD = "changeit".toCharArray();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    private static HttpsServer tlsServer;
    private static HttpsServer otherTlsServer;
    private static SSLContext tls;
    private static Path certificatePem;
    private static ProxyProcess proxy;

    @BeforeAll
    static void startServersAndTheCommand() throws Exception {
        Path keystore = dir.resolve("server.p12");
        keytool("-genkeypair", "-alias", "e2e", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", "changeit", "-keypass", "changeit");
        certificatePem = dir.resolve("server.pem");
        keytool("-exportcert", "-rfc", "-alias", "e2e", "-keystore", keystore.toString(), "-storepass", "changeit",
                "-file", certificatePem.toString());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);

        tlsServer = httpsServer();
        otherTlsServer = httpsServer();
        proxy = ProxyProcess.startOnModulePath("--allow-port", String.valueOf(tlsServer.getAddress().getPort()),
                "--allow-cidr", "127.0.0.1/32");
    }

    @AfterAll
    static void stopAll() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        for (HttpsServer s : new HttpsServer[] {tlsServer, otherTlsServer}) {
            if (s != null) {
                s.stop(0);
            }
        }
    }

    private static HttpsServer httpsServer() throws IOException {
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", exchange -> {
            byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server;
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keytool timed out");
        assertEquals(0, p.exitValue(), output);
    }

    private static HttpResponse<String> getThrough(int proxyPort, int serverPort) throws Exception {
        HttpClient client = HttpClient.newBuilder()
                .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", proxyPort)))
                .sslContext(tls)
                .connectTimeout(WAIT)
                .build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + serverPort + "/"))
                .timeout(WAIT).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldRelayATlsRequestFromTheJdkHttpClient() throws Exception {
        HttpResponse<String> response = getThrough(proxy.port(), tlsServer.getAddress().getPort());
        assertEquals(200, response.statusCode());
        assertEquals(BODY, response.body());
    }

    @Test
    void shouldApplyThePolicyFromTheFlagsToTheSameClient() {
        // Same client, same address, but a port the command was not told to allow: the proxy answers 403, which
        // also shows that the successful request above really went through the proxy.
        IOException e = assertThrows(IOException.class,
                () -> getThrough(proxy.port(), otherTlsServer.getAddress().getPort()));
        assertTrue(String.valueOf(e.getMessage()).contains("403"), String.valueOf(e.getMessage()));
    }

    @Test
    void shouldRelayCurlWhenItIsInstalled() throws Exception {
        Path curl = Path.of("/usr/bin/curl");
        assumeTrue(Files.isExecutable(curl), "curl is not installed");
        ProcessBuilder builder = new ProcessBuilder(curl.toString(), "-sS", "--max-time", "30",
                "--proxy", "http://127.0.0.1:" + proxy.port(), "--cacert", certificatePem.toString(),
                "https://127.0.0.1:" + tlsServer.getAddress().getPort() + "/").redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.toLowerCase().endsWith("_proxy"));
        Process p = builder.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "curl timed out");
        assertEquals(0, p.exitValue(), output);
        assertEquals(BODY, output);
    }

    @Test
    void shouldServeFromTheFatJarToo() throws Exception {
        // A short grace: the client's idle keep-alive tunnel would otherwise hold the exit for the default 10 s.
        try (ProxyProcess fat = ProxyProcess.startFatJar("--allow-port",
                String.valueOf(tlsServer.getAddress().getPort()), "--allow-cidr", "127.0.0.1/32",
                "--shutdown-grace", "1")) {
            HttpResponse<String> response = getThrough(fat.port(), tlsServer.getAddress().getPort());
            assertEquals(BODY, response.body());
            fat.sigterm();
            assertEquals(0, fat.awaitExit(WAIT), fat.output());
        }
    }

    @Test
    void shouldLetAnOpenTunnelFinishOnSigtermThenExit0() throws Exception {
        try (EchoServer echo = new EchoServer();
             ProxyProcess stopping = ProxyProcess.startOnModulePath("--allow-port", String.valueOf(echo.port()),
                     "--allow-cidr", "127.0.0.1/32", "--shutdown-grace", "60")) {
            try (Socket tunnel = connect(stopping.port(), echo.port())) {
                assertEquals("ping", roundTrip(tunnel, "ping"));

                stopping.sigterm();
                stopping.awaitLine("SIGTERM: stopping", WAIT);
                awaitRefused(stopping.port());
                // Within the grace period the open tunnel still relays both ways.
                assertEquals("after the signal", roundTrip(tunnel, "after the signal"));
                tunnel.shutdownOutput(); // the echo server then closes too: the tunnel is done
                assertEquals(-1, tunnel.getInputStream().read());
            }
            // Well before the 60 s grace: the process exits as soon as its last tunnel has finished.
            assertEquals(0, stopping.awaitExit(WAIT), stopping.output());
        }
    }

    @Test
    void shouldExitAtOnceOnASecondSignal() throws Exception {
        try (EchoServer echo = new EchoServer();
             ProxyProcess stopping = ProxyProcess.startOnModulePath("--allow-port", String.valueOf(echo.port()),
                     "--allow-cidr", "127.0.0.1/32", "--shutdown-grace", "300")) {
            try (Socket tunnel = connect(stopping.port(), echo.port())) {
                assertEquals("ping", roundTrip(tunnel, "ping"));
                stopping.sigterm();
                stopping.awaitLine("SIGTERM: stopping", WAIT);
                stopping.sigterm();
                // 128 + 15, as a shell reports a process ended by SIGTERM; far sooner than the 300 s grace.
                assertEquals(143, stopping.awaitExit(WAIT), stopping.output());
            }
        }
    }

    /** A CONNECT tunnel to 127.0.0.1:port, after the proxy's 200. */
    private static Socket connect(int proxyPort, int port) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxyPort), 10_000);
            socket.setSoTimeout((int) WAIT.toMillis());
            String target = "127.0.0.1:" + port;
            socket.getOutputStream().write(("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String head = readHead(socket.getInputStream());
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            return socket;
        } catch (IOException | RuntimeException | Error e) {
            socket.close();
            throw e;
        }
    }

    /** Reads up to and including the blank line, byte by byte, so no tunnel byte is consumed. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 8192 && !head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }

    private static String roundTrip(Socket socket, String line) throws IOException {
        socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
        StringBuilder echoed = new StringBuilder();
        InputStream in = socket.getInputStream();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            echoed.append((char) b);
        }
        return echoed.toString();
    }

    /** After the first signal the listener closes; connects are refused from then on. */
    private static void awaitRefused(int proxyPort) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxyPort), 1000);
            } catch (ConnectException refused) {
                return;
            } catch (IOException other) {
                // e.g. a timeout while the listener closes; try again
            }
            Thread.sleep(50); // polling a condition no event announces (the listener's close), bounded above
        }
        throw new AssertionError("the proxy still accepts connections " + WAIT + " after SIGTERM");
    }

    /** Echoes bytes back on 127.0.0.1, one thread per connection, until the client's EOF. */
    private static final class EchoServer implements AutoCloseable {
        private final ServerSocket server;

        EchoServer() throws IOException {
            server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(this::acceptLoop, "echo-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void acceptLoop() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread t = new Thread(() -> echo(s), "echo");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        private static void echo(Socket s) {
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // the peer went away; nothing to echo
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
