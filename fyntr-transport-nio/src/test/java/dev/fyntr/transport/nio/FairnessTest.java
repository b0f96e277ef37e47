package dev.fyntr.transport.nio;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With 16 tunnels uploading flat out, a 17th interactive tunnel still gets answers. Latency numbers belong in the
 * bench; this only proves that the interactive flow is not starved (every round trip completes, each read bounded).
 */
class FairnessTest {

    @Test
    void shouldKeepAnInteractiveTunnelAnsweringUnderSixteenBulkUploads() throws Exception {
        ConcurrentLinkedQueue<String> sinkResults = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService uploaders = Executors.newFixedThreadPool(16);
        try (TestServers.Server sink = TestServers.sink(sinkResults::add);
             TestServers.Server echo = TestServers.echo();
             FyntrProxy proxy = Fixtures.proxyTo(sink.port(), echo.port()).start()) {
            List<ProxyClient> bulk = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                ProxyClient c = new ProxyClient(proxy);
                bulk.add(c);
                assertEquals(200, c.connect("127.0.0.1:" + sink.port()).status());
                uploaders.execute(() -> {
                    byte[] block = new byte[64 * 1024];
                    try {
                        OutputStream out = c.out;
                        while (!stop.get()) {
                            out.write(block);
                        }
                    } catch (java.io.IOException e) {
                        // closed at the end of the test
                    }
                });
            }
            // Wait until the bulk flows really load the proxy.
            Fixtures.await("bulk load running", java.time.Duration.ofSeconds(20),
                    () -> proxy.stats().bytesUpstream() > 64L * 1024 * 1024);
            try (ProxyClient interactive = new ProxyClient(proxy)) {
                assertEquals(200, interactive.connect("127.0.0.1:" + echo.port()).status());
                Socket s = interactive.socket;
                s.setSoTimeout(10_000); // generous: a starved flow fails here instead of hanging
                OutputStream out = interactive.out;
                InputStream in = s.getInputStream();
                byte[] ping = new byte[64];
                for (int i = 0; i < 100; i++) {
                    Arrays.fill(ping, (byte) i);
                    out.write(ping);
                    assertArrayEquals(ping, in.readNBytes(64), "round trip " + i);
                }
            }
            stop.set(true);
            for (ProxyClient c : bulk) {
                c.close();
            }
            assertTrue(proxy.stats().bytesUpstream() > 64L * 1024 * 1024);
        } finally {
            stop.set(true);
            uploaders.shutdownNow();
            assertTrue(uploaders.awaitTermination(10, TimeUnit.SECONDS));
        }
    }
}
