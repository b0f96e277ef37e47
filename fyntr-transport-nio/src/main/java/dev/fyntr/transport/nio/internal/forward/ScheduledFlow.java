package dev.fyntr.transport.nio.internal.forward;

import dev.fyntr.api.spi.Flow;
import dev.fyntr.api.spi.Scheduler;

/**
 * A {@link Flow} whose chunks the service round writes upstream when the scheduler picks it: a tunnel's upload
 * direction, or the body of a plain-HTTP request ({@link RequestBody}). It lives here rather than beside the
 * service round because the tunnel package uses this one and not the other way round. Event-loop thread only.
 *
 * <p>The round has two phases (docs/architecture.md): the scheduler grants chunks one at a time, each
 * {@linkplain #stage staged} in its flow, then each flow listed for a write {@linkplain #flushStaged writes} all of
 * them at once. None of these methods throws for an I/O error: the flow's connection is reset instead.
 */
public interface ScheduledFlow extends Flow {

    /**
     * Grants the flow its next chunk, or only its first {@code maxBytes} (a rate cap), for this round's write, and
     * tells the scheduler at once ({@code onSent}; {@code onIdle} when every queued chunk is granted; only
     * {@code onIdle} when the flow is not eligible, a scheduler bug).
     *
     * @return the bytes granted, 0 if none could be
     */
    int stage(int maxBytes);

    /** Whether the service round has listed this flow for a write this round. */
    boolean listedForWrite();

    /**
     * Marks this flow as listed for a write in the current round.
     *
     * @return whether it was not listed yet (the caller lists it)
     */
    boolean listForWrite();

    /**
     * Writes every staged chunk upstream, and unlists the flow. If the socket takes less, the flow waits for
     * {@code OP_WRITE}: the scheduler hears {@code onBlocked} (first {@code onBacklogged}, if the whole queue had been
     * granted). Returns the bytes written.
     */
    long flushStaged();

    /** A failure while serving this flow: resets its connection. */
    void reset(String reason);

    /** The scheduler was replaced: forget its state, and rejoin the replacement if eligible. */
    void rejoin(Scheduler replacement);
}
