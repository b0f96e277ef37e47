package dev.fyntr.transport.nio.internal.loop;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The upload queue's staging and gathering write: whatever the socket takes, the bytes leave in order, none twice,
 * none lost, every buffer goes back to the pool, and the byte counts the scheduler and the water marks read stay
 * true.
 */
class ChunkQueueTest {

    private final BufferPool pool = new BufferPool(64);

    @Test
    void shouldWriteEveryStagedChunkWithOneGatheringWrite() throws IOException {
        ChunkQueue queue = new ChunkQueue();
        for (int i = 0; i < 3; i++) {
            queue.addLast(chunk(1000, (byte) i));
        }
        FakeSocket socket = new FakeSocket(Integer.MAX_VALUE);

        assertEquals(1000, queue.stageNext(Integer.MAX_VALUE));
        assertEquals(1000, queue.stageNext(Integer.MAX_VALUE));
        assertEquals(1000, queue.firstUnstagedBytes());
        assertEquals(1000, queue.unstagedBytes());
        assertEquals(3000, queue.bytes());

        assertEquals(2000, queue.writeStaged(socket, pool));
        assertEquals(1, socket.calls, "one system call for the whole share");
        assertEquals(1, queue.size());
        assertEquals(1000, queue.bytes());
        assertFalse(queue.lastWriteFellShort());
        assertEquals(1, pool.outstanding(), "the written chunks went back to the pool");
    }

    @Test
    void shouldPutBackWhatTheSocketDidNotTakeInFrontOfTheRest() throws IOException {
        ChunkQueue queue = new ChunkQueue();
        queue.addLast(chunk(1000, (byte) 1));
        queue.addLast(chunk(1000, (byte) 2));
        queue.addLast(chunk(1000, (byte) 3));
        queue.stageNext(Integer.MAX_VALUE);
        queue.stageNext(Integer.MAX_VALUE);

        assertEquals(1500, queue.writeStaged(new FakeSocket(1500), pool));

        assertTrue(queue.lastWriteFellShort());
        assertFalse(queue.hasStaged());
        assertEquals(500, queue.firstUnstagedBytes(), "the half-written chunk is first again");
        assertEquals(1500, queue.unstagedBytes());
        assertEquals(2, queue.size());
    }

    @Test
    void shouldStageOnlyTheCappedPartOfAChunkAndRestoreTheRestAfterTheWrite() throws IOException {
        ChunkQueue queue = new ChunkQueue();
        queue.addLast(chunk(1000, (byte) 1));
        queue.addLast(chunk(1000, (byte) 2));

        assertEquals(300, queue.stageNext(300));
        assertEquals(0, queue.stageNext(Integer.MAX_VALUE), "nothing more until the capped chunk is written");
        assertEquals(1700, queue.unstagedBytes());

        FakeSocket socket = new FakeSocket(Integer.MAX_VALUE);
        assertEquals(300, queue.writeStaged(socket, pool));
        assertFalse(queue.lastWriteFellShort(), "the socket took all it was offered");
        assertEquals(700, queue.firstUnstagedBytes());
        assertEquals(1700, queue.bytes());
        assertEquals(300, socket.received.size());
    }

    @Test
    void shouldReleaseStagedAndUnstagedChunksOnClear() {
        ChunkQueue queue = new ChunkQueue();
        for (int i = 0; i < 20; i++) { // more than the ring's first size: it grows
            queue.addLast(chunk(100, (byte) i));
        }
        queue.stageNext(50);
        queue.clear(pool);
        assertEquals(0, pool.outstanding());
        assertEquals(0, queue.bytes());
        assertTrue(queue.isEmpty());
    }

    /**
     * Any mix of reads, grants (some capped) and writes that the socket takes only in part: the bytes arrive in
     * the order they were queued, the counts match what is left, and every buffer is back in the pool at the end.
     */
    @Property(tries = 300)
    void shouldDeliverEveryByteInOrderWhateverTheSocketTakes(
            @ForAll @Size(min = 1, max = 60) List<@IntRange(min = 0, max = 6) Integer> steps,
            @ForAll @Size(min = 1, max = 60) List<@IntRange(min = 0, max = 40_000) Integer> sizes) throws IOException {
        ChunkQueue queue = new ChunkQueue();
        FakeSocket socket = new FakeSocket(0);
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        int next = 0;
        int sizeIndex = 0;
        for (int step : steps) {
            int size = sizes.get(sizeIndex++ % sizes.size());
            switch (step) {
                case 0, 1 -> {
                    int n = 1 + size % BufferPool.CHUNK_BYTES;
                    ByteBuffer b = pool.acquire();
                    for (int i = 0; i < n; i++) {
                        b.put((byte) next);
                        sent.write(next);
                        next++;
                    }
                    queue.addLast(b.flip());
                }
                case 2, 3 -> queue.stageNext(Integer.MAX_VALUE);
                case 4 -> queue.stageNext(1 + size);
                default -> {
                    socket.accept = size;
                    queue.writeStaged(socket, pool);
                }
            }
            assertEquals(sent.size() - socket.received.size(), queue.bytes(), "bytes held");
            assertTrue(queue.unstagedBytes() >= 0 && queue.unstagedBytes() <= queue.bytes());
        }
        socket.accept = Integer.MAX_VALUE;
        for (int i = 0; i < 1000 && !queue.isEmpty(); i++) {
            while (queue.stageNext(Integer.MAX_VALUE) > 0) {
                // stage everything
            }
            queue.writeStaged(socket, pool);
        }
        assertTrue(queue.isEmpty());
        assertEquals(0, pool.outstanding());
        assertEquals(sent.size(), socket.received.size());
        assertTrue(java.util.Arrays.equals(sent.toByteArray(), socket.received.toByteArray()), "bytes in order");
    }

    private ByteBuffer chunk(int n, byte fill) {
        ByteBuffer b = pool.acquire();
        for (int i = 0; i < n; i++) {
            b.put(fill);
        }
        return b.flip();
    }

    /** A socket that takes at most {@code accept} bytes per write, counting its calls. */
    private static final class FakeSocket implements GatheringByteChannel {
        int accept;
        int calls;
        final ByteArrayOutputStream received = new ByteArrayOutputStream();

        FakeSocket(int accept) {
            this.accept = accept;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            calls++;
            long left = accept;
            long n = 0;
            for (int i = offset; i < offset + length && left > 0; i++) {
                ByteBuffer b = srcs[i];
                while (b.hasRemaining() && left > 0) {
                    received.write(b.get());
                    left--;
                    n++;
                }
            }
            return n;
        }

        @Override
        public long write(ByteBuffer[] srcs) {
            return write(srcs, 0, srcs.length);
        }

        @Override
        public int write(ByteBuffer src) {
            return (int) write(new ByteBuffer[] {src}, 0, 1);
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
