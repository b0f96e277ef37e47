package dev.fyntr.transport.nio.internal.jmx;

import dev.fyntr.transport.nio.FyntrProxy;
import dev.fyntr.transport.nio.FyntrProxyMXBean;
import dev.fyntr.transport.nio.LatencyHistogram;
import dev.fyntr.transport.nio.ProxyStats;
import dev.fyntr.transport.nio.ProxyTimings;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * {@link FyntrProxyMXBean} over a proxy's public figures. A tool reads attributes one by one; each read would be a
 * round trip to the event loop, so the figures are taken once and reused for up to {@link #MAX_AGE_NANOS}.
 * Thread-safe.
 */
final class JmxView implements FyntrProxyMXBean {

    static final long MAX_AGE_NANOS = 1_000_000_000L;

    private final FyntrProxy proxy;
    private Figures figures;

    private record Figures(ProxyStats stats, ProxyTimings timings, long accessLogDropped, long takenAt) {
    }

    JmxView(FyntrProxy proxy) {
        this.proxy = proxy;
    }

    private synchronized Figures figures() {
        long now = System.nanoTime();
        Figures f = figures;
        if (f == null || now - f.takenAt >= MAX_AGE_NANOS) {
            f = new Figures(proxy.stats(), proxy.timings(), proxy.accessLogDropped(), now);
            figures = f;
        }
        return f;
    }

    private ProxyStats stats() {
        return figures().stats;
    }

    private static double millis(double nanos) {
        return nanos / 1e6;
    }

    @Override
    public String getSchedulerName() {
        return proxy.schedulerName();
    }

    @Override
    public String getListenAddress() {
        InetSocketAddress a = proxy.address();
        String host = a.getAddress().getHostAddress();
        return (a.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    @Override
    public int getOpenTunnels() {
        return stats().openTunnels();
    }

    @Override
    public int getOpenHandshakes() {
        return stats().openHandshakes();
    }

    @Override
    public long getTunnelsOpened() {
        return stats().tunnelsOpened();
    }

    @Override
    public long getConnectionsAccepted() {
        return stats().connectionsAccepted();
    }

    @Override
    public long getBytesUpstream() {
        return stats().bytesUpstream();
    }

    @Override
    public long getBytesDownstream() {
        return stats().bytesDownstream();
    }

    @Override
    public long getQueuedBytes() {
        return stats().queuedBytes();
    }

    @Override
    public long getRejections() {
        return stats().rejections();
    }

    @Override
    public Map<Integer, Long> getRejectionsByStatus() {
        return stats().rejectionsByStatus();
    }

    @Override
    public int getLingeringRejections() {
        return stats().lingeringRejections();
    }

    @Override
    public int getNameLookupsInFlight() {
        return stats().nameLookupsInFlight();
    }

    @Override
    public long getInternalErrors() {
        return stats().internalErrors();
    }

    @Override
    public long getSchedulerReplacements() {
        return stats().schedulerReplacements();
    }

    @Override
    public long getSniMismatches() {
        return stats().sniMismatches();
    }

    @Override
    public long getSniRefusals() {
        return stats().sniRefusals();
    }

    @Override
    public long getMemoryLimitBytes() {
        return stats().memory().limitBytes();
    }

    @Override
    public long getMemoryUsedBytes() {
        return stats().memory().usedBytes();
    }

    @Override
    public long getMemoryPeakBytes() {
        return stats().memory().peakBytes();
    }

    @Override
    public int getReadersWaitingForMemory() {
        return stats().memory().readersWaiting();
    }

    @Override
    public long getMemoryRefusals() {
        return stats().memory().refusals();
    }

    @Override
    public long getUploadBytesPerSecond() {
        return stats().shaping().uploadBytesPerSecond();
    }

    @Override
    public long getDownloadBytesPerSecond() {
        return stats().shaping().downloadBytesPerSecond();
    }

    @Override
    public int getConnectsWaiting() {
        return stats().shaping().connectsWaiting();
    }

    @Override
    public long getAccessLogDropped() {
        return figures().accessLogDropped;
    }

    private LatencyHistogram tunnelDuration() {
        return figures().timings.tunnelDuration();
    }

    private LatencyHistogram timeToEstablish() {
        return figures().timings.timeToEstablish();
    }

    private LatencyHistogram chunkQueueDelay() {
        return figures().timings.chunkQueueDelay();
    }

    @Override
    public long getTunnelDurationCount() {
        return tunnelDuration().count();
    }

    @Override
    public double getTunnelDurationMeanMillis() {
        return millis(tunnelDuration().meanNanos());
    }

    @Override
    public double getTunnelDurationP50Millis() {
        return millis(tunnelDuration().percentileNanos(0.5));
    }

    @Override
    public double getTunnelDurationP99Millis() {
        return millis(tunnelDuration().percentileNanos(0.99));
    }

    @Override
    public double getTunnelDurationMaxMillis() {
        return millis(tunnelDuration().maxNanos());
    }

    @Override
    public long getTimeToEstablishCount() {
        return timeToEstablish().count();
    }

    @Override
    public double getTimeToEstablishMeanMillis() {
        return millis(timeToEstablish().meanNanos());
    }

    @Override
    public double getTimeToEstablishP50Millis() {
        return millis(timeToEstablish().percentileNanos(0.5));
    }

    @Override
    public double getTimeToEstablishP99Millis() {
        return millis(timeToEstablish().percentileNanos(0.99));
    }

    @Override
    public double getTimeToEstablishMaxMillis() {
        return millis(timeToEstablish().maxNanos());
    }

    @Override
    public long getChunkQueueDelayCount() {
        return chunkQueueDelay().count();
    }

    @Override
    public double getChunkQueueDelayMeanMillis() {
        return millis(chunkQueueDelay().meanNanos());
    }

    @Override
    public double getChunkQueueDelayP50Millis() {
        return millis(chunkQueueDelay().percentileNanos(0.5));
    }

    @Override
    public double getChunkQueueDelayP99Millis() {
        return millis(chunkQueueDelay().percentileNanos(0.99));
    }

    @Override
    public double getChunkQueueDelayMaxMillis() {
        return millis(chunkQueueDelay().maxNanos());
    }
}
