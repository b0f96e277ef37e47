package dev.fyntr.transport.nio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

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
        assertEquals(0, proxy.stats().internalErrors(), "a peer's reset is not a fault of the proxy");
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

    /**
     * A firehose upstream and a client that reads nothing. The proxy holds at most one 16 KiB chunk of a tunnel's
     * download and stops reading the upstream while it waits for the client, so TCP stalls the upstream once the
     * kernel buffers between the two are full: the upstream gets a bounded number of bytes out, however much it
     * has to send. Then the client reads, and every byte arrives intact and in order, followed by the EOF.
     */
    @Test
    void shouldHoldBackAFirehoseUpstreamWhileTheClientReadsNothing() throws Exception {
        int fixedBuffer = 64 * 1024;
        // What the proxy's own sockets may buffer: it sets no buffer sizes, so the kernel's autotuning maxima.
        long proxySendMax = Fixtures.tcpBufferMax("tcp_wmem");
        long proxyReceiveMax = Fixtures.tcpBufferMax("tcp_rmem");
        AtomicLong written = new AtomicLong();
        AtomicLong upstreamSendBuffer = new AtomicLong();
        CountDownLatch upstreamDone = new CountDownLatch(1);
        AtomicLong total = new AtomicLong(); // set below, once the client's buffer is known; before anyone connects
        TestServers.Server firehose = closer.add(new TestServers.Server(s -> {
            s.setSendBufferSize(fixedBuffer); // fixed: no autotuning on this side
            upstreamSendBuffer.set(Fixtures.kernelBufferBytes(s.getSendBufferSize()));
            OutputStream out = BoundedWrites.outputOf(s);
            byte[] block = new byte[64 * 1024];
            for (long sent = 0; sent < total.get(); sent += block.length) {
                fillWithOffsets(block, sent);
                out.write(block);
                written.addAndGet(block.length);
            }
            s.shutdownOutput();
            upstreamDone.countDown();
        }));
        // A memory budget larger than the whole stream: only the one-chunk rule may hold the upstream back here.
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(firehose.port()).maxBufferMemory(256L << 20).start());
        ProxyClient c = closer.add(new ProxyClient(proxy, fixedBuffer));
        long clientReceiveBuffer = Fixtures.kernelBufferBytes(c.socket.getReceiveBufferSize());
        // Everything that can hold bytes between the upstream's write() and the client: the upstream's send buffer
        // (fixed, but known only once connected: counted as the kernel's maximum here), the proxy's receive buffer,
        // one chunk, the proxy's send buffer and the client's receive buffer.
        long bound = proxySendMax + proxyReceiveMax + CHUNK + proxySendMax + clientReceiveBuffer;
        total.set(roundUp(bound + 16L * 1024 * 1024, 64 * 1024)); // far more than can ever be buffered
        assertTrue(total.get() < 256L << 20, "the memory budget must exceed the stream: " + total.get());
        assertEquals(200, c.connect("127.0.0.1:" + firehose.port()).status());

        // Don't read. The upstream writes until TCP stops it; wait until its progress has stood still for 500 ms
        // (or it sent everything, which a proxy that keeps reading the upstream lets it do).
        Progress progress = new Progress(written::get);
        Fixtures.await("the upstream stalls or sends everything", Duration.ofSeconds(30),
                () -> upstreamDone.getCount() == 0 || progress.stillFor(Duration.ofMillis(500)));
        ProxyStats stalled = proxy.stats();
        long sent = written.get();
        long upstreamLeg = upstreamSendBuffer.get() + proxyReceiveMax + CHUNK;
        String where = "upstream wrote " + sent + " of " + total.get() + " B, the proxy wrote "
                + stalled.bytesDownstream() + " B to the client";
        assertTrue(sent > 0 && stalled.bytesDownstream() > 0, where);
        // Held between the upstream and the proxy's write to the client: the upstream's send buffer, the proxy's
        // receive buffer, and at most one chunk in the proxy.
        assertTrue(sent - stalled.bytesDownstream() <= upstreamLeg, where + "; more than the upstream's send buffer ("
                + upstreamSendBuffer.get() + " B), the proxy's receive buffer (at most " + proxyReceiveMax
                + " B) and one chunk are held: the proxy kept reading the upstream");
        assertTrue(sent <= clientReceiveBuffer + upstreamLeg + proxySendMax, where);
        assertEquals(1, upstreamDone.getCount(), where + ": the upstream was not held back");

        // Now read: every byte, in order, then the EOF.
        InputStream in = c.socket.getInputStream();
        byte[] buf = new byte[64 * 1024];
        long read = 0;
        for (int n; (n = in.read(buf)) >= 0; ) {
            int bad = firstWrongOffset(buf, n, read);
            assertEquals(-1, bad, "byte " + (read + bad) + " is not the one the upstream sent there");
            read += n;
            assertTrue(read <= total.get(), "more bytes than the upstream sent: " + read);
        }
        assertEquals(total.get(), read);
        assertTrue(upstreamDone.await(10, TimeUnit.SECONDS));
        c.socket.shutdownOutput(); // the other direction ends too: the tunnel is done
        Fixtures.await("tunnel closed", Duration.ofSeconds(10), () -> proxy.stats().openTunnels() == 0);
    }

    private static final int CHUNK = 16 * 1024;

    private static long roundUp(long n, int multiple) {
        return (n + multiple - 1) / multiple * multiple;
    }

    /** Fills {@code block} with the stream's offsets as big-endian longs: offset {@code o} holds word o / 8. */
    private static void fillWithOffsets(byte[] block, long offset) {
        ByteBuffer b = ByteBuffer.wrap(block);
        for (long word = offset >>> 3; b.hasRemaining(); word++) {
            b.putLong(word);
        }
    }

    /** The first index in {@code buf[0..n)} that does not hold the byte of stream offset {@code offset + i}, or -1. */
    private static int firstWrongOffset(byte[] buf, int n, long offset) {
        for (int i = 0; i < n; i++) {
            long o = offset + i;
            if (buf[i] != (byte) ((o >>> 3) >>> (8 * (7 - (o & 7))))) {
                return i;
            }
        }
        return -1;
    }

    /** Whether a counter has stopped moving: it has kept the same value for a while, as seen by polling. */
    private static final class Progress {
        private final LongSupplier counter;
        private long last = -1;
        private long since;

        Progress(LongSupplier counter) {
            this.counter = counter;
        }

        boolean stillFor(Duration d) {
            long now = System.nanoTime();
            long v = counter.getAsLong();
            if (v != last) {
                last = v;
                since = now;
                return false;
            }
            return v > 0 && now - since >= d.toNanos();
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
