package dev.fyntr.transport.nio.internal.tunnel;

import dev.fyntr.api.spi.Scheduler;
import dev.fyntr.transport.nio.internal.access.AccessLog;
import dev.fyntr.transport.nio.internal.forward.ForwardServices;
import dev.fyntr.transport.nio.internal.handshake.HandshakeServices;
import dev.fyntr.transport.nio.internal.loop.LoopContext;
import dev.fyntr.transport.nio.internal.metrics.Timings;
import dev.fyntr.transport.nio.internal.shaping.DownloadShaper;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * What every connection of one proxy shares: loop, counters, handshake services, scheduler, shaping, limits, the SNI
 * check, and the plain-HTTP side's services (its pool of idle upstream connections).
 */
public final class ConnectionServices {

    final LoopContext loop;
    final Counters counters;
    final HandshakeServices handshakes;
    final GuardedScheduler scheduler;
    final String schedulerName;
    final DownloadShaper downloads;
    final WaterMarks waterMarks;
    final Duration idleTimeout;
    final SniPolicy sni;
    final ForwardServices forward;
    final Timings timings;
    final AccessLog accessLog;

    /**
     * @param scheduler             the configured scheduler (plug-in code: every call to it is guarded)
     * @param schedulerName         the provider's name, for log lines about a misbehaving scheduler
     * @param fallback              makes the built-in scheduler that replaces one that throws
     * @param maxQueuedBytesPerFlow bound of one flow's upload queue
     * @param idleTimeout           close a tunnel with no bytes either way for this long; zero = never
     * @param sni                   what a tunnel does with its client's TLS ClientHello
     * @param timings               the latency histograms
     * @param accessLog             where each connection's line goes
     */
    public ConnectionServices(LoopContext loop, Counters counters, HandshakeServices handshakes, Scheduler scheduler,
                              String schedulerName, Supplier<Scheduler> fallback, String fallbackName,
                              DownloadShaper downloads, int maxQueuedBytesPerFlow, Duration idleTimeout,
                              SniPolicy sni, Timings timings, AccessLog accessLog) {
        this.loop = loop;
        this.counters = counters;
        this.handshakes = handshakes;
        this.scheduler = new GuardedScheduler(scheduler, schedulerName, fallback, fallbackName);
        this.schedulerName = schedulerName;
        this.downloads = downloads;
        this.waterMarks = WaterMarks.ofQueueBound(maxQueuedBytesPerFlow);
        this.idleTimeout = idleTimeout;
        this.sni = sni;
        this.forward = new ForwardServices(loop, handshakes, this.scheduler, new ForwardServices.Counts() {
            @Override
            public void upstream(int bytes) {
                counters.bytesUpstream += bytes;
            }

            @Override
            public void downstream(int bytes) {
                counters.bytesDownstream += bytes;
            }

            @Override
            public void queued(long delta) {
                counters.queuedBytes += delta;
            }

            @Override
            public void rejected(int status) {
                counters.rejected(status);
            }

            @Override
            public int activeFlows() {
                return counters.openTunnels;
            }

            @Override
            public void backlogged(boolean sparse) {
                counters.flowsBacklogged++;
                if (sparse) {
                    counters.sparseWakeups++; // the service round looks for these between its writes
                }
            }
        }, downloads, maxQueuedBytesPerFlow, idleTimeout, accessLog, timings);
        this.timings = timings;
        this.accessLog = accessLog;
    }
}
