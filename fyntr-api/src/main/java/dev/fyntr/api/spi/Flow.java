package dev.fyntr.api.spi;

/**
 * The transport's view of one tunnel's client→upstream direction, as a scheduler sees it.
 *
 * <p><b>Threading:</b> every method is called on the event-loop thread that owns the flow, the same thread
 * that calls the {@link Scheduler}. Implementations are not thread-safe and need not be.
 *
 * <p><b>Cost:</b> every method is O(1) and allocates nothing; schedulers may call them on every decision.
 *
 * <p>The flow is read-only to the scheduler except for {@link #schedulerState(Object)}, a slot in which the
 * scheduler keeps its per-flow bookkeeping (deficit, list links …) so that it needs no map lookup.
 */
public interface Flow {

    /** A number unique among the flows of one transport instance, for logs and tie-breaking. */
    long id();

    /**
     * Size in bytes of the chunk that would be written next, or 0 when the queue is empty.
     * A chunk is at most {@link ChunkStats#MAX_CHUNK_BYTES} bytes. After a partial write it is the
     * remaining part of the chunk.
     */
    int headChunkBytes();

    /** Total bytes queued for upstream, head chunk included. */
    long queuedBytes();

    /** Running statistics of the chunks this flow has queued: the input of a {@link QuantumTuner}. */
    ChunkStats chunkStats();

    /**
     * Where this flow goes and where it comes from (host, port, resolved address, client, front end, admission
     * time), fixed when the tunnel was admitted: the same instance on every call, so a scheduler may read it once.
     * Transports older than this method, and test doubles that set nothing, answer {@link FlowInfo#unknown()}.
     * Must not throw.
     */
    default FlowInfo info() {
        return FlowInfo.unknown();
    }

    /** The scheduler's per-flow state, {@code null} until the scheduler sets it. */
    Object schedulerState();

    /** Stores the scheduler's per-flow state. Only the scheduler that owns the flow calls this. */
    void schedulerState(Object state);
}
