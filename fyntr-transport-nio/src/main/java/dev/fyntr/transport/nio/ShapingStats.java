package dev.fyntr.transport.nio;

/**
 * Rate shaping and connection pacing, as part of a {@link ProxyStats} snapshot. Immutable. Rates are measured
 * whether or not a limit is set: an exponential moving average with a time constant of about one second.
 *
 * @param maxRateBytesPerSecond         the client→upstream cap in force, 0 = unlimited
 * @param maxDownloadRateBytesPerSecond the upstream→client cap in force, 0 = unlimited
 * @param maxConnectsPerSecond          the connect-rate cap in force, 0 = unlimited
 * @param uploadBytesPerSecond          measured client→upstream rate
 * @param downloadBytesPerSecond        measured upstream→client rate
 * @param uploadHeldBackBytes           client→upstream bytes queued in the proxy now while the upload bucket is
 *                                      empty (0 when the cap is not what holds them)
 * @param uploadDelayedBytes            client→upstream bytes, since start, that had to wait for upload tokens
 * @param uploadThrottles               times, since start, that flows were waiting and the upload bucket ran dry
 * @param downloadPausedTunnels         tunnels whose upstream reads are paused now, waiting for download tokens
 * @param downloadThrottles             times, since start, that a tunnel paused its upstream reads for tokens
 * @param connectsWaiting               CONNECT requests waiting now for a connect-rate token
 * @param connectsDelayed               CONNECT requests, since start, that had to wait for a token
 * @param connectsExpired               of those, how many reached their handshake deadline while waiting (503)
 */
public record ShapingStats(long maxRateBytesPerSecond, long maxDownloadRateBytesPerSecond,
                           double maxConnectsPerSecond, long uploadBytesPerSecond, long downloadBytesPerSecond,
                           long uploadHeldBackBytes, long uploadDelayedBytes, long uploadThrottles,
                           int downloadPausedTunnels, long downloadThrottles, int connectsWaiting,
                           long connectsDelayed, long connectsExpired) {

    /** All zero: no limit and nothing measured. */
    public static final ShapingStats NONE = new ShapingStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}
