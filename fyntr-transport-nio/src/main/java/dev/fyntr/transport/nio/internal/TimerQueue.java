package dev.fyntr.transport.nio.internal;

import java.util.PriorityQueue;

/**
 * The event loop's timers: handshake deadlines, connect attempts, idle timeouts, shutdown grace. Single
 * threaded. The loop sleeps until {@link #nextDeadline()}; with no timer armed it sleeps until woken.
 */
final class TimerQueue {

    private final PriorityQueue<Timer> heap = new PriorityQueue<>();

    /** Arms (or re-arms) the timer to fire at {@code deadline} (nanoTime). */
    void arm(Timer timer, long deadline) {
        timer.deadline = deadline;
        if (!timer.queued) {
            push(timer, deadline);
        } else if (deadline < timer.heapKey) {
            // Rare: a deadline moved earlier. Later moves are handled lazily when the old key surfaces.
            heap.remove(timer);
            push(timer, deadline);
        }
    }

    void cancel(Timer timer) {
        timer.deadline = Timer.DISARMED;
    }

    /** The earliest heap key, or {@link Timer#DISARMED} when nothing is queued. */
    long nextDeadline() {
        Timer head = heap.peek();
        return head == null ? Timer.DISARMED : head.heapKey;
    }

    /** Runs the timers due at {@code now}; returns how many fired. Timers armed by an action run next time. */
    int runDue(long now) {
        int fired = 0;
        // Bounded by the heap size at entry: every pop either fires, drops or re-queues later than now.
        for (int budget = heap.size(); budget > 0; budget--) {
            Timer head = heap.peek();
            if (head == null || head.heapKey - now > 0) {
                break;
            }
            heap.poll();
            head.queued = false;
            if (head.deadline == Timer.DISARMED) {
                continue;
            }
            if (head.deadline - now > 0) {
                push(head, head.deadline); // pushed later since it was queued: wait for the real deadline
                continue;
            }
            head.deadline = Timer.DISARMED;
            head.run();
            fired++;
        }
        return fired;
    }

    int size() {
        return heap.size();
    }

    private void push(Timer timer, long key) {
        timer.heapKey = key;
        timer.queued = true;
        heap.add(timer);
    }
}
