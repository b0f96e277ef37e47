package dev.fyntr.transport.nio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * On loopback an upstream connect is complete by the time {@code connect()} returns, and the proxy takes it at once;
 * this is the other path: a connect that the upstream answers only later, finished when the selector reports it.
 */
class SlowConnectTest {

    private static final Path PROC_NET_TCP = Path.of("/proc/net/tcp");
    private static final Path PROC_NET_TCP6 = Path.of("/proc/net/tcp6");

    @RegisterExtension
    final Closer closer = new Closer();

    @Test
    void shouldFinishAConnectThatTheUpstreamAnswersLater() throws Exception {
        assumeTrue(Files.isReadable(PROC_NET_TCP), "needs /proc/net/tcp to see the proxy's SYN waiting");
        // A listener that does not accept, with its backlog full, drops SYNs; once it accepts, the retransmitted
        // SYN (after about 1 s) gets through.
        ServerSocket upstream = closer.add(new ServerSocket(0, 1, TestServers.LOOPBACK));
        List<Socket> fillers = TestServers.fillBacklog(upstream);
        closer.add(() -> {
            for (Socket s : fillers) {
                s.close();
            }
        });
        int port = upstream.getLocalPort();
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(port).connectTimeout(Duration.ofSeconds(30)).start());
        ProxyClient client = closer.add(new ProxyClient(proxy));
        client.send("CONNECT 127.0.0.1:" + port + " HTTP/1.1\r\n\r\n");
        Fixtures.await("the proxy's connect to wait in SYN_SENT", Duration.ofSeconds(20),
                () -> synSentTo(port) > 0);

        upstream.setSoTimeout(20_000);
        List<Socket> accepted = new ArrayList<>();
        closer.add(() -> {
            for (Socket s : accepted) {
                s.close();
            }
        });
        for (int i = 0; i < fillers.size(); i++) {
            accepted.add(upstream.accept()); // room in the backlog again
        }
        assertEquals(200, client.readResponse().status());
        Socket tunnel = upstream.accept();
        accepted.add(tunnel);
        tunnel.setSoTimeout(20_000);
        client.send("ping");
        assertEquals("ping", new String(tunnel.getInputStream().readNBytes(4), StandardCharsets.ISO_8859_1));
        BoundedWrites.outputOf(tunnel).write("pong".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("pong", new String(client.socket.getInputStream().readNBytes(4), StandardCharsets.ISO_8859_1));
    }

    /**
     * Sockets in state SYN_SENT (02) towards 127.0.0.1:{@code port}, from /proc/net/tcp and, for the JDK's dual-stack
     * sockets, /proc/net/tcp6 (where the address is {@code ::ffff:127.0.0.1}).
     */
    private static long synSentTo(int port) {
        List<String> remotes = List.of(String.format(Locale.ROOT, "0100007F:%04X", port),
                String.format(Locale.ROOT, "0000000000000000FFFF00000100007F:%04X", port));
        long n = 0;
        for (Path table : List.of(PROC_NET_TCP, PROC_NET_TCP6)) {
            if (!Files.isReadable(table)) {
                continue;
            }
            try {
                n += Files.readAllLines(table).stream()
                        .map(line -> line.trim().split("\\s+"))
                        .filter(f -> f.length > 3 && remotes.contains(f[2]) && f[3].equals("02"))
                        .count();
            } catch (IOException e) {
                throw new IllegalStateException("reading " + table, e);
            }
        }
        return n;
    }
}
