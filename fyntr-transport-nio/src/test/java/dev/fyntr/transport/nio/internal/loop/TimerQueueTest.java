package dev.fyntr.transport.nio.internal.loop;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TimerQueueTest {

    private final TimerQueue timers = new TimerQueue();
    private final List<String> fired = new ArrayList<>();

    private LoopTimer timer(String name) {
        return new LoopTimer(() -> fired.add(name));
    }

    @Test
    void shouldFireDueTimersInDeadlineOrder() {
        timers.arm(timer("b"), 200);
        timers.arm(timer("a"), 100);
        timers.arm(timer("c"), 300);
        assertEquals(2, timers.runDue(250));
        assertEquals(List.of("a", "b"), fired);
        assertEquals(300, timers.nextDeadline());
    }

    @Test
    void shouldNotFireACancelledTimer() {
        LoopTimer t = timer("x");
        timers.arm(t, 100);
        timers.cancel(t);
        assertEquals(0, timers.runDue(1000));
        assertEquals(LoopTimer.DISARMED, timers.nextDeadline());
    }

    @Test
    void shouldWaitForAPostponedDeadline() {
        LoopTimer idle = timer("idle");
        timers.arm(idle, 100);
        timers.arm(idle, 500); // activity pushed it later: the old heap entry must not fire it
        assertEquals(0, timers.runDue(200));
        assertEquals(500, timers.nextDeadline());
        assertEquals(1, timers.runDue(500));
        assertEquals(List.of("idle"), fired);
    }

    @Test
    void shouldHonourADeadlineMovedEarlier() {
        LoopTimer t = timer("t");
        timers.arm(t, 500);
        timers.arm(t, 100);
        assertEquals(100, timers.nextDeadline());
        assertEquals(1, timers.runDue(100));
        assertEquals(0, timers.runDue(1000));
    }

    @Test
    void shouldHandleNanoTimeWrapAround() {
        long near = Long.MAX_VALUE - 10;
        LoopTimer t = timer("wrap");
        timers.arm(t, near + 20); // overflows to a negative number, still "after" near
        assertEquals(0, timers.runDue(near));
        assertEquals(1, timers.runDue(near + 25));
    }
}
