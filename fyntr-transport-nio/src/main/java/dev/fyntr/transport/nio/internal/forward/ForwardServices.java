package dev.fyntr.transport.nio.internal.forward;

import dev.fyntr.api.spi.Scheduler;
import dev.fyntr.transport.nio.internal.access.AccessLog;
import dev.fyntr.transport.nio.internal.handshake.HandshakeServices;
import dev.fyntr.transport.nio.internal.loop.LoopContext;
import dev.fyntr.transport.nio.internal.metrics.Timings;
import dev.fyntr.transport.nio.internal.shaping.DownloadShaper;

import java.time.Duration;

/**
 * What every plain-HTTP session of one proxy shares: the loop, the handshake's checks and dialling, the
 * scheduler (request bodies are its flows, as tunnel uploads are), the proxy's counters, the download shaper and
 * the pool of idle upstream connections. Event-loop thread only.
 */
public final class ForwardServices {

    /** The proxy's byte counters, as the plain-HTTP side moves bytes. Loop thread only; must not throw. */
    public interface Counts {
        /** Bytes written to an upstream. */
        void upstream(int bytes);

        /** Bytes written to a client. */
        void downstream(int bytes);

        /** Bytes queued towards upstreams changed by {@code delta}. */
        void queued(long delta);

        /** A request was refused with {@code status} (counted as handshake refusals are). */
        void rejected(int status);

        /** Connections relaying now (tunnels and plain-HTTP sessions): each one's share of the memory budget. */
        int activeFlows();

        /**
         * A request body became eligible for the scheduler; {@code sparse} if its chunks are small on average (the
         * service round serves such flows between its bulk writes).
         */
        void backlogged(boolean sparse);
    }

    final LoopContext loop;
    final HandshakeServices handshakes;
    final Scheduler scheduler;
    final Counts counts;
    final DownloadShaper downloads;
    final int maxQueuedBytes;
    final Duration idleTimeout;
    final UpstreamPool<Upstream> pool;
    final AccessLog accessLog;
    final Timings timings;

    /**
     * @param scheduler      the proxy's scheduler, already guarded against plug-in failures
     * @param maxQueuedBytes bound of one request body's queue, as for a tunnel's upload
     * @param idleTimeout    an exchange with no bytes either way for this long ends; zero = never
     * @param accessLog      where each request's line goes ({@code kind=http})
     * @param timings        the histograms; request bodies report each chunk's queueing delay, as tunnels do
     */
    public ForwardServices(LoopContext loop, HandshakeServices handshakes, Scheduler scheduler, Counts counts,
                           DownloadShaper downloads, int maxQueuedBytes, Duration idleTimeout,
                           AccessLog accessLog, Timings timings) {
        this.loop = loop;
        this.handshakes = handshakes;
        this.scheduler = scheduler;
        this.counts = counts;
        this.downloads = downloads;
        this.maxQueuedBytes = maxQueuedBytes;
        this.idleTimeout = idleTimeout;
        this.pool = new UpstreamPool<>(loop);
        this.accessLog = accessLog;
        this.timings = timings;
    }

    /** Shutdown: closes the idle upstream connections now, and any that would become idle later. */
    public void closeIdleUpstreams() {
        pool.closeAll();
    }

    /** Idle upstream connections pooled now. */
    public int idleUpstreams() {
        return pool.size();
    }
}
