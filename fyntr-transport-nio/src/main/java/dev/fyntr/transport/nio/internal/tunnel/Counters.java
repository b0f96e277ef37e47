package dev.fyntr.transport.nio.internal.tunnel;

import dev.fyntr.transport.nio.MemoryStats;
import dev.fyntr.transport.nio.ProxyStats;
import dev.fyntr.transport.nio.internal.shaping.Shaping;

import java.util.Map;
import java.util.TreeMap;

/** The proxy's counters. Written and read on the event loop only; {@link #snapshot} copies them. */
public final class Counters {

    int openTunnels;
    int openHandshakes;
    /** Rejected connections still open while the client reads the answer: they hold a descriptor and a slot. */
    int lingering;
    long tunnelsOpened;
    long connectionsAccepted;
    long bytesUpstream;
    long bytesDownstream;
    long queuedBytes;
    /** Times an upload flow became eligible; the service round sees from it that reads brought new work. */
    long flowsBacklogged;
    /** Times an interactive (sparse) upload flow became eligible; the service round serves those between writes. */
    long sparseWakeups;
    /** ClientHellos whose server name was not the CONNECT host's (or that named one for an IP literal). */
    long sniMismatches;
    /** Tunnels reset because of their ClientHello (SNI check enforce, or a threat feed block on its name). */
    long sniRefusals;
    private final long[] rejections = new long[600];

    void rejected(int status) {
        rejections[status]++;
    }

    /** Connections holding a slot: tunnels, handshakes, and rejections still lingering. */
    int open() {
        return openTunnels + openHandshakes + lingering;
    }

    /**
     * A consistent snapshot, with the shaping figures at {@code now}. Loop thread only.
     *
     * @param memory          the buffer budget's figures
     * @param lookups         distinct names being resolved
     * @param internalErrors  faults the loop contained
     * @param authFailures    credentials refused (the authenticator counts them)
     */
    public ProxyStats snapshot(Shaping shaping, long now, MemoryStats memory, int lookups, long internalErrors,
                               ConnectionServices services, long authFailures) {
        Map<Integer, Long> byStatus = new TreeMap<>();
        for (int s = 0; s < rejections.length; s++) {
            if (rejections[s] != 0) {
                byStatus.put(s, rejections[s]);
            }
        }
        return new ProxyStats(openTunnels, openHandshakes, tunnelsOpened, connectionsAccepted, bytesUpstream,
                bytesDownstream, queuedBytes, byStatus,
                shaping.stats(now, bytesUpstream, bytesDownstream, queuedBytes), memory, lingering, lookups,
                internalErrors, services.scheduler.replacements(), sniMismatches, sniRefusals, authFailures);
    }
}
