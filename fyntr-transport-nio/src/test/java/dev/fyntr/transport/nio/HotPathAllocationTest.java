package dev.fyntr.transport.nio;

import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The relay's hot path allocates nothing per chunk. Counted, not timed: the event-loop thread's allocated bytes
 * (HotSpot's per-thread allocation counter) while 32 MiB (2,048 chunks) pass through one tunnel must stay far
 * far below what even one small object per chunk would add (32 KiB); measured here: about 200 B in all.
 */
class HotPathAllocationTest {

    private static final long MIB = 1024 * 1024;

    @Test
    void shouldRelayChunksWithoutAllocating() throws Exception {
        var threads = ManagementFactory.getThreadMXBean();
        assumeTrue(threads instanceof com.sun.management.ThreadMXBean, "needs HotSpot's allocation counter");
        var hotspot = (com.sun.management.ThreadMXBean) threads;
        assumeTrue(hotspot.isThreadAllocatedMemorySupported() && hotspot.isThreadAllocatedMemoryEnabled());

        ConcurrentLinkedQueue<String> results = new ConcurrentLinkedQueue<>();
        try (TestServers.Server sink = TestServers.sink(results::add);
             FyntrProxy proxy = Fixtures.proxyTo(sink.port()).start();
             ProxyClient c = new ProxyClient(proxy)) {
            assertEquals(200, c.connect("127.0.0.1:" + sink.port()).status());
            // This proxy's loop: the newest "fyntr-loop-N" (N counts proxies started in this JVM).
            Thread loop = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.isAlive() && t.getName().startsWith("fyntr-loop-"))
                    .max(java.util.Comparator.comparingInt(t -> Integer.parseInt(t.getName().substring(11))))
                    .orElseThrow();
            OutputStream out = c.out;
            byte[] block = new byte[64 * 1024];
            // Warm up: JIT compilation, buffer pool growth, queue arrays reaching their size.
            for (long sent = 0; sent < 32 * MIB; sent += block.length) {
                out.write(block);
            }
            long before = hotspot.getThreadAllocatedBytes(loop.getId());
            for (long sent = 0; sent < 32 * MIB; sent += block.length) {
                out.write(block);
            }
            long allocated = hotspot.getThreadAllocatedBytes(loop.getId()) - before;
            c.socket.shutdownOutput();
            assertEquals(64, new String(c.readToEnd(), StandardCharsets.US_ASCII).strip().length());
            // 2,048 chunks: one 16-byte object per chunk alone would be 32 KiB.
            assertTrue(allocated < 16 * 1024, "event loop allocated " + allocated + " B while relaying 32 MiB");
        }
    }
}
