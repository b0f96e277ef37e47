package dev.fyntr.transport.nio.internal.loop;

import java.util.function.Consumer;

/**
 * A one-shot timer owned by the event loop (named so as not to shadow {@link java.util.Timer}). Re-armable;
 * cancelling is O(1) (the heap entry is dropped lazily when it surfaces), and pushing a deadline later, as the
 * idle timer does on every byte, costs one field write. What its action throws goes to its failure handler
 * (through the loop's {@link FaultGuard}), or is logged.
 */
public final class LoopTimer implements Comparable<LoopTimer> {

    public static final long DISARMED = Long.MAX_VALUE;

    private final Runnable action;
    private final Consumer<Throwable> onFailure;
    /** When the action should run (System.nanoTime()), or {@link #DISARMED}. */
    long deadline = DISARMED;
    /** The key this timer sits in the heap with; valid while {@link #queued}. */
    long heapKey;
    boolean queued;

    public LoopTimer(Runnable action) {
        this(action, null);
    }

    /** @param onFailure closes what the timer's owner holds when the action throws; null: just log */
    public LoopTimer(Runnable action, Consumer<Throwable> onFailure) {
        this.action = action;
        this.onFailure = onFailure;
    }

    void run(FaultGuard guard) {
        guard.run(action, onFailure, "timer");
    }

    /** Whether the timer will fire (it is armed and not cancelled). */
    public boolean isArmed() {
        return deadline != DISARMED;
    }

    @Override
    public int compareTo(LoopTimer o) {
        return Long.signum(heapKey - o.heapKey); // nanoTime order: compare differences, never raw values
    }
}
