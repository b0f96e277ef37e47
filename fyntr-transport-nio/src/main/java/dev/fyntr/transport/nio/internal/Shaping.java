package dev.fyntr.transport.nio.internal;

import dev.fyntr.transport.nio.ShapingStats;

/**
 * The loop's rate controls (SPEC §5.4) in one place: the upload bucket used by the service round, the
 * download bucket used by upstream reads, the connect pacer used by dialers, and the rate meters. Every limit
 * starts off; {@link #configure} sets them before the loop starts, the handle's setters change them later
 * through loop messages. Event-loop thread only.
 */
final class Shaping {

    final UploadShaper upload;
    final DownloadShaper download;
    final ConnectPacer connects;

    private final EventLoop loop;
    private final RateMeter uploadMeter = new RateMeter();
    private final RateMeter downloadMeter = new RateMeter();

    Shaping(EventLoop loop) {
        this.loop = loop;
        this.upload = new UploadShaper(loop.timers);
        this.download = new DownloadShaper(loop.timers);
        this.connects = new ConnectPacer(loop);
    }

    void configure(ShapingConfig config, long now) {
        upload.rate(config.maxRateBytesPerSecond(), now);
        download.rate(config.maxDownloadRateBytesPerSecond(), now);
        connects.rate(config.maxConnectsPerSecond(), now);
    }

    /** Once per loop turn: feeds the meters (a compare when the last sample is recent). */
    void onTurn(long now) {
        uploadMeter.sample(now, loop.counters.bytesUpstream);
        downloadMeter.sample(now, loop.counters.bytesDownstream);
    }

    ShapingStats stats(long now) {
        onTurn(now);
        return new ShapingStats(upload.rateBytesPerSecond(), download.rateBytesPerSecond(), connects.perSecond(),
                uploadMeter.perSecond(), downloadMeter.perSecond(),
                upload.throttled() ? loop.counters.queuedBytes : 0, upload.delayedBytes(), upload.throttles(),
                download.pausedTunnels(), download.throttles(),
                connects.waiting(), connects.delayed(), connects.expired());
    }
}
