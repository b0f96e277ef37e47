package dev.fyntr.transport.nio;

/**
 * What the proxy does with the server name (SNI) of the TLS ClientHello a client sends first in a tunnel
 * ({@link FyntrProxyBuilder#sniCheck}; docs/threats-and-socks5.md#the-sni-check). The proxy reads the name without
 * terminating or decrypting anything. A name that differs from the CONNECT host, or any name sent to an IP-literal
 * CONNECT, is a mismatch. In every mode but {@link #OFF} the threat feeds are also applied to the name.
 */
public enum SniCheck {
    /** Do not look at the client's first bytes. */
    OFF,
    /** Log a mismatch (at most one line a second) and let the tunnel go on (the default). */
    WARN,
    /**
     * Reset the tunnel on a mismatch, or on a ClientHello that cannot be read, before any byte of it reaches the
     * upstream: the tunnel holds the client's bytes until the name is read, at most one TLS record (16 KiB).
     */
    ENFORCE
}
