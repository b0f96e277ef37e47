package dev.fyntr.transport.nio;

import java.util.Map;

/**
 * The JMX view of a running proxy, registered as {@code dev.fyntr:type=Proxy,name=<name>} on the platform MBean
 * server while the proxy runs (see {@link FyntrProxyBuilder#jmx(boolean)} and {@link FyntrProxyBuilder#jmxName}).
 * Every attribute is read-only; the figures are those of {@link ProxyStats} and {@link ProxyTimings}, taken at most
 * once a second however many attributes a tool reads (so two attributes read together are consistent).
 * Latencies are in milliseconds, cumulative since start: percentiles are the upper bound of the histogram bucket
 * that holds them (at most 25 % high).
 *
 * <p>Thread-safe; a getter never blocks the proxy's event loop (it may wait up to 5 s for it to answer).
 */
public interface FyntrProxyMXBean {

    /** The scheduler in use, e.g. {@code drr}. */
    String getSchedulerName();

    /** The HTTP listen address, {@code 127.0.0.1:9999}. */
    String getListenAddress();

    /** Established tunnels now open. */
    int getOpenTunnels();

    /** Connections still in their handshake now. */
    int getOpenHandshakes();

    /** Tunnels established since start. */
    long getTunnelsOpened();

    /** Client connections accepted since start (refused ones included). */
    long getConnectionsAccepted();

    /** Client→upstream bytes written since start. */
    long getBytesUpstream();

    /** Upstream→client bytes written since start. */
    long getBytesDownstream();

    /** Client→upstream bytes queued now, waiting for the scheduler or the upstream socket: the scheduler backlog. */
    long getQueuedBytes();

    /** Refusals since start, all statuses. */
    long getRejections();

    /** Refusals since start by HTTP status (SOCKS5 refusals by their HTTP equivalent). */
    Map<Integer, Long> getRejectionsByStatus();

    /** Refused connections still open while their client reads the answer. */
    int getLingeringRejections();

    /** Distinct names being resolved now. */
    int getNameLookupsInFlight();

    /** Failures contained while serving a connection since start; 0 unless something is wrong. */
    long getInternalErrors();

    /** Times a throwing scheduler was replaced by the built-in one since start. */
    long getSchedulerReplacements();

    /** ClientHellos naming another server than the CONNECT host since start. */
    long getSniMismatches();

    /** Tunnels reset because of their ClientHello since start. */
    long getSniRefusals();

    /** The memory budget in bytes. */
    long getMemoryLimitBytes();

    /** Buffer memory held now, in bytes. */
    long getMemoryUsedBytes();

    /** The most buffer memory held at once since start, in bytes. */
    long getMemoryPeakBytes();

    /** Connections whose reading waits for memory now. */
    int getReadersWaitingForMemory();

    /** Buffer requests refused for want of budget since start. */
    long getMemoryRefusals();

    /** Measured client→upstream rate, bytes per second. */
    long getUploadBytesPerSecond();

    /** Measured upstream→client rate, bytes per second. */
    long getDownloadBytesPerSecond();

    /** CONNECT requests waiting for a connect-rate token now. */
    int getConnectsWaiting();

    /** Access-log lines dropped since start because the log could not keep up. */
    long getAccessLogDropped();

    /** Tunnels closed since start (the tunnel-duration histogram's count). */
    long getTunnelDurationCount();

    double getTunnelDurationMeanMillis();

    double getTunnelDurationP50Millis();

    double getTunnelDurationP99Millis();

    double getTunnelDurationMaxMillis();

    /** Tunnels established since start (the time-to-200 histogram's count). */
    long getTimeToEstablishCount();

    double getTimeToEstablishMeanMillis();

    double getTimeToEstablishP50Millis();

    double getTimeToEstablishP99Millis();

    double getTimeToEstablishMaxMillis();

    /** Client→upstream chunks written since start (the queueing-delay histogram's count). */
    long getChunkQueueDelayCount();

    double getChunkQueueDelayMeanMillis();

    double getChunkQueueDelayP50Millis();

    double getChunkQueueDelayP99Millis();

    double getChunkQueueDelayMaxMillis();
}
