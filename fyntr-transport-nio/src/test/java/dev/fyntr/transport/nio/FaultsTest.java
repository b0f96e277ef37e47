package dev.fyntr.transport.nio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Peers that reset, stall or read slowly: the proxy closes what it must and keeps memory bounded. */
class FaultsTest {

    @RegisterExtension
    final Closer closer = new Closer();

    @Test
    void shouldResetTheClientWhenTheUpstreamResetsMidStream() throws Exception {
        CountDownLatch reset = new CountDownLatch(1);
        TestServers.Server server = closer.add(new TestServers.Server(s -> {
            BoundedWrites.outputOf(s).write("partial".getBytes());
            s.getInputStream().read(); // wait for the client's go
            s.setSoLinger(true, 0);
            s.close(); // RST
            reset.countDown();
        }));
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(server.port()).start());
        try (ProxyClient c = new ProxyClient(proxy)) {
            assertEquals(200, c.connect("127.0.0.1:" + server.port()).status());
            InputStream in = c.socket.getInputStream();
            assertEquals("partial", new String(in.readNBytes(7)));
            c.send("go");
            assertTrue(reset.await(10, TimeUnit.SECONDS));
            // The reset is passed on: either as a reset or, at worst, as an end of stream; never a hang.
            try {
                assertEquals(-1, in.read());
            } catch (SocketException expected) {
                // Connection reset
            }
        }
        Fixtures.await("tunnel closed", Duration.ofSeconds(10), () -> proxy.stats().openTunnels() == 0);
    }

    @Test
    void shouldCloseTheUpstreamWhenTheClientResets() throws Exception {
        CountDownLatch upstreamSawEnd = new CountDownLatch(1);
        TestServers.Server server = closer.add(new TestServers.Server(s -> {
            try {
                s.getInputStream().readAllBytes();
            } catch (SocketException e) {
                // reset: also an end
            }
            upstreamSawEnd.countDown();
        }));
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(server.port()).start());
        ProxyClient c = new ProxyClient(proxy);
        assertEquals(200, c.connect("127.0.0.1:" + server.port()).status());
        c.send("some bytes");
        c.socket.setSoLinger(true, 0);
        c.close(); // RST
        assertTrue(upstreamSawEnd.await(10, TimeUnit.SECONDS));
        Fixtures.await("tunnel closed", Duration.ofSeconds(10), () -> proxy.stats().openTunnels() == 0);
    }

    @Test
    void shouldStopReadingTheClientWhileTheUpstreamReadsSlowly() throws Exception {
        int bound = 64 * 1024;
        CountDownLatch release = new CountDownLatch(1);
        AtomicLong received = new AtomicLong();
        TestServers.Server slow = closer.add(new TestServers.Server(s -> {
            try {
                release.await(30, TimeUnit.SECONDS); // reads nothing until released
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] buf = new byte[8192];
            InputStream in = s.getInputStream();
            for (int n; (n = in.read(buf)) >= 0; ) {
                received.addAndGet(n);
            }
        }, 16, 16 * 1024));
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(slow.port()).maxQueuedBytesPerFlow(bound).start());
        long total = 64L * 1024 * 1024;
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (ProxyClient c = new ProxyClient(proxy)) {
            assertEquals(200, c.connect("127.0.0.1:" + slow.port()).status());
            Future<?> sending = writer.submit(() -> {
                OutputStream out = c.out;
                byte[] block = new byte[64 * 1024];
                for (long sent = 0; sent < total; sent += block.length) {
                    out.write(block);
                }
                c.socket.shutdownOutput();
                return null;
            });
            // While the upstream reads nothing, the proxy fills its queue to the bound and then stops reading.
            // While the upstream reads nothing, the proxy queues what it cannot write and then stops reading the
            // client. The queue is bounded in bytes and in chunks (a loaded machine makes reads short, so the chunk
            // bound may stop reading first): either way it never holds more than the bound plus one chunk.
            Fixtures.await("bytes queued behind the stalled upstream", Duration.ofSeconds(30), () -> {
                assertFalse(sending.isDone() && failed(sending), "the writer failed");
                return proxy.stats().queuedBytes() > 0;
            });
            long maxSeen = 0;
            for (int i = 0; i < 50; i++) {
                maxSeen = Math.max(maxSeen, proxy.stats().queuedBytes());
            }
            assertTrue(maxSeen > 0 && maxSeen <= bound + 16 * 1024,
                    "queued " + maxSeen + ", bound " + bound + " + one chunk");
            assertFalse(sending.isDone(), "the client could not have sent 64 MiB into a stalled upstream");
            release.countDown();
            sending.get(60, TimeUnit.SECONDS);
            Fixtures.await("all bytes delivered", Duration.ofSeconds(30), () -> received.get() == total);
        } finally {
            writer.shutdownNow();
        }
    }

    private static boolean failed(Future<?> f) {
        try {
            f.get(0, TimeUnit.SECONDS);
            return false;
        } catch (Exception e) {
            return true;
        }
    }

    @Test
    void shouldStopReadingTheUpstreamWhileTheClientReadsSlowly() throws Exception {
        long total = 32L * 1024 * 1024;
        AtomicLong written = new AtomicLong();
        TestServers.Server firehose = closer.add(new TestServers.Server(s -> {
            OutputStream out = BoundedWrites.outputOf(s);
            byte[] block = new byte[64 * 1024];
            for (long sent = 0; sent < total; sent += block.length) {
                out.write(block);
                written.addAndGet(block.length);
            }
            s.shutdownOutput();
        }));
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(firehose.port()).start());
        try (ProxyClient c = new ProxyClient(proxy)) {
            assertEquals(200, c.connect("127.0.0.1:" + firehose.port()).status());
            // Don't read: the upstream must be throttled by TCP (the proxy holds at most one chunk).
            Fixtures.await("the upstream is blocked", Duration.ofSeconds(10), () -> {
                long a = written.get();
                return a > 0 && a < total;
            });
            long before = written.get();
            InputStream in = c.socket.getInputStream();
            byte[] buf = new byte[64 * 1024];
            long read = 0;
            for (int n; (n = in.read(buf)) >= 0; ) {
                read += n;
            }
            assertEquals(total, read);
            assertTrue(before < total, "the upstream was held back");
        }
    }

    @Test
    void shouldNotLeakWhenTheClientDisconnectsDuringTheHandshake() throws Exception {
        FyntrProxy proxy = closer.add(Fixtures.proxyTo().start());
        for (int i = 0; i < 20; i++) {
            try (Socket s = new Socket(TestServers.LOOPBACK, proxy.port())) {
                BoundedWrites.outputOf(s).write("CONNECT a.test:443 HTT".getBytes());
            }
        }
        Fixtures.await("handshakes gone", Duration.ofSeconds(10), () -> proxy.stats().openHandshakes() == 0);
    }
}
