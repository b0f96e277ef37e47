package dev.fyntr.transport.nio.internal.forward;

import dev.fyntr.api.spi.Flow;
import dev.fyntr.api.spi.FlowInfo;
import dev.fyntr.api.spi.Scheduler;
import dev.fyntr.transport.nio.internal.access.AccessLog;
import dev.fyntr.transport.nio.internal.loop.ManualLoop;
import dev.fyntr.transport.nio.internal.metrics.Timings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A request body under the service round's two phases (docs/architecture.md): chunks are granted one by one
 * ({@link RequestBody#stage}), the scheduler hearing {@code onSent} each time and {@code onIdle} when all are
 * granted, then written together ({@link RequestBody#flushStaged}); a write that falls short makes the flow
 * backlogged again and then blocked, as a tunnel's upload does; each chunk written reports its queueing delay, as a
 * tunnel's do. Real loopback sockets.
 */
@Timeout(30)
class RequestBodyStagingTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final List<String> calls = new ArrayList<>();
    private final List<SocketChannel> channels = new ArrayList<>();
    private final Timings timings = new Timings();
    private boolean sent;
    private String resetReason;

    private final Scheduler scheduler = new Scheduler() {
        @Override
        public void onBacklogged(Flow flow) {
            calls.add("backlogged");
        }

        @Override
        public void onIdle(Flow flow) {
            calls.add("idle");
        }

        @Override
        public void onBlocked(Flow flow) {
            calls.add("blocked");
        }

        @Override
        public void onClosed(Flow flow) {
            calls.add("closed");
        }

        @Override
        public Flow next() {
            return null;
        }

        @Override
        public void onSent(Flow flow, int bytes) {
            calls.add("sent " + bytes);
        }
    };

    @AfterEach
    void closeChannels() throws IOException {
        for (SocketChannel c : channels) {
            c.close();
        }
    }

    /** A connected pair: [0] the proxy's end (non-blocking), [1] the peer's end (blocking). */
    private SocketChannel[] pair(int bufferBytes) throws IOException {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            if (bufferBytes > 0) {
                server.setOption(StandardSocketOptions.SO_RCVBUF, bufferBytes);
            }
            server.bind(new InetSocketAddress(LOOPBACK, 0));
            SocketChannel proxyEnd = SocketChannel.open();
            if (bufferBytes > 0) {
                proxyEnd.setOption(StandardSocketOptions.SO_SNDBUF, bufferBytes);
            }
            proxyEnd.connect(server.getLocalAddress());
            SocketChannel peerEnd = server.accept();
            proxyEnd.configureBlocking(false);
            channels.add(proxyEnd);
            channels.add(peerEnd);
            return new SocketChannel[] {proxyEnd, peerEnd};
        }
    }

    private RequestBody body(SocketChannel client, SocketChannel upstream, long length) {
        ManualLoop loop = new ManualLoop(0);
        ForwardServices.Counts counts = new ForwardServices.Counts() {
            @Override
            public void upstream(int bytes) {
            }

            @Override
            public void downstream(int bytes) {
            }

            @Override
            public void queued(long delta) {
            }

            @Override
            public void rejected(int status) {
            }

            @Override
            public int activeFlows() {
                return 1;
            }

            @Override
            public void backlogged(boolean sparse) {
            }
        };
        ForwardServices services = new ForwardServices(loop, null, scheduler, counts, null, 4 * 1024 * 1024,
                Duration.ZERO, new AccessLog(false), timings);
        RequestBody.Owner owner = new RequestBody.Owner() {
            @Override
            public long id() {
                return 1;
            }

            @Override
            public SocketChannel client() {
                return client;
            }

            @Override
            public SocketChannel upstream() {
                return upstream;
            }

            @Override
            public void touch() {
            }

            @Override
            public void updateInterest() {
            }

            @Override
            public void reset(String reason) {
                resetReason = reason;
            }

            @Override
            public boolean isReleased() {
                return false;
            }

            @Override
            public void bodyRead(ByteBuffer leftover) {
                assertTrue(leftover == null, "nothing follows the body here");
            }

            @Override
            public void bodySent() {
                sent = true;
            }
        };
        FlowInfo info = FlowInfo.of("origin.test", 80, new InetSocketAddress(LOOPBACK, 80),
                new InetSocketAddress(LOOPBACK, 5), FlowInfo.FrontEnd.PLAIN_HTTP, 0);
        RequestBody body = new RequestBody(owner, services, length, false, null, info);
        body.begin();
        body.unhold();
        return body;
    }

    /** Reads from the client until {@code bytes} are queued (bounded: the peer wrote them before). */
    private static void readAll(RequestBody body, long bytes) throws IOException {
        for (int i = 0; i < 10_000 && body.queuedBytes() < bytes; i++) {
            body.readClient();
        }
        assertEquals(bytes, body.queuedBytes(), "the body's bytes are queued");
    }

    @Test
    void shouldGrantChunkByChunkThenWriteThemAllAtOnce() throws Exception {
        SocketChannel[] client = pair(0);
        SocketChannel[] upstream = pair(0);
        int length = 40_000;
        client[1].write(ByteBuffer.wrap(new byte[length]));
        RequestBody body = body(client[0], upstream[0], length);
        readAll(body, length);
        assertEquals(FlowInfo.FrontEnd.PLAIN_HTTP, body.info().frontEnd());
        assertEquals("backlogged", calls.get(0));
        calls.clear();

        int granted = 0;
        for (int i = 0; i < 100 && body.headChunkBytes() > 0; i++) {
            granted += body.stage(Integer.MAX_VALUE);
        }
        assertEquals(length, granted);
        assertEquals("idle", calls.get(calls.size() - 1), "idle once every chunk is granted: " + calls);
        assertTrue(calls.subList(0, calls.size() - 1).stream().allMatch(c -> c.startsWith("sent ")), calls.toString());
        assertEquals(0, body.queuedBytes(), "the scheduler sees nothing left to grant");
        assertFalse(sent, "nothing is written while staging");

        assertTrue(body.listForWrite());
        assertFalse(body.listForWrite(), "listed once per round");
        assertEquals(length, body.flushStaged());
        assertFalse(body.listedForWrite());
        assertTrue(sent, "the whole body went upstream");
        assertEquals(length, body.bytesWritten());
        assertEquals(null, resetReason);
        assertEquals(calls.size() - 1, timings.snapshot().chunkQueueDelay().count(),
                "one queueing delay per chunk written (one onSent per chunk): " + calls);
    }

    @Test
    void shouldGrantOnlyTheCapAndOfferTheRestAfterTheWrite() throws Exception {
        SocketChannel[] client = pair(0);
        SocketChannel[] upstream = pair(0);
        int length = 1000;
        client[1].write(ByteBuffer.wrap(new byte[length]));
        RequestBody body = body(client[0], upstream[0], length);
        readAll(body, length);
        calls.clear();

        assertEquals(300, body.stage(300));
        assertEquals(700, body.queuedBytes(), "the capped chunk's tail is still to be granted");
        assertTrue(body.listForWrite());
        assertEquals(300, body.flushStaged());
        assertEquals(List.of("sent 300", "idle", "backlogged"), calls, "the tail waits for the next round");
        assertEquals(700, body.headChunkBytes());
        assertEquals(700, body.stage(Integer.MAX_VALUE));
        assertTrue(body.listForWrite());
        assertEquals(700, body.flushStaged());
        assertTrue(sent);
    }

    @Test
    void shouldBeBackloggedThenBlockedWhenTheWriteFallsShortAfterEverythingWasGranted() throws Exception {
        SocketChannel[] client = pair(0);
        SocketChannel[] upstream = pair(8 * 1024); // the origin never reads: its small buffers fill up
        int length = 3 * 1024 * 1024;
        ByteBuffer payload = ByteBuffer.wrap(new byte[length]);
        Thread writer = new Thread(() -> {
            try {
                while (payload.hasRemaining()) {
                    client[1].write(payload);
                }
            } catch (IOException ignored) {
                // the test ended
            }
        });
        writer.setDaemon(true);
        writer.start();
        RequestBody body = body(client[0], upstream[0], length);
        long queued = 0;
        for (int i = 0; i < 100_000 && queued < 1024 * 1024; i++) {
            body.readClient();
            queued = body.queuedBytes();
        }
        assertTrue(queued >= 1024 * 1024, "a MiB queued: " + queued);
        calls.clear();

        for (int i = 0; i < 1000 && body.headChunkBytes() > 0; i++) {
            body.stage(Integer.MAX_VALUE);
        }
        assertEquals("idle", calls.get(calls.size() - 1));
        calls.clear();
        assertTrue(body.listForWrite());
        long written = body.flushStaged();
        assertTrue(written < queued, "the origin's buffers cannot take a MiB: " + written);
        assertEquals(List.of("backlogged", "blocked"), calls, "it leaves as blocked, not as gone quiet");
        assertEquals(SelectionKey.OP_WRITE, body.upstreamOps());
        assertTrue(body.headChunkBytes() > 0, "what the socket did not take waits in the queue");
        body.release();
        assertEquals("closed", calls.get(calls.size() - 1));
    }
}
