package dev.fyntr.transport.nio;

import dev.fyntr.api.Schedulers;
import dev.fyntr.api.spi.Flow;
import dev.fyntr.api.spi.Scheduler;
import dev.fyntr.api.spi.SchedulerConfig;
import dev.fyntr.api.spi.SchedulerProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What happens while the event loop is held inside a scheduler callback (a slow or stuck plug-in):
 * <ul>
 * <li>The proxy reads a request head in the same loop turn that accepts its connection, because clients send it
 * right after connecting. Clients that connect while the loop is held have their heads, or their resets, in the
 * socket by the time it accepts them: the head is answered, and the reset connection, whose first read fails inside
 * the accepting turn, is closed and counted out like any failed read.</li>
 * <li>A settings change waits for the loop to apply it, at most 5 s; a stuck loop makes it fail, and the change
 * takes effect once the loop goes on.</li>
 * </ul>
 */
class HeldLoopTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    final Closer closer = new Closer();

    /** The built-in DRR, whose callbacks hold the loop thread once {@link #arm()} was called, until released. */
    static final class Holding extends ForwardingScheduler {
        final AtomicBoolean armed = new AtomicBoolean();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch released = new CountDownLatch(1);

        Holding(Scheduler drr) {
            super(drr);
        }

        void arm() {
            armed.set(true);
        }

        void release() {
            released.countDown();
        }

        private void holdIfArmed() {
            if (armed.compareAndSet(true, false)) {
                entered.countDown();
                try {
                    released.await(WAIT.toSeconds(), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public void onBacklogged(Flow flow) {
            holdIfArmed();
            super.onBacklogged(flow);
        }

        @Override
        public Flow next() {
            holdIfArmed();
            return super.next();
        }
    }

    private TestServers.Server echo;
    private FyntrProxy proxy;
    private Holding holding;
    private ProxyClient first;

    /** A proxy whose loop is held in its scheduler, with one tunnel (whose byte made the loop enter it) open. */
    private void holdTheLoop() throws Exception {
        echo = closer.add(TestServers.echo());
        Holding[] made = new Holding[1];
        SchedulerProvider drr = Schedulers.provider("drr");
        proxy = closer.add(Fixtures.proxyTo(echo.port()).scheduler(new SchedulerProvider() {
            @Override
            public String name() {
                return "holding";
            }

            @Override
            public Scheduler create(SchedulerConfig config) {
                made[0] = new Holding(drr.create(config));
                return made[0];
            }
        }).start());
        holding = made[0];
        closer.add(holding::release);
        first = closer.add(new ProxyClient(proxy));
        assertEquals(200, first.connect("127.0.0.1:" + echo.port()).status());
        holding.arm();
        first.send("x"); // the loop schedules it, and stays in the scheduler until released
        assertTrue(holding.entered.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the loop did not enter the scheduler");
    }

    @Test
    void shouldAnswerAHeadAndCloseAResetThatArrivedBeforeTheAccept() throws Exception {
        holdTheLoop();
        String target = "127.0.0.1:" + echo.port();

        // The kernel completes both handshakes while the loop is held; the proxy accepts them afterwards.
        try (Socket reset = new Socket()) {
            reset.connect(new InetSocketAddress(TestServers.LOOPBACK, proxy.port()), 10_000);
            reset.setSoLinger(true, 0); // close() sends a reset: the proxy's first read of it fails
        }
        ProxyClient second = closer.add(new ProxyClient(proxy));
        second.send("CONNECT " + target + " HTTP/1.1\r\n\r\n");
        holding.release();

        assertEquals(200, second.readResponse().status());
        second.send("ok");
        assertEquals("ok", new String(second.socket.getInputStream().readNBytes(2), StandardCharsets.ISO_8859_1));
        assertEquals("x", new String(first.socket.getInputStream().readNBytes(1), StandardCharsets.ISO_8859_1));
        Fixtures.await("the reset connection to be closed and counted out", WAIT, () -> {
            ProxyStats s = proxy.stats();
            return s.openHandshakes() == 0 && s.openTunnels() == 2 && s.connectionsAccepted() == 3;
        });
        assertEquals(0, proxy.stats().internalErrors());
    }

    @Test
    void shouldFailASettingsChangeThatAStuckLoopDoesNotApplyAndApplyItOnceTheLoopGoesOn() throws Exception {
        holdTheLoop();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> proxy.maxRate(1_000_000));
        assertEquals("the event loop did not apply the change within 5 s", e.getMessage());
        holding.release();
        Fixtures.await("the queued change to take effect", WAIT,
                () -> proxy.stats().shaping().maxRateBytesPerSecond() == 1_000_000);
        proxy.maxRate(0); // the loop goes on again: the next change returns without an exception
    }
}
