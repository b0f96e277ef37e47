package dev.fyntr.transport.nio;

import dev.fyntr.transport.nio.internal.FyntrProxyImpl;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every pooled buffer is returned on every path: relayed and half-closed tunnels, pipelined bytes, rejected
 * handshakes, a client reset while its bytes are queued, and a close that cuts tunnels still holding queued bytes.
 */
class BufferAccountingTest {

    private final ExecutorService flooders = Executors.newCachedThreadPool();

    /**
     * Writes 64 MiB to a tunnel whose upstream reads nothing: more than any kernel buffering, so the proxy's queue
     * fills. The write fails, ending the thread, once the test closes the socket.
     */
    private void floodInBackground(ProxyClient c) {
        flooders.execute(() -> {
            byte[] block = new byte[64 * 1024];
            try {
                for (int i = 0; i < 1024; i++) {
                    c.out.write(block);
                }
            } catch (java.io.IOException closed) {
                // expected: the test resets or closes this client
            }
        });
    }

    @Test
    void shouldReturnEveryBufferWhateverEndsTheConnections() throws Exception {
        CountDownLatch releaseStalled = new CountDownLatch(1);
        try (TestServers.Server echo = TestServers.echo();
             TestServers.Server stalled = new TestServers.Server(s -> {
                 try {
                     releaseStalled.await(30, TimeUnit.SECONDS); // reads nothing: the proxy queues for it
                 } catch (InterruptedException e) {
                     Thread.currentThread().interrupt();
                 }
             }, 16, 16 * 1024)) {
            FyntrProxy proxy = Fixtures.proxyTo(echo.port(), stalled.port()).start();
            try {
                // Relayed, with pipelined bytes and a half-close.
                try (ProxyClient c = new ProxyClient(proxy)) {
                    c.send("CONNECT 127.0.0.1:" + echo.port() + " HTTP/1.1\r\n\r\nearly");
                    assertEquals(200, c.readResponse().status());
                    byte[] data = TunnelTest.random(200_000, 5);
                    c.send(data);
                    c.socket.shutdownOutput();
                    InputStream in = c.socket.getInputStream();
                    assertEquals("early", new String(in.readNBytes(5), StandardCharsets.US_ASCII));
                    assertArrayEquals(data, in.readNBytes(data.length));
                }
                // Rejected handshakes.
                try (ProxyClient c = new ProxyClient(proxy)) {
                    assertEquals(400, c.send("CONNECT nonsense\r\n\r\n").readResponse().status());
                }
                try (ProxyClient c = new ProxyClient(proxy)) {
                    assertEquals(403, c.connect("127.0.0.1:22").status());
                }
                // A client that resets while its bytes wait in the proxy's queue.
                ProxyClient reset = new ProxyClient(proxy);
                assertEquals(200, reset.connect("127.0.0.1:" + stalled.port()).status());
                floodInBackground(reset);
                Fixtures.await("bytes queued", Duration.ofSeconds(20), () -> proxy.stats().queuedBytes() > 0);
                reset.socket.setSoLinger(true, 0);
                reset.close();
                // No wait for the proxy to notice: with its queue full it has stopped reading this client, so the
                // reset may only surface at the idle timeout. Either way close() below must free its buffers.
                // A tunnel still holding queued bytes when the proxy closes (grace 0 cuts it).
                ProxyClient cut = new ProxyClient(proxy);
                assertEquals(200, cut.connect("127.0.0.1:" + stalled.port()).status());
                floodInBackground(cut);
                Fixtures.await("bytes queued again", Duration.ofSeconds(20), () -> proxy.stats().queuedBytes() > 0);
                proxy.close();
                cut.close();
            } finally {
                proxy.close();
                releaseStalled.countDown();
                flooders.shutdown();
            }
            assertTrue(proxy instanceof FyntrProxyImpl);
            assertTrue(flooders.awaitTermination(20, TimeUnit.SECONDS), "writers ended with their sockets");
            assertEquals(0, ((FyntrProxyImpl) proxy).buffersOutstanding(), "pooled buffers not returned");
        }
    }
}
