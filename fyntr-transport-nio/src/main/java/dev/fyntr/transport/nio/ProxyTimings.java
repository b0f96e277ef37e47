package dev.fyntr.transport.nio;

import java.util.Objects;

/**
 * A proxy's latency distributions since start, from {@link FyntrProxy#timings()}. Immutable.
 *
 * @param tunnelDuration  how long each closed tunnel was open, from its {@code 200} (SOCKS5: its success reply) to
 *                        its close
 * @param timeToEstablish from accepting a connection to its {@code 200} (SOCKS5: its success reply): reading the
 *                        request, the policy checks, the name lookup, pacing and the dial
 * @param chunkQueueDelay how long each client→upstream chunk waited in the proxy, from being read off the client to
 *                        its last byte being written upstream: the scheduler's queueing delay (and the upstream's
 *                        back-pressure). Measured with the event loop's per-turn clock, so a chunk read and written
 *                        in the same turn counts as 0
 */
public record ProxyTimings(LatencyHistogram tunnelDuration, LatencyHistogram timeToEstablish,
                           LatencyHistogram chunkQueueDelay) {

    public ProxyTimings {
        Objects.requireNonNull(tunnelDuration, "tunnelDuration");
        Objects.requireNonNull(timeToEstablish, "timeToEstablish");
        Objects.requireNonNull(chunkQueueDelay, "chunkQueueDelay");
    }

    /** Nothing recorded. */
    public static ProxyTimings empty() {
        return new ProxyTimings(LatencyHistogram.empty(), LatencyHistogram.empty(), LatencyHistogram.empty());
    }
}
