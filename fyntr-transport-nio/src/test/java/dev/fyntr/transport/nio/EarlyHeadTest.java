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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The proxy reads a request head in the same loop turn that accepts its connection, because clients send it right
 * after connecting. These clients connect while the event loop is held inside a scheduler callback, so that when
 * it accepts them their heads, or their resets, are already in the socket: the head is answered, and the reset
 * connection, whose first read fails inside the accepting turn, is closed and counted out like any failed read.
 */
class EarlyHeadTest {

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

    @Test
    void shouldAnswerAHeadAndCloseAResetThatArrivedBeforeTheAccept() throws Exception {
        TestServers.Server echo = closer.add(TestServers.echo());
        Holding[] made = new Holding[1];
        SchedulerProvider drr = Schedulers.provider("drr");
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(echo.port()).scheduler(new SchedulerProvider() {
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
        Holding holding = made[0];
        closer.add(holding::release);
        String target = "127.0.0.1:" + echo.port();

        ProxyClient first = closer.add(new ProxyClient(proxy));
        assertEquals(200, first.connect(target).status());
        holding.arm();
        first.send("x"); // the loop schedules it, and stays in the scheduler until released
        assertTrue(holding.entered.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the loop did not enter the scheduler");

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
}
