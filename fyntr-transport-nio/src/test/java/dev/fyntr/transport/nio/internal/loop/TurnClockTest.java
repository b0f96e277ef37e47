package dev.fyntr.transport.nio.internal.loop;

import org.junit.jupiter.api.Test;

import java.nio.channels.Selector;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TurnClockTest {

    @Test
    void shouldReadTheClockOncePerTurnAndAgainInTheNextTurn() throws Exception {
        EventLoop loop = new EventLoop(Selector.open(), 1 << 20, 4);
        Thread thread = new Thread(loop, "turn-clock-test");
        thread.start();
        CompletableFuture<long[]> readings = new CompletableFuture<>();
        try {
            loop.execute(() -> {
                long first = loop.turnNanoTime();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                // Bounded: let the real clock move on, so that a stale turn clock would show.
                while (System.nanoTime() == first && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                long sameTurn = loop.turnNanoTime();
                loop.execute(() -> readings.complete(new long[] {first, sameTurn, loop.turnNanoTime()}));
            });
            long[] r = readings.get(10, TimeUnit.SECONDS);
            assertEquals(r[0], r[1], "one reading per turn");
            assertTrue(r[2] > r[0], "the next turn reads the clock again");
        } finally {
            loop.execute(loop::stop);
            loop.terminated().get(10, TimeUnit.SECONDS);
            thread.join(10_000);
        }
    }
}
