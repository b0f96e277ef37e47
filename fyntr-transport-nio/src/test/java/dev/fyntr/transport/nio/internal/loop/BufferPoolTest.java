package dev.fyntr.transport.nio.internal.loop;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
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
}
