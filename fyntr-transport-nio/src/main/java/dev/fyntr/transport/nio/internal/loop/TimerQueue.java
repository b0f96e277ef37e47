package dev.fyntr.transport.nio.internal.loop;

import java.util.PriorityQueue;

/**
 * The event loop's timers: handshake deadlines, connect attempts, idle timeouts, shutdown grace. Single
 * threaded. The loop sleeps until {@link #nextDeadline()}; with no timer armed it sleeps until woken.
 */
public final class TimerQueue {

    private final PriorityQueue<LoopTimer> heap = new PriorityQueue<>();
    private final FaultGuard guard;

    /** A queue whose timers' faults go to {@code guard}. */
    public TimerQueue(FaultGuard guard) {
        this.guard = guard;
    }

    /** A queue with a guard of its own (tests). */
    public TimerQueue() {
        this(new FaultGuard());
    }

    /** Arms (or re-arms) the timer to fire at {@code deadline} (nanoTime). */
    public void arm(LoopTimer timer, long deadline) {
        timer.deadline = deadline;
        if (!timer.queued) {
            push(timer, deadline);
        } else if (deadline < timer.heapKey) {
            // Rare: a deadline moved earlier. Later moves are handled lazily when the old key surfaces.
            heap.remove(timer);
            push(timer, deadline);
        }
    }

    public void cancel(LoopTimer timer) {
        timer.deadline = LoopTimer.DISARMED;
    }

    /** The earliest heap key, or {@link LoopTimer#DISARMED} when nothing is queued. */
    public long nextDeadline() {
        LoopTimer head = heap.peek();
        return head == null ? LoopTimer.DISARMED : head.heapKey;
    }

    /**
     * Runs the timers due at {@code now}, each behind the guard; returns how many fired. Timers armed by an action
     * run next time.
     */
    public int runDue(long now) {
        int fired = 0;
        // Bounded by the heap size at entry: every pop either fires, drops or re-queues later than now.
        for (int budget = heap.size(); budget > 0; budget--) {
            LoopTimer head = heap.peek();
            if (head == null || head.heapKey - now > 0) {
                break;
            }
            heap.poll();
            head.queued = false;
            if (head.deadline == LoopTimer.DISARMED) {
                continue;
            }
            if (head.deadline - now > 0) {
                push(head, head.deadline); // pushed later since it was queued: wait for the real deadline
                continue;
            }
            head.deadline = LoopTimer.DISARMED;
            head.run(guard);
            fired++;
        }
        return fired;
    }

    public int size() {
        return heap.size();
    }

    private void push(LoopTimer timer, long key) {
        timer.heapKey = key;
        timer.queued = true;
        heap.add(timer);
    }
}
