package dev.fyntr.bench.load;

import dev.fyntr.transport.nio.FyntrProxy;
import dev.fyntr.transport.nio.MemoryStats;
import dev.fyntr.transport.nio.ProxyStats;
import dev.fyntr.transport.nio.ShapingStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The soak's parts, each on its own: the resolver, the stats line, the servers, the tunnel client. */
@Timeout(60)
class SoakPartsTest {

    private static final int TIMEOUT_MS = 10_000;

    @Test
    void testNamesMapTestNamesToLoopbackAndRefuseEverythingElseAtOnce() throws IOException {
        TestNames names = new TestNames();
        assertEquals(List.of(InetAddress.getByAddress(new byte[] {127, 0, 0, 1})), names.resolve("chat.test"));
        assertEquals("chat.test", names.resolve("chat.test").get(0).getHostName()); // no reverse lookup either
        assertThrows(UnknownHostException.class, () -> names.resolve("example.com"));
        assertThrows(UnknownHostException.class, () -> names.resolve("test.example"));
    }

    @Test
    void neverNamesBlockUntilReleasedOrInterrupted() throws Exception {
        TestNames names = new TestNames();
        CompletableFuture<Throwable> first = CompletableFuture.supplyAsync(() -> lookup(names, "a.never.test"));
        Thread interrupted = new Thread(() -> lookup(names, "never.test"));
        interrupted.start();
        awaitTrue(() -> names.blocked() == 2, "two lookups blocked");
        assertFalse(first.isDone());

        interrupted.interrupt();
        interrupted.join(TIMEOUT_MS);
        assertFalse(interrupted.isAlive());
        assertEquals(1, names.blocked());

        names.release();
        assertInstanceOf(UnknownHostException.class, first.get(TIMEOUT_MS, TimeUnit.MILLISECONDS));
        assertEquals(0, names.blocked());
        assertThrows(UnknownHostException.class, () -> names.resolve("b.never.test")); // at once once released
    }

    private static Throwable lookup(TestNames names, String host) {
        try {
            names.resolve(host);
            return null;
        } catch (IOException e) {
            return e;
        }
    }

    @Test
    void kernelBufferLimitsAreReadFromProcOrFallBack() {
        if (java.nio.file.Files.isReadable(java.nio.file.Path.of("/proc/sys/net/ipv4/tcp_rmem"))) {
            assertTrue(SoakLoad.kernelBufferMax("tcp_rmem", -1) >= 4096);
            assertTrue(SoakLoad.kernelBufferMax("tcp_wmem", -1) >= 4096);
        }
        assertEquals(-7, SoakLoad.kernelBufferMax("no_such_sysctl", -7));
    }

    @Test
    void statsLineCarriesEveryCounterAndParsesBack() {
        ProxyStats stats = new ProxyStats(3, 4, 5, 6, 7_000_000_000L, 8, 9, Map.of(502, 10L, 403, 11L),
                ShapingStats.NONE, new MemoryStats(32L << 20, 65536, 1L << 20, 2, 12), 13, 14, 15, 16);
        String line = StatsLine.format(stats, Map.of("resolverBlocked", 17L));
        assertFalse(line.contains("\n"));
        Map<String, Long> m = StatsLine.parse(line);
        assertEquals(3, m.get("openTunnels"));
        assertEquals(4, m.get("openHandshakes"));
        assertEquals(5, m.get("tunnelsOpened"));
        assertEquals(6, m.get("connectionsAccepted"));
        assertEquals(7_000_000_000L, m.get("bytesUpstream"));
        assertEquals(32L << 20, m.get("limitBytes"));
        assertEquals(65536, m.get("usedBytes"));
        assertEquals(1L << 20, m.get("peakBytes"));
        assertEquals(2, m.get("readersWaiting"));
        assertEquals(12, m.get("refusals"));
        assertEquals(13, m.get("lingeringRejections"));
        assertEquals(14, m.get("nameLookupsInFlight"));
        assertEquals(15, m.get("internalErrors"));
        assertEquals(16, m.get("schedulerReplacements"));
        assertEquals(17, m.get("resolverBlocked"));
        assertEquals(10, m.get("rejected502"));
        assertEquals(11, m.get("rejected403"));
    }

    @Test
    void hashSinkAnswersTheLengthAndCrcOfWhatItRead() throws IOException {
        byte[] data = new byte[3_000_000];
        new Random(1).nextBytes(data);
        CRC32C crc = new CRC32C();
        crc.update(data);
        try (HashSinkServer sink = HashSinkServer.start(); Socket s = Route.direct(TIMEOUT_MS).open(sink.address())) {
            s.getOutputStream().write(data);
            s.shutdownOutput();
            byte[] trailer = s.getInputStream().readNBytes(HashSinkServer.TRAILER_BYTES + 1);
            assertArrayEquals(HashSinkServer.trailer(data.length, (int) crc.getValue()).array(), trailer);
            assertEquals(data.length, sink.totalBytes());
        }
    }

    @Test
    void resetServerEchoesWhatItPromisedThenResetsMidTransfer() throws Exception {
        try (ResetServer server = ResetServer.start(); Socket s = Route.direct(TIMEOUT_MS).open(server.address())) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(ByteBuffer.allocate(4).putInt(10_000).array());
            byte[] data = new byte[10_000];
            new Random(2).nextBytes(data);
            out.write(data);
            out.flush();
            assertArrayEquals(data, in.readNBytes(10_000));
            // The server resets now: more bytes end in a reset, never in a clean end of stream.
            IOException e = assertThrows(IOException.class, () -> {
                for (int i = 0; i < 1000; i++) {
                    out.write(new byte[1024]);
                    if (in.read() < 0) {
                        return;
                    }
                }
            });
            assertTrue(SoakLoad.isReset(e), e.toString());
            awaitTrue(() -> server.resets() == 1, "one reset counted");
        }
    }

    @Test
    void stallServerNeverReadsThenResets() throws Exception {
        try (StallServer server = StallServer.start(1_500, 1_500, 3);
             SocketChannel ch = SocketChannel.open()) {
            ch.setOption(java.net.StandardSocketOptions.SO_SNDBUF, 64 * 1024);
            ch.connect(server.address());
            ch.configureBlocking(false);
            ByteBuffer chunk = ByteBuffer.allocate(16 * 1024);
            long written = 0;
            int idle = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (System.nanoTime() < deadline && idle < 20) {
                chunk.clear();
                int n = ch.write(chunk);
                written += n;
                idle = n == 0 ? idle + 1 : 0;
                if (n == 0) {
                    Thread.sleep(10);
                }
            }
            assertEquals(20, idle, "the upload stalled");
            assertTrue(written < 8L << 20, written + " bytes went into a server that never reads");
            awaitTrue(() -> server.held() == 1, "the connection held");
            IOException e = assertThrows(IOException.class, () -> {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_MS / 1000);
                while (System.nanoTime() < end) {
                    chunk.clear();
                    ch.write(chunk);
                    if (ch.read(ByteBuffer.allocate(1)) < 0) {
                        return;
                    }
                    Thread.sleep(10);
                }
            });
            assertTrue(SoakLoad.isReset(e), e.toString());
            assertEquals(0, server.held());
        }
    }

    @Test
    void tunnelClientReachesTestNamesAndReportsANameThatNeverResolves() throws Exception {
        TestNames names = new TestNames();
        try (EchoServer echo = EchoServer.start();
             FyntrProxy proxy = FyntrProxy.builder().bind(InetAddress.getLoopbackAddress()).port(0)
                     .allowPorts(echo.address().getPort()).allowCidrs("127.0.0.1/32").resolver(names)
                     .resolveTimeout(Duration.ofMillis(300)).shutdownGrace(Duration.ZERO).start()) {
            TunnelClient client = new TunnelClient(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    proxy.port()), TIMEOUT_MS);
            try (Socket s = client.open("chat.test", echo.address().getPort())) {
                LoadTool.echoAndVerify(s, 1, 20_000);
            }
            TunnelClient.Refused never = assertThrows(TunnelClient.Refused.class,
                    () -> client.open("x.never.test", echo.address().getPort()).close());
            assertEquals(502, never.status);
            assertEquals("dns_timeout", never.error);
            TunnelClient.Refused unknown = assertThrows(TunnelClient.Refused.class,
                    () -> client.open("example.com", echo.address().getPort()).close());
            assertEquals(502, unknown.status);
            assertEquals("dns_error", unknown.error);
            assertEquals(1, names.blocked()); // the abandoned lookup still holds its thread
        } finally {
            names.release();
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(10);
        }
    }
}
