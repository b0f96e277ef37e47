package dev.fyntr.transport.nio.internal.loop;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BufferPoolTest {

    @Test
    void shouldHandOutClearedDirectChunksAndCountThem() {
        BufferPool pool = new BufferPool(4);
        ByteBuffer b = pool.acquire();
        assertTrue(b.isDirect());
        assertEquals(BufferPool.CHUNK_BYTES, b.capacity());
        assertEquals(BufferPool.CHUNK_BYTES, b.remaining());
        assertEquals(1, pool.outstanding());
        b.put((byte) 1).flip();
        pool.release(b);
        assertEquals(0, pool.outstanding());
        ByteBuffer again = pool.acquire();
        assertSame(b, again, "a released buffer is reused");
        assertEquals(0, again.position(), "and cleared");
        assertEquals(BufferPool.CHUNK_BYTES, again.limit());
    }

    @Test
    void shouldReuseTheWarmestBufferFirst() {
        BufferPool pool = new BufferPool(4);
        ByteBuffer first = pool.acquire();
        ByteBuffer second = pool.acquire();
        pool.release(first);
        pool.release(second);
        assertSame(second, pool.acquire());
        assertSame(first, pool.acquire());
    }

    @Test
    void shouldKeepNoMoreThanItsRetainedCount() {
        BufferPool pool = new BufferPool(1);
        ByteBuffer a = pool.acquire();
        ByteBuffer b = pool.acquire();
        pool.release(a);
        pool.release(b); // dropped: the pool keeps one
        assertSame(a, pool.acquire());
        assertNotSame(b, pool.acquire());
        assertEquals(2, pool.outstanding());
    }

    @Test
    void shouldNeverHandOutMoreThanTheBudgetAndKeepAReserve() {
        BufferPool pool = new BufferPool(64L * BufferPool.CHUNK_BYTES, 64); // 64 chunks: 8 in reserve
        List<ByteBuffer> held = new ArrayList<>();
        for (ByteBuffer b = pool.acquire(); b != null; b = pool.acquire()) {
            held.add(b);
        }
        assertEquals(56, held.size(), "bulk reads stop short of the reserve");
        for (ByteBuffer b = pool.acquireReserved(); b != null; b = pool.acquireReserved()) {
            held.add(b);
        }
        assertEquals(64, held.size(), "the reserve serves handshakes and idle flows");
        assertNull(pool.acquireReserved());
        assertEquals(64L * BufferPool.CHUNK_BYTES, pool.peakBytes());
        assertEquals(pool.budgetBytes(), pool.usedBytes());
        assertTrue(pool.refusals() >= 2);
        held.forEach(pool::release);
        assertEquals(0, pool.usedBytes());
    }

    @Test
    void shouldWakeWaitersOldestFirstOnceMemoryIsFreeAgain() {
        BufferPool pool = new BufferPool(64L * BufferPool.CHUNK_BYTES, 64);
        List<ByteBuffer> held = new ArrayList<>();
        for (ByteBuffer b = pool.acquire(); b != null; b = pool.acquire()) {
            held.add(b);
        }
        List<String> woken = new ArrayList<>();
        pool.awaitMemory(() -> woken.add("a"));
        pool.awaitMemory(() -> woken.add("b"));
        assertFalse(pool.waitersDue(), "nothing is free yet");
        pool.release(held.remove(0));
        assertFalse(pool.waitersDue(), "one chunk free is not enough: waiters resume below the resume mark");
        for (int i = 0; i < 4; i++) {
            pool.release(held.remove(0));
        }
        assertTrue(pool.waitersDue());
        pool.wakeWaiters();
        assertEquals(List.of("a", "b"), woken);
        assertEquals(0, pool.waiting());
    }

    @Test
    void shouldShareTheBudgetAmongFlowsButGiveEachAtLeastOneChunk() {
        BufferPool pool = new BufferPool(64L * BufferPool.CHUNK_BYTES, 64);
        assertEquals(56, pool.shareChunks(0));
        assertEquals(56, pool.shareChunks(1));
        assertEquals(7, pool.shareChunks(8));
        assertEquals(1, pool.shareChunks(1000));
    }
}
