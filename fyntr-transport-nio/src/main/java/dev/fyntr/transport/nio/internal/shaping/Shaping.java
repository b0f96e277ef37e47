package dev.fyntr.transport.nio.internal.shaping;

import dev.fyntr.transport.nio.ShapingStats;
import dev.fyntr.transport.nio.internal.loop.LoopContext;

import java.time.Duration;

/**
 * The loop's rate controls in one place (docs/shaping.md): the upload bucket used by the service round, the
 * download bucket used by upstream reads, the connect pacer used by dialers, and the rate meters. Every limit
 * starts off; {@link #configure} sets them before the loop starts, the handle's setters change them later
 * through loop messages. Event-loop thread only.
 */
public final class Shaping {

    public final UploadShaper upload;
    public final DownloadShaper download;
    public final ConnectPacer connects;

    private final RateMeter uploadMeter = new RateMeter();
    private final RateMeter downloadMeter = new RateMeter();

    /** @param connectWaitLimit how long a paced connect may wait at most (the handshake timeout) */
    public Shaping(LoopContext loop, Duration connectWaitLimit) {
        this.upload = new UploadShaper(loop.timers());
        this.download = new DownloadShaper(loop);
        this.connects = new ConnectPacer(loop, connectWaitLimit);
    }

    public void configure(ShapingConfig config, long now) {
        upload.rate(config.maxRateBytesPerSecond(), now);
        download.rate(config.maxDownloadRateBytesPerSecond(), now);
        connects.rate(config.maxConnectsPerSecond(), now);
    }

    /** Once per loop turn: feeds the meters with the byte totals (a compare when the last sample is recent). */
    public void onTurn(long now, long bytesUpstream, long bytesDownstream) {
        uploadMeter.sample(now, bytesUpstream);
        downloadMeter.sample(now, bytesDownstream);
    }

    /**
     * A snapshot.
     *
     * @param queuedBytes client→upstream bytes waiting in the proxy now
     */
    public ShapingStats stats(long now, long bytesUpstream, long bytesDownstream, long queuedBytes) {
        onTurn(now, bytesUpstream, bytesDownstream);
        return new ShapingStats(upload.rateBytesPerSecond(), download.rateBytesPerSecond(), connects.perSecond(),
                uploadMeter.perSecond(), downloadMeter.perSecond(),
                upload.throttled() ? queuedBytes : 0, upload.delayedBytes(), upload.throttles(),
                download.pausedTunnels(), download.throttles(),
                connects.waiting(), connects.delayed(), connects.expired());
    }
}
