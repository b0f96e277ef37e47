package dev.fyntr.transport.nio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A loopback TLS server for {@value #HOST} with a throw-away certificate made by the JDK's {@code keytool}; it
 * answers any HTTP request with {@code hello}. The TLS tests reach it through the proxy and check that the client
 * sees this server's certificate: Fyntr relays TLS, it never terminates it.
 */
final class HelloTlsServer implements AutoCloseable {

    static final String HOST = "secure.test";
    static final String BODY = "hello";
    private static final char[] PASSWORD = "changeit".toCharArray();

    final KeyStore keyStore;
    /** Trusts the server's certificate (and holds its key): for clients and the server alike. */
    final SSLContext context;
    /** The certificate in PEM, for curl's {@code --cacert}. */
    final Path pem;
    private final TestServers.Server server;

    private HelloTlsServer(KeyStore keyStore, SSLContext context, Path pem, TestServers.Server server) {
        this.keyStore = keyStore;
        this.context = context;
        this.pem = pem;
        this.server = server;
    }

    /** Creates the key pair and certificate in {@code dir} and starts serving on 127.0.0.1. */
    static HelloTlsServer start(Path dir) throws IOException, InterruptedException, GeneralSecurityException {
        Path ks = dir.resolve("server.p12");
        Path pem = dir.resolve("server.pem");
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=" + HOST, "-ext", "SAN=dns:" + HOST, "-validity", "2",
                "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", new String(PASSWORD));
        keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", ks.toString(),
                "-storepass", new String(PASSWORD), "-file", pem.toString());
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            keyStore.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore, PASSWORD);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(keyStore);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        SSLServerSocket socket = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
        return new HelloTlsServer(keyStore, context, pem,
                new TestServers.Server(HelloTlsServer::answerHello, socket, 64));
    }

    int port() {
        return server.port();
    }

    Certificate certificate() throws GeneralSecurityException {
        return keyStore.getCertificate("server");
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    /** Whether curl can be run here (the curl tests are skipped, not failed, without it). */
    static boolean curlAvailable() {
        try {
            Process p = new ProcessBuilder("curl", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs curl with the arguments; returns its output after checking it exited 0 within 30 s. */
    static String curl(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("curl", "-sS", "--max-time", "20"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("curl failed (" + String.join(" ", command) + "): " + out);
        }
        return out;
    }

    private static void answerHello(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (head.size() < 65536 && !head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return;
            }
            head.write(b);
        }
        OutputStream out = BoundedWrites.outputOf(s);
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + BODY.length()
                + "\r\nConnection: close\r\n\r\n" + BODY).getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("failed: " + String.join(" ", command) + "\n" + out);
        }
    }
}
