package dev.fyntr.transport.nio.internal.shaping;

import dev.fyntr.transport.nio.internal.loop.ManualLoop;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --max-connect-rate} in virtual time: tokens, FIFO order, deadlines, withdrawal, rate changes. */
class ConnectPacerTest {

    private static final long MS = 1_000_000L;
    private static final long T0 = 1_000 * MS;

    private final ManualLoop loop = new ManualLoop(T0);
    private final ConnectPacer pacer = new ConnectPacer(loop, Duration.ofSeconds(30));
    private final List<String> events = new ArrayList<>();

    private ConnectPacer.Waiter waiter(String name) {
        return new ConnectPacer.Waiter() {
            @Override
            public void onGranted() {
                events.add(name + " granted");
            }

            @Override
            public void onExpired(String message, int retryAfterSeconds) {
                events.add(name + " expired after " + retryAfterSeconds + " s: " + message);
            }
        };
    }

    @Test
    void shouldGrantAtOnceWithoutARate() {
        assertNull(pacer.submit(waiter("a"), T0 + 30_000 * MS));
        assertEquals(List.of("a granted"), events);
        assertEquals(0, pacer.waiting());
    }

    @Test
    void shouldGrantInArrivalOrderAsTokensComeDue() {
        pacer.rate(2, T0); // burst 2, one token every 500 ms
        assertNull(pacer.submit(waiter("a"), T0 + 30_000 * MS));
        assertNull(pacer.submit(waiter("b"), T0 + 30_000 * MS));
        assertNotNull(pacer.submit(waiter("c"), T0 + 30_000 * MS));
        assertNotNull(pacer.submit(waiter("d"), T0 + 30_000 * MS));
        assertEquals(List.of("a granted", "b granted"), events);
        assertEquals(2, pacer.waiting());
        loop.advance(499 * MS);
        assertEquals(2, events.size(), "no token before it is due");
        loop.advance(MS);
        assertEquals(List.of("a granted", "b granted", "c granted"), events);
        loop.advance(500 * MS);
        assertEquals("d granted", events.get(3));
        assertEquals(0, pacer.waiting());
        assertEquals(2, pacer.delayed());
    }

    @Test
    void shouldTellAWaiterWhyWhenItsDeadlinePasses() {
        pacer.rate(0.5, T0); // burst 1, one token every 2 s
        pacer.submit(waiter("a"), T0 + 30_000 * MS);
        pacer.submit(waiter("b"), T0 + 1_000 * MS);
        loop.advance(1_000 * MS);
        assertEquals(2, events.size());
        assertTrue(events.get(1).startsWith("b expired after 2 s: too many new connections: the proxy opens at most "
                + "0.5/s (--max-connect-rate) and this request waited until its handshake timeout of 30 s"),
                events.get(1));
        assertEquals(1, pacer.expired());
        assertEquals(0, pacer.waiting());
    }

    @Test
    void shouldSkipWithdrawnWaiters() {
        pacer.rate(1, T0);
        pacer.submit(waiter("a"), T0 + 30_000 * MS);
        ConnectPacer.Ticket b = pacer.submit(waiter("b"), T0 + 30_000 * MS);
        pacer.submit(waiter("c"), T0 + 30_000 * MS);
        b.withdraw();
        b.withdraw(); // idempotent
        assertEquals(1, pacer.waiting());
        loop.advance(1_000 * MS);
        assertEquals(List.of("a granted", "c granted"), events);
        loop.advance(60_000 * MS);
        assertEquals(2, events.size(), "a withdrawn waiter neither gets a token nor expires");
    }

    @Test
    void shouldStartEveryWaiterWhenTheRateIsTurnedOff() {
        pacer.rate(1, T0);
        pacer.submit(waiter("a"), T0 + 30_000 * MS);
        pacer.submit(waiter("b"), T0 + 30_000 * MS);
        pacer.submit(waiter("c"), T0 + 30_000 * MS);
        pacer.rate(0, T0);
        assertEquals(List.of("a granted", "b granted", "c granted"), events);
        assertEquals(0, pacer.waiting());
    }
}
