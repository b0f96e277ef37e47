package dev.fyntr.transport.nio;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The test support itself: what it promises to the other tests (close everything, fail loudly, never hang). */
class TestSupportTest {

    @Test
    void closerClosesNewestFirstAndReportsEveryFailureAfterClosingEverything() {
        List<String> closed = new ArrayList<>();
        Closer closer = new Closer();
        closer.add(() -> closed.add("first"));
        closer.add(() -> {
            closed.add("second");
            throw new IOException("second broke");
        });
        closer.add(() -> {
            closed.add("third");
            throw new AssertionError("third broke");
        });
        AssertionError e = assertThrows(AssertionError.class, closer::closeAll);
        assertEquals(List.of("third", "second", "first"), closed);
        assertTrue(e.getMessage().contains("third broke"), e.getMessage());
        assertEquals(1, e.getSuppressed().length);
        assertTrue(e.getSuppressed()[0].getMessage().contains("second broke"), e.getSuppressed()[0].getMessage());
        closer.closeAll(); // nothing left: closing twice is harmless
        assertEquals(3, closed.size());
    }

    @Test
    void serverFailsOnCloseWithWhatItsHandlerThrew() throws Exception {
        CountDownLatch handled = new CountDownLatch(1);
        TestServers.Server server = new TestServers.Server(s -> {
            try {
                throw new IllegalStateException("handler broke");
            } finally {
                handled.countDown();
            }
        });
        try (Socket s = new Socket(TestServers.LOOPBACK, server.port())) {
            assertTrue(s.isConnected() && handled.await(10, TimeUnit.SECONDS));
        }
        AssertionError e = assertThrows(AssertionError.class, server::close);
        assertTrue(e.getMessage().contains("1 handler error(s)") && e.getMessage().contains("handler broke"),
                e.getMessage());
    }

    @Test
    void serverErrorsTakenByTheTestNoLongerFailIt() throws Exception {
        CountDownLatch handled = new CountDownLatch(1);
        TestServers.Server server = new TestServers.Server(s -> {
            try {
                throw new IOException("expected by the test");
            } finally {
                handled.countDown();
            }
        });
        try (Socket s = new Socket(TestServers.LOOPBACK, server.port())) {
            assertTrue(s.isConnected() && handled.await(10, TimeUnit.SECONDS));
        }
        Fixtures.await("the error recorded", java.time.Duration.ofSeconds(10), () -> {
            List<Throwable> taken = server.takeErrors();
            if (taken.isEmpty()) {
                return false;
            }
            assertTrue(taken.get(0).getMessage().contains("expected by the test"), taken.get(0).getMessage());
            return true;
        });
        server.close();
    }

    @Test
    void serverDoesNotCountWhatItsOwnCloseCauses() throws Exception {
        CountDownLatch reading = new CountDownLatch(1);
        TestServers.Server server = new TestServers.Server(s -> {
            reading.countDown();
            s.getInputStream().read(); // until close() closes the socket under it: "Socket closed"
        });
        try (Socket s = new Socket(TestServers.LOOPBACK, server.port())) {
            assertTrue(s.isConnected() && reading.await(10, TimeUnit.SECONDS));
            server.close();
        }
    }

    @Test
    void boundedWriteFailsAndClosesTheSocketWhenThePeerStopsReading() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        // Reads nothing, with a small fixed receive buffer: a big write cannot complete.
        try (TestServers.Server stalled = new TestServers.Server(s -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, 16, 16 * 1024);
             Socket s = new Socket()) {
            s.setSoTimeout(300);
            s.connect(new InetSocketAddress(TestServers.LOOPBACK, stalled.port()), 10_000);
            OutputStream out = BoundedWrites.outputOf(s);
            long start = System.nanoTime();
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class,
                    () -> out.write(new byte[32 * 1024 * 1024])); // far more than the kernel buffers
            assertTrue((System.nanoTime() - start) / 1_000_000 >= 300, "not before its deadline");
            assertTrue(e.getMessage().contains("did not complete within 300 ms"), e.getMessage());
            assertTrue(s.isClosed());
            release.countDown();
        }
    }
}
