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
 */
public record ProxyStats(int openTunnels, int openHandshakes, long tunnelsOpened, long connectionsAccepted,
                         long bytesUpstream, long bytesDownstream, long queuedBytes,
                         Map<Integer, Long> rejectionsByStatus,
                         ShapingStats shaping) {

    /** Copies the map. */
    public ProxyStats {
        rejectionsByStatus = Map.copyOf(rejectionsByStatus);
        Objects.requireNonNull(shaping, "shaping");
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
