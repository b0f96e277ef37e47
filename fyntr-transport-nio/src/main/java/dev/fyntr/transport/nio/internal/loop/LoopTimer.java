package dev.fyntr.transport.nio.internal.loop;

/**
 * A one-shot timer owned by the event loop (named so as not to shadow {@link java.util.Timer}). Re-armable; cancelling is O(1) (the heap entry is dropped lazily
 * when it surfaces), and pushing a deadline later, as the idle timer does on every byte, costs one field write.
 */
public final class LoopTimer implements Comparable<LoopTimer> {

    public static final long DISARMED = Long.MAX_VALUE;

    private final Runnable action;
    /** When the action should run (System.nanoTime()), or {@link #DISARMED}. */
    long deadline = DISARMED;
    /** The key this timer sits in the heap with; valid while {@link #queued}. */
    long heapKey;
    boolean queued;

    public LoopTimer(Runnable action) {
        this.action = action;
    }

    void run() {
        action.run();
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
