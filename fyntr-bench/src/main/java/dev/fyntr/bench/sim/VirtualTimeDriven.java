package dev.fyntr.bench.sim;

/**
 * A scheduler that acts on a clock instead of on events alone, such as the tick model of the original Fyntr.
 * Such a scheduler may return {@code null} from {@code next()} while flows are eligible (it is not
 * work-conserving); the harness then moves virtual time to {@link #nextWakeupNanos()}.
 */
public interface VirtualTimeDriven {

    /** Called by the harness before every decision with the current virtual time, which never goes back. */
    void advanceTo(long nowNanos);

    /** The virtual time at which the scheduler may next release a flow it withholds now. */
    long nextWakeupNanos();
}
