package dev.fyntr.transport.nio.internal.tunnel;

import dev.fyntr.api.spi.Scheduler;
import dev.fyntr.transport.nio.internal.handshake.HandshakeServices;
import dev.fyntr.transport.nio.internal.loop.LoopContext;
import dev.fyntr.transport.nio.internal.shaping.DownloadShaper;

import java.time.Duration;

/** What every connection of one proxy shares: loop, counters, handshake services, scheduler, shaping, limits. */
public final class ConnectionServices {

    final LoopContext loop;
    final Counters counters;
    final HandshakeServices handshakes;
    final Scheduler scheduler;
    final String schedulerName;
    final DownloadShaper downloads;
    final WaterMarks waterMarks;
    final Duration idleTimeout;

    /**
     * @param schedulerName         the provider's name, for log lines about a misbehaving scheduler
     * @param maxQueuedBytesPerFlow bound of one flow's upload queue
     * @param idleTimeout           close a tunnel with no bytes either way for this long; zero = never
     */
    public ConnectionServices(LoopContext loop, Counters counters, HandshakeServices handshakes, Scheduler scheduler,
                              String schedulerName, DownloadShaper downloads, int maxQueuedBytesPerFlow,
                              Duration idleTimeout) {
        this.loop = loop;
        this.counters = counters;
        this.handshakes = handshakes;
        this.scheduler = scheduler;
        this.schedulerName = schedulerName;
        this.downloads = downloads;
        this.waterMarks = WaterMarks.ofQueueBound(maxQueuedBytesPerFlow);
        this.idleTimeout = idleTimeout;
    }
}
