package dev.fyntr.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged command with {@code --auth-file}: {@code fyntr passwd} makes the line, the proxy answers 407 or 200,
 * and a real SIGHUP makes it re-read the file (docs/auth.md).
 */
class AuthEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** The status of a CONNECT to 127.0.0.1:port through the proxy. */
    private static int connect(int proxyPort, int port, String authorization) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxyPort), 10_000);
            s.setSoTimeout((int) WAIT.toMillis());
            String target = "127.0.0.1:" + port;
            s.getOutputStream().write(("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n"
                    + (authorization == null ? "" : "Proxy-Authorization: " + authorization + "\r\n") + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b >= 0 && b != '\n' && line.length() < 200; b = in.read()) {
                line.append((char) b);
            }
            return Integer.parseInt(line.toString().split(" ")[1]);
        }
    }

    private ProxyProcess.Finished passwd(String user, String password) throws Exception {
        return ProxyProcess.runOnModulePath(dir, password + "\n", "passwd", user, "--iterations", "1000");
    }

    @Test
    void shouldPrintAnAuthFileLineForAPasswordOnStandardInput() throws Exception {
        ProxyProcess.Finished r = passwd("alice", "correct horse");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().matches("alice:pbkdf2-sha256\\$1000\\$[A-Za-z0-9+/]+\\$[A-Za-z0-9+/]+\\R"), r.out());

        ProxyProcess.Finished empty = ProxyProcess.runOnModulePath(dir, "", "passwd", "alice");
        assertEquals(1, empty.status());
        assertTrue(empty.err().contains("no password on standard input"), empty.err());
        assertEquals("", empty.out());
    }

    @Test
    void shouldRequireCredentialsAndReloadTheFileOnSighup() throws Exception {
        Path users = dir.resolve("users");
        ProxyProcess.Finished alice = passwd("alice", "pw1");
        assertEquals(0, alice.status(), alice.err());
        Files.writeString(users, alice.out());
        try (ServerSocket target = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             ProxyProcess proxy = ProxyProcess.startOnModulePath("--auth-file", users.toString(), "--allow-port",
                     String.valueOf(target.getLocalPort()), "--allow-cidr", "127.0.0.1/32")) {
            int port = target.getLocalPort();
            assertEquals(407, connect(proxy.port(), port, null));
            assertEquals(407, connect(proxy.port(), port, basic("alice", "wrong")));
            assertEquals(200, connect(proxy.port(), port, basic("alice", "pw1")));

            ProxyProcess.Finished bob = passwd("bob", "pw2");
            Files.writeString(users, bob.out());
            proxy.sighup();
            proxy.awaitLine("reloaded auth file " + users + " (1 users)", WAIT);
            assertEquals(407, connect(proxy.port(), port, basic("alice", "pw1")));
            assertEquals(200, connect(proxy.port(), port, basic("bob", "pw2")));

            Files.writeString(users, "bob:not-a-hash\n");
            proxy.sighup();
            proxy.awaitLine("keeping the previous auth file", WAIT);
            assertEquals(200, connect(proxy.port(), port, basic("bob", "pw2")));
            assertTrue(proxy.isAlive(), "SIGHUP does not stop the proxy");
        }
    }
}
