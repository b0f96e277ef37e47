package dev.fyntr.api.spi;

/**
 * Decides which backlogged flow writes its next chunk upstream. The transport owns sockets and buffers; the
 * scheduler owns only order and credit.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Threading:</b> one instance per event loop. Every method is called on that loop's thread only, so
 *       implementations need no synchronisation and must use none.</li>
 *   <li><b>Never blocks, never throws.</b> A throw is a bug in the scheduler; the transport logs it and goes
 *       on, without closing any flow: a throw from {@link #next()} ends that loop turn, and from then on every
 *       flow is served by a fresh instance of the built-in scheduler (DRR), to which the eligible flows are
 *       reported again. Calls that do not fit the state machine below (a repeated {@code onBacklogged},
 *       {@code onIdle} of an unknown flow) are ignored.</li>
 *   <li><b>Cost:</b> O(1) amortised per call, independent of the number of flows, with no allocation
 *       after a flow's first {@link #onBacklogged}.</li>
 * </ul>
 *
 * <h2>Life of a flow</h2>
 * A flow is <em>eligible</em> when it has a queued chunk and its upstream socket can take bytes. The transport
 * reports each transition exactly once:
 * <pre>
 *   (not eligible) --onBacklogged--> eligible --onIdle-----> (not eligible: queue empty)
 *                                             --onBlocked--> (not eligible: upstream full, chunks still queued)
 *   any state      --onClosed------> gone (never returned by next() again)
 * </pre>
 * Between decisions the transport writes: {@link #next()} names a flow, the transport writes (part of) its
 * head chunk, then calls {@link #onSent} with the bytes actually written; if that emptied the queue or
 * filled the socket it then calls {@link #onIdle} or {@link #onBlocked}.
 * A flow leaving the eligible set loses any credit it held (no banked credit: docs/schedulers.md#drr-drr).
 */
public interface Scheduler {

    /** The flow became eligible: it has a chunk queued and a writable upstream. */
    void onBacklogged(Flow flow);

    /** The flow's queue became empty. It leaves the round; its credit is reset to 0. */
    void onIdle(Flow flow);

    /**
     * The flow still has chunks but its upstream cannot take more now. It leaves the round and its credit is
     * reset to 0; it comes back with {@link #onBacklogged} when the socket is writable again. Unlike a flow
     * that was idle, it did not go quiet, so schedulers with sparse-flow priority must not treat it as new.
     */
    void onBlocked(Flow flow);

    /** The tunnel is gone. Forget the flow; it is never passed to this scheduler again. */
    void onClosed(Flow flow);

    /**
     * The eligible flow that should write its head chunk now, or {@code null} when no flow is eligible.
     * Must not return {@code null} while some flow is eligible (work conservation), and never returns a flow
     * that is not eligible.
     */
    Flow next();

    /**
     * Reports what was written for the flow {@link #next()} just returned: {@code bytes} is between 0 and that
     * flow's head chunk size as it was when {@code next()} returned it.
     */
    void onSent(Flow flow, int bytes);
}
