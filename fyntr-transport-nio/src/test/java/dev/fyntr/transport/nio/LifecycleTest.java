package dev.fyntr.transport.nio;

import dev.fyntr.api.UnknownSchedulerException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class LifecycleTest {

    @Test
    void shouldBindAnEphemeralPortAndReportIt() throws Exception {
        try (FyntrProxy proxy = Fixtures.proxyTo().start()) {
            assertTrue(proxy.port() > 0);
            assertEquals(InetAddress.getLoopbackAddress(), proxy.address().getAddress());
            assertEquals("drr", proxy.schedulerName());
        }
    }

    @Test
    void shouldFailClearlyWhenThePortIsInUse() throws Exception {
        try (FyntrProxy first = Fixtures.proxyTo().start()) {
            BindException e = assertThrows(BindException.class, () -> Fixtures.proxyTo().port(first.port()).start());
            assertTrue(e.getMessage().contains(String.valueOf(first.port())), e.getMessage());
        }
    }

    @Test
    void shouldRejectAnUnknownSchedulerListingTheKnownOnes() {
        UnknownSchedulerException e = assertThrows(UnknownSchedulerException.class,
                () -> Fixtures.proxyTo().scheduler("nope").start());
        assertTrue(e.getMessage().contains("drr"), e.getMessage());
    }

    @Test
    void shouldNameTheFailedCheckInBuilderErrors() {
        FyntrProxyBuilder b = FyntrProxy.builder();
        assertEquals("maxConnections < 0: -1",
                assertThrows(IllegalArgumentException.class, () -> b.maxConnections(-1)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.port(70000)).getMessage().contains("port"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.allowCidrs("10.0.0.0/33")).getMessage()
                .startsWith("allowCidrs: "));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.handshakeTimeout(Duration.ZERO))
                .getMessage().startsWith("handshakeTimeout <= 0"));
    }

    @Test
    void shouldLetOpenTunnelsFinishWithinTheGracePeriod() throws Exception {
        CountDownLatch requestSeen = new CountDownLatch(1);
        CountDownLatch replyNow = new CountDownLatch(1);
        try (TestServers.Server server = new TestServers.Server(s -> {
            s.getInputStream().read();
            requestSeen.countDown();
            try {
                replyNow.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            BoundedWrites.outputOf(s).write("done".getBytes());
            s.shutdownOutput();
        })) {
            FyntrProxy proxy = Fixtures.proxyTo(server.port()).shutdownGrace(Duration.ofSeconds(20)).start();
            try (ProxyClient c = new ProxyClient(proxy)) {
                assertEquals(200, c.connect("127.0.0.1:" + server.port()).status());
                c.send("?");
                assertTrue(requestSeen.await(10, TimeUnit.SECONDS));
                CompletableFuture<Void> closing = CompletableFuture.runAsync(proxy::close);
                // New connections are refused once close() began.
                Fixtures.await("listener closed", Duration.ofSeconds(10), () -> {
                    try {
                        new Socket(TestServers.LOOPBACK, proxy.port()).close();
                        return false;
                    } catch (IOException refused) {
                        return true;
                    }
                });
                replyNow.countDown();
                InputStream in = c.socket.getInputStream();
                assertEquals("done", new String(in.readNBytes(4), StandardCharsets.US_ASCII));
                c.socket.shutdownOutput();
                assertEquals(-1, in.read());
                closing.get(20, TimeUnit.SECONDS);
            }
            assertTrue(proxy.isClosing());
        }
    }

    @Test
    void shouldCloseEverythingWhenTheGracePeriodEnds() throws Exception {
        try (TestServers.Server echo = TestServers.echo()) {
            FyntrProxy proxy = Fixtures.proxyTo(echo.port()).shutdownGrace(Duration.ofMillis(200)).start();
            try (ProxyClient c = new ProxyClient(proxy)) {
                assertEquals(200, c.connect("127.0.0.1:" + echo.port()).status());
                proxy.close(); // the tunnel stays idle: it is cut after 200 ms
                assertEquals(-1, c.socket.getInputStream().read());
            }
            assertEquals(0, proxy.stats().openTunnels());
        }
    }

    @Test
    void shouldLeaveNoThreadOrDescriptorBehind() throws Exception {
        long fdsBefore = Fixtures.openFileDescriptors();
        try (TestServers.Server echo = TestServers.echo()) {
            long fdsWithServer = Fixtures.openFileDescriptors();
            FyntrProxy proxy = Fixtures.proxyTo(echo.port()).maxConnections(50).start();
            for (int i = 0; i < 300; i++) {
                try (ProxyClient c = new ProxyClient(proxy)) {
                    switch (i % 3) {
                        case 0 -> {
                            assertEquals(200, c.connect("127.0.0.1:" + echo.port()).status());
                            c.send("ping");
                            assertEquals("ping", new String(c.socket.getInputStream().readNBytes(4)));
                        }
                        case 1 -> assertEquals(403, c.connect("127.0.0.1:22").status());
                        default -> assertEquals(400, c.send("CONNECT nonsense\r\n\r\n").readResponse().status());
                    }
                }
            }
            Fixtures.await("all connections closed", Duration.ofSeconds(20), () -> {
                ProxyStats s = proxy.stats();
                return s.openTunnels() == 0 && s.openHandshakes() == 0;
            });
            proxy.close();
            // Every test closes its proxies, so no proxy thread may remain once this one is closed.
            assertEquals(0, Fixtures.threadsNamed("fyntr-loop-"), "event-loop threads left");
            Fixtures.await("resolver threads gone", Duration.ofSeconds(10),
                    () -> Fixtures.threadsNamed("fyntr-resolver-") == 0);
            assumeTrue(fdsBefore >= 0, "needs /proc/self/fd");
            // Accepted sockets of the echo server close asynchronously: wait for the count to settle.
            Fixtures.await("descriptors back to baseline", Duration.ofSeconds(20),
                    () -> Fixtures.openFileDescriptors() <= fdsWithServer);
        }
    }
}
