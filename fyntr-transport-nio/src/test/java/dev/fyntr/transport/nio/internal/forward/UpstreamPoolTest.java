package dev.fyntr.transport.nio.internal.forward;

import dev.fyntr.transport.nio.internal.loop.ManualLoop;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UpstreamPoolTest {

    static final class Conn implements UpstreamPool.Idle {
        boolean closed;

        @Override
        public void close() {
            closed = true;
        }
    }

    private final ManualLoop loop = new ManualLoop(1_000);
    private final UpstreamPool<Conn> pool = new UpstreamPool<>(loop);

    @Test
    void shouldHandBackTheNewestConnectionOfAnOrigin() {
        Conn a = new Conn();
        Conn b = new Conn();
        pool.offer("a.test:80", a);
        pool.offer("a.test:80", b);
        assertNull(pool.take("b.test:80"));
        assertSame(b, pool.take("a.test:80"));
        assertSame(a, pool.take("a.test:80"));
        assertNull(pool.take("a.test:80"));
        assertFalse(a.closed || b.closed);
    }

    @Test
    void shouldKeepAtMostEightPerOriginClosingTheOldest() {
        List<Conn> conns = new ArrayList<>();
        for (int i = 0; i < UpstreamPool.MAX_PER_ORIGIN + 2; i++) {
            Conn c = new Conn();
            conns.add(c);
            pool.offer("a.test:80", c);
        }
        assertEquals(UpstreamPool.MAX_PER_ORIGIN, pool.size("a.test:80"));
        assertTrue(conns.get(0).closed && conns.get(1).closed, "the two oldest are closed");
        assertFalse(conns.get(2).closed);
    }

    @Test
    void shouldKeepAtMostSixtyFourInAllClosingTheOldest() {
        List<Conn> conns = new ArrayList<>();
        for (int i = 0; i < UpstreamPool.MAX_TOTAL + 1; i++) {
            Conn c = new Conn();
            conns.add(c);
            pool.offer("o" + i + ".test:80", c);
        }
        assertEquals(UpstreamPool.MAX_TOTAL, pool.size());
        assertTrue(conns.get(0).closed);
        assertNull(pool.take("o0.test:80"));
        assertSame(conns.get(1), pool.take("o1.test:80"));
    }

    @Test
    void shouldCloseAConnectionIdleForThirtySeconds() {
        Conn old = new Conn();
        pool.offer("a.test:80", old);
        loop.advance(UpstreamPool.IDLE_NANOS / 2);
        Conn young = new Conn();
        pool.offer("a.test:80", young);
        loop.advance(UpstreamPool.IDLE_NANOS / 2 - 1);
        assertFalse(old.closed, "not before its 30 s");
        loop.advance(1);
        assertTrue(old.closed);
        assertFalse(young.closed);
        assertEquals(1, pool.size());
        loop.advance(UpstreamPool.IDLE_NANOS / 2);
        assertTrue(young.closed, "the timer was re-armed for the next one");
        assertEquals(0, pool.size());
    }

    @Test
    void shouldForgetAConnectionThatClosedWhileIdle() {
        Conn c = new Conn();
        pool.offer("a.test:80", c);
        pool.remove(c);
        assertEquals(0, pool.size());
        assertNull(pool.take("a.test:80"));
    }

    @Test
    void shouldCloseEverythingAtShutdownAndWhatIsOfferedAfter() {
        Conn a = new Conn();
        pool.offer("a.test:80", a);
        pool.closeAll();
        assertTrue(a.closed);
        Conn late = new Conn();
        pool.offer("a.test:80", late);
        assertTrue(late.closed);
        assertEquals(0, pool.size());
    }
}
