package dev.fyntr.transport.nio.internal.shaping;

/**
 * The rate limits a proxy starts with ({@code --max-rate}, {@code --max-download-rate},
 * {@code --max-connect-rate}; docs/shaping.md); 0 means off. Immutable; the checks here are shared by the builder and the
 * run-time setters of the handle.
 *
 * @param maxRateBytesPerSecond         cap on client→upstream bytes, 0 = unlimited
 * @param maxDownloadRateBytesPerSecond cap on upstream→client bytes, 0 = unlimited
 * @param maxConnectsPerSecond          new upstream connections (one per CONNECT) per second, 0 = unlimited
 */
public record ShapingConfig(long maxRateBytesPerSecond, long maxDownloadRateBytesPerSecond,
                            double maxConnectsPerSecond) {

    /** No limits: the proxy is fully work-conserving. */
    public static final ShapingConfig OFF = new ShapingConfig(0, 0, 0);

    /** The largest byte rate accepted: 10¹¹ B/s (800 Gbit/s). */
    public static final long MAX_BYTES_PER_SECOND = TokenBucket.MAX_RATE;
    /** The largest connect rate accepted. */
    public static final double MAX_CONNECTS_PER_SECOND = 1_000_000;
    /** The smallest non-zero connect rate accepted (one per 1000 s). */
    public static final double MIN_CONNECTS_PER_SECOND = 0.001;

    public ShapingConfig {
        checkBytesPerSecond("maxRate", maxRateBytesPerSecond);
        checkBytesPerSecond("maxDownloadRate", maxDownloadRateBytesPerSecond);
        checkConnectsPerSecond(maxConnectsPerSecond);
    }

    /** For the startup log: {@code upload 10000000 B/s, download unlimited, connects 50/s}. */
    public String describe() {
        return "upload " + bytes(maxRateBytesPerSecond) + ", download " + bytes(maxDownloadRateBytesPerSecond)
                + ", connects " + connects(maxConnectsPerSecond);
    }

    public static String bytes(long perSecond) {
        return perSecond == 0 ? "unlimited" : perSecond + " B/s";
    }

    public static String connects(double perSecond) {
        if (perSecond == 0) {
            return "unlimited";
        }
        return (perSecond == Math.rint(perSecond) ? String.valueOf((long) perSecond) : String.valueOf(perSecond))
                + "/s";
    }

    /** Throws {@link IllegalArgumentException} naming {@code what} unless {@code v} is 0 or 1-10¹¹. */
    public static long checkBytesPerSecond(String what, long v) {
        if (v < 0 || v > MAX_BYTES_PER_SECOND) {
            throw new IllegalArgumentException(what + " must be 0 (off) or 1-" + MAX_BYTES_PER_SECOND
                    + " bytes per second: " + v);
        }
        return v;
    }

    /** Throws {@link IllegalArgumentException} unless {@code v} is 0 or 0.001-1000000. */
    public static double checkConnectsPerSecond(double v) {
        if (!(v == 0 || (v >= MIN_CONNECTS_PER_SECOND && v <= MAX_CONNECTS_PER_SECOND))) {
            throw new IllegalArgumentException("maxConnectRate must be 0 (off) or " + MIN_CONNECTS_PER_SECOND
                    + "-" + (long) MAX_CONNECTS_PER_SECOND + " connections per second: " + v);
        }
        return v;
    }
}
