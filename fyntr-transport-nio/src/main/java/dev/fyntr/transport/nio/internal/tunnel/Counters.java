package dev.fyntr.transport.nio.internal.tunnel;

import dev.fyntr.transport.nio.ProxyStats;
import dev.fyntr.transport.nio.internal.shaping.Shaping;

import java.util.Map;
import java.util.TreeMap;

/** The proxy's counters. Written and read on the event loop only; {@link #snapshot} copies them. */
public final class Counters {

    int openTunnels;
    int openHandshakes;
    long tunnelsOpened;
    long connectionsAccepted;
    long bytesUpstream;
    long bytesDownstream;
    long queuedBytes;
    private final long[] rejections = new long[600];

    void rejected(int status) {
        rejections[status]++;
    }

    int open() {
        return openTunnels + openHandshakes;
    }

    /** A consistent snapshot, with the shaping figures at {@code now}. Loop thread only. */
    public ProxyStats snapshot(Shaping shaping, long now) {
        Map<Integer, Long> byStatus = new TreeMap<>();
        for (int s = 0; s < rejections.length; s++) {
            if (rejections[s] != 0) {
                byStatus.put(s, rejections[s]);
            }
        }
        return new ProxyStats(openTunnels, openHandshakes, tunnelsOpened, connectionsAccepted, bytesUpstream,
                bytesDownstream, queuedBytes, byStatus,
                shaping.stats(now, bytesUpstream, bytesDownstream, queuedBytes));
    }
}
