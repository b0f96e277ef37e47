package dev.fyntr.transport.nio.internal.forward;

import dev.fyntr.api.spi.Flow;
import dev.fyntr.api.spi.Scheduler;

/**
 * A {@link Flow} whose chunks the service round writes upstream when the scheduler picks it: a tunnel's upload
 * direction, or the body of a plain-HTTP request ({@link RequestBody}). It lives here rather than beside the
 * service round because the tunnel package uses this one and not the other way round. Event-loop thread only.
 */
public interface ScheduledFlow extends Flow {

    /**
     * Writes (part of) the head chunk upstream, at most {@code maxBytes}, and tells the scheduler what happened
     * ({@code onSent}, then {@code onIdle} or {@code onBlocked} as the write left the flow). Never throws for an
     * I/O error: the flow's connection is reset instead. Returns the bytes written.
     */
    int writeHeadChunk(int maxBytes);

    /** A failure while serving this flow: resets its connection. */
    void reset(String reason);

    /** The scheduler was replaced: forget its state, and rejoin the replacement if eligible. */
    void rejoin(Scheduler replacement);
}
