package dev.fyntr.transport.nio.internal;

/**
 * A one-shot timer owned by the event loop. Re-armable; cancelling is O(1) (the heap entry is dropped lazily
 * when it surfaces), and pushing a deadline later, as the idle timer does on every byte, costs one field write.
 */
final class Timer implements Comparable<Timer> {

    static final long DISARMED = Long.MAX_VALUE;

    private final Runnable action;
    /** When the action should run (System.nanoTime()), or {@link #DISARMED}. */
    long deadline = DISARMED;
    /** The key this timer sits in the heap with; valid while {@link #queued}. */
    long heapKey;
    boolean queued;

    Timer(Runnable action) {
        this.action = action;
    }

    void run() {
        action.run();
    }

    @Override
    public int compareTo(Timer o) {
        return Long.signum(heapKey - o.heapKey); // nanoTime order: compare differences, never raw values
    }
}
