package dev.fyntr.transport.nio;

import dev.fyntr.api.Schedulers;
import dev.fyntr.api.spi.Flow;
import dev.fyntr.api.spi.Scheduler;
import dev.fyntr.api.spi.SchedulerConfig;
import dev.fyntr.api.spi.SchedulerProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Plain-HTTP forwarding against hostile or slow peers, the scheduler and the shutdown (docs/plain-http.md): a
 * client that never reads, an origin that never reads, memory that stays within the budget, request bodies that
 * are scheduler flows, pooled connections that close at shutdown while requests in flight get the grace.
 */
class PlainHttpRobustnessTest {

    @RegisterExtension
    final Closer closer = new Closer();

    private static final int CHUNK = 16 * 1024;

    @Test
    void shouldHoldAtMostAChunkForAClientThatNeverReadsAndCloseItWhenIdle() throws Exception {
        byte[] big = new byte[10 << 20];
        Origin origin = closer.add(new Origin(r -> {
            byte[] head = ("HTTP/1.1 200 OK\r\nContent-Length: " + big.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            byte[] all = new byte[head.length + big.length];
            System.arraycopy(head, 0, all, 0, head.length);
            return new Origin.Reply(all, false);
        }));
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(origin.port()).idleTimeout(Duration.ofSeconds(2)).start());
        try (ProxyClient c = new ProxyClient(proxy, 16 * 1024)) {
            c.send("GET http://127.0.0.1:" + origin.port() + "/big HTTP/1.1\r\n\r\n");
            // The client reads nothing: the proxy stops reading the origin with one chunk held.
            Fixtures.await("the proxy is stalled on the client", Duration.ofSeconds(10),
                    () -> proxy.stats().bytesDownstream() > 0);
            assertTrue(proxy.stats().memory().usedBytes() <= 2L * CHUNK, proxy.stats().memory().toString());
            Fixtures.await("the idle exchange is closed", Duration.ofSeconds(15),
                    () -> proxy.stats().openTunnels() == 0);
        }
        Fixtures.await("memory back", Duration.ofSeconds(5), () -> proxy.stats().memory().usedBytes() == 0);
    }

    @Test
    void shouldBoundWhatItQueuesForAnOriginThatNeverReadsTheBody() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        closer.add(release::countDown);
        TestServers.Server stuck = closer.add(new TestServers.Server(s -> {
            try {
                release.await(30, TimeUnit.SECONDS); // accepts, never reads
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(stuck.port()).idleTimeout(Duration.ofSeconds(2)).start());
        ExecutorService pool = Executors.newSingleThreadExecutor();
        closer.add(pool::shutdownNow);
        try (ProxyClient c = new ProxyClient(proxy)) {
            int total = 64 << 20;
            Future<?> sending = pool.submit(() -> {
                OutputStream out = c.out;
                out.write(("POST http://127.0.0.1:" + stuck.port() + "/ HTTP/1.1\r\nContent-Length: " + total
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                byte[] piece = new byte[64 * 1024];
                for (int sent = 0; sent < total; sent += piece.length) {
                    out.write(piece);
                }
                return null;
            });
            Fixtures.await("the queue is full", Duration.ofSeconds(10),
                    () -> proxy.stats().queuedBytes() >= ProxyDefaults.MAX_QUEUED_BYTES_PER_FLOW / 2);
            long peak = proxy.stats().memory().peakBytes();
            assertTrue(peak <= ProxyDefaults.MAX_QUEUED_BYTES_PER_FLOW + 4L * CHUNK, "peak " + peak);
            Fixtures.await("the idle exchange is closed", Duration.ofSeconds(15),
                    () -> proxy.stats().openTunnels() == 0);
            sending.cancel(true);
        }
        Fixtures.await("memory back", Duration.ofSeconds(5), () -> proxy.stats().memory().usedBytes() == 0);
    }

    /** DRR, with the bytes it was told were sent for flows that are request bodies. */
    static final class Recording implements SchedulerProvider {
        final AtomicLong bodyBytes = new AtomicLong();
        final AtomicLong bodyFlows = new AtomicLong();

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public Scheduler create(SchedulerConfig config) {
            Scheduler drr = Schedulers.provider("drr").create(config);
            return new ForwardingScheduler(drr) {
                @Override
                public void onClosed(Flow flow) {
                    if (flow.toString().endsWith("request body")) {
                        bodyFlows.incrementAndGet();
                    }
                    super.onClosed(flow);
                }

                @Override
                public void onSent(Flow flow, int bytes) {
                    if (flow.toString().endsWith("request body")) {
                        bodyBytes.addAndGet(bytes);
                    }
                    super.onSent(flow, bytes);
                }
            };
        }
    }

    @Test
    void shouldSendRequestBodiesThroughTheScheduler() throws Exception {
        Recording recording = new Recording();
        Origin origin = closer.add(new Origin(r -> Origin.Reply.ok(Integer.toString(r.body().length))));
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(origin.port()).scheduler(recording).start());
        byte[] body = PlainHttpTest.random(1 << 20, 5);
        try (ProxyClient c = new ProxyClient(proxy)) {
            InputStream in = c.socket.getInputStream();
            for (int i = 0; i < 2; i++) {
                c.send("POST http://127.0.0.1:" + origin.port() + "/ HTTP/1.1\r\nContent-Length: " + body.length
                        + "\r\n\r\n");
                c.send(body);
                assertEquals(Integer.toString(body.length), HttpReplies.read(in).text());
            }
        }
        Fixtures.await("both bodies closed", Duration.ofSeconds(10), () -> recording.bodyFlows.get() == 2);
        assertEquals(2L * body.length, recording.bodyBytes.get(), "every body byte went through the scheduler");
    }

    @Test
    void shouldShapeRequestAndResponseBodiesWithTheRateCaps() throws Exception {
        byte[] data = PlainHttpTest.random(2 << 20, 6);
        Origin origin = closer.add(new Origin(r -> {
            byte[] head = ("HTTP/1.1 200 OK\r\nContent-Length: " + data.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            byte[] all = new byte[head.length + data.length];
            System.arraycopy(head, 0, all, 0, head.length);
            System.arraycopy(data, 0, all, head.length, data.length);
            return new Origin.Reply(all, false);
        }));
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(origin.port()).maxRate(2_000_000).maxDownloadRate(2_000_000)
                .start());
        try (ProxyClient c = new ProxyClient(proxy)) {
            c.send("POST http://127.0.0.1:" + origin.port() + "/ HTTP/1.1\r\nContent-Length: " + data.length
                    + "\r\n\r\n");
            c.send(data);
            assertEquals(data.length, HttpReplies.read(c.socket.getInputStream()).body().length);
        }
        ShapingStats s = proxy.stats().shaping();
        // Counters, not timings: the body waited for upload tokens, the response for download tokens.
        assertTrue(s.uploadDelayedBytes() > 0 && s.uploadThrottles() > 0, s.toString());
        assertTrue(s.downloadThrottles() > 0, s.toString());
    }

    @Test
    void shouldKeepPooledConnectionsAcrossClientsAndCloseThemAtShutdown() throws Exception {
        Origin origin = closer.add(Origin.echoing());
        FyntrProxy proxy = Fixtures.proxyTo(origin.port()).shutdownGrace(Duration.ofSeconds(10)).start();
        closer.add(proxy);
        for (int i = 0; i < 2; i++) {
            try (ProxyClient c = new ProxyClient(proxy)) {
                c.send("GET http://127.0.0.1:" + origin.port() + "/" + i + " HTTP/1.1\r\n\r\n");
                assertEquals("GET /" + i, HttpReplies.read(c.socket.getInputStream()).text());
            }
        }
        assertEquals(1, origin.connections(), "the second client reused the first one's upstream connection");
        Fixtures.await("clients gone", Duration.ofSeconds(10), () -> proxy.stats().openTunnels() == 0);
        assertEquals(0, origin.closedByPeer(), "the pooled connection stays open while the proxy runs");
        long started = System.nanoTime();
        proxy.close();
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(5).toNanos(),
                "nothing in flight: the shutdown does not wait for the grace");
        Fixtures.await("the pooled connection closed", Duration.ofSeconds(10), () -> origin.closedByPeer() == 1);
    }

    @Test
    void shouldLetARequestInFlightFinishWithinTheShutdownGrace() throws Exception {
        CountDownLatch answer = new CountDownLatch(1);
        Origin origin = closer.add(new Origin(r -> {
            try {
                answer.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Origin.Reply.ok("late but whole");
        }));
        FyntrProxy proxy = Fixtures.proxyTo(origin.port()).shutdownGrace(Duration.ofSeconds(20)).start();
        closer.add(proxy);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        closer.add(pool::shutdownNow);
        try (ProxyClient c = new ProxyClient(proxy)) {
            c.send("GET http://127.0.0.1:" + origin.port() + "/slow HTTP/1.1\r\n\r\n");
            origin.take();
            Future<?> closing = pool.submit(() -> proxy.close());
            Fixtures.await("shutting down", Duration.ofSeconds(10), proxy::isClosing);
            answer.countDown();
            HttpReplies.Reply r = HttpReplies.read(c.socket.getInputStream());
            assertEquals("late but whole", r.text());
            assertEquals("close", r.header("connection"), "no further request after a shutdown began");
            closing.get(20, TimeUnit.SECONDS);
        }
    }
}
