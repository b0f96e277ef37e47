package dev.fyntr.transport.nio;

import java.util.Map;
import java.util.Objects;

/**
 * A consistent snapshot of a proxy's counters, taken on the event loop. Immutable.
 *
 * @param openTunnels          established tunnels now open
 * @param openHandshakes       accepted connections still in the CONNECT handshake (parsing, resolving, dialling)
 * @param tunnelsOpened        tunnels established since start
 * @param connectionsAccepted  client connections accepted since start (rejected ones included)
 * @param bytesUpstream        client→upstream bytes written since start
 * @param bytesDownstream      upstream→client bytes written since start
 * @param queuedBytes          client→upstream bytes queued in the proxy now, waiting for the scheduler or socket
 * @param rejectionsByStatus   handshakes answered with an error, by HTTP status code (403, 502 …)
 * @param shaping              rate shaping and connection pacing: limits, measured rates, what waits
 * @param memory               the memory budget and its use
 * @param lingeringRejections  rejected connections still open while their client reads the answer (they hold a
 *                             slot of {@code maxConnections} for up to 2 s)
 * @param nameLookupsInFlight  distinct names being resolved now
 * @param internalErrors       failures contained while serving a connection (each closed that connection) since
 *                             start; 0 unless something is wrong in Fyntr or a plug-in
 * @param schedulerReplacements times a scheduler that threw was replaced by the built-in one since start
 * @param sniMismatches        tunnels whose client named another server in its TLS ClientHello than the CONNECT
 *                             host (or named any for an IP-literal CONNECT), since start; counted in {@link SniCheck}
 *                             modes warn and enforce, not for names under an allowed domain
 * @param sniRefusals          tunnels reset because of their ClientHello since start: a mismatch or an unreadable
 *                             ClientHello with {@link SniCheck#ENFORCE}, or a threat-feed block of its server name
 * @param authFailures         credentials refused since start (wrong or malformed ones, and any sent from a client
 *                             address blocked after repeated failures; docs/auth.md); requests without credentials
 *                             are not counted here but as 407 rejections
 */
public record ProxyStats(int openTunnels, int openHandshakes, long tunnelsOpened, long connectionsAccepted,
                         long bytesUpstream, long bytesDownstream, long queuedBytes,
                         Map<Integer, Long> rejectionsByStatus,
                         ShapingStats shaping, MemoryStats memory, int lingeringRejections,
                         int nameLookupsInFlight, long internalErrors, long schedulerReplacements,
                         long sniMismatches, long sniRefusals, long authFailures) {

    /** Copies the map. */
    public ProxyStats {
        rejectionsByStatus = Map.copyOf(rejectionsByStatus);
        Objects.requireNonNull(shaping, "shaping");
        Objects.requireNonNull(memory, "memory");
    }

    /** The figures without the authentication failures (0): the form before they were added. */
    public ProxyStats(int openTunnels, int openHandshakes, long tunnelsOpened, long connectionsAccepted,
                      long bytesUpstream, long bytesDownstream, long queuedBytes,
                      Map<Integer, Long> rejectionsByStatus, ShapingStats shaping, MemoryStats memory,
                      int lingeringRejections, int nameLookupsInFlight, long internalErrors,
                      long schedulerReplacements, long sniMismatches, long sniRefusals) {
        this(openTunnels, openHandshakes, tunnelsOpened, connectionsAccepted, bytesUpstream, bytesDownstream,
                queuedBytes, rejectionsByStatus, shaping, memory, lingeringRejections, nameLookupsInFlight,
                internalErrors, schedulerReplacements, sniMismatches, sniRefusals, 0);
    }

    /** The figures without the SNI check's counters (both 0): the form before they were added. */
    public ProxyStats(int openTunnels, int openHandshakes, long tunnelsOpened, long connectionsAccepted,
                      long bytesUpstream, long bytesDownstream, long queuedBytes,
                      Map<Integer, Long> rejectionsByStatus, ShapingStats shaping, MemoryStats memory,
                      int lingeringRejections, int nameLookupsInFlight, long internalErrors,
                      long schedulerReplacements) {
        this(openTunnels, openHandshakes, tunnelsOpened, connectionsAccepted, bytesUpstream, bytesDownstream,
                queuedBytes, rejectionsByStatus, shaping, memory, lingeringRejections, nameLookupsInFlight,
                internalErrors, schedulerReplacements, 0, 0, 0);
    }

    /** Rejections with one status, 0 if none. */
    public long rejections(int status) {
        return rejectionsByStatus.getOrDefault(status, 0L);
    }

    /** All rejections, whatever the status. */
    public long rejections() {
        long sum = 0;
        for (long n : rejectionsByStatus.values()) {
            sum += n;
        }
        return sum;
    }
}
