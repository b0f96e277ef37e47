package dev.fyntr.transport.nio;

/**
 * What the proxy does when a request matches a threat feed ({@link FyntrProxyBuilder#threatFeedFiles}).
 * Both actions log one structured line per match, e.g.
 * {@code threat_match=true action=warn match_type=domain host=api.evil.example matched=evil.example ...}.
 */
public enum ThreatAction {
    /** Log the match and let the request go on (the default). */
    WARN,
    /** Log the match and refuse the request: HTTP 403, or SOCKS5 reply 0x02 (not allowed by ruleset). */
    BLOCK
}
