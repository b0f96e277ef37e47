package dev.fyntr.api.spi;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Where a flow goes and where it comes from, as the transport knew it when it admitted the tunnel: the requested
 * host and port, the address it dialled, the client's address, the front end the client spoke and when the
 * connection was accepted. Fixed at admission: nothing here changes under a scheduler.
 *
 * <p><b>Threading and cost:</b> immutable, so any thread may read it; every accessor returns a stored field (O(1),
 * no allocation), so a scheduler may consult it on every decision, though most read it once, in the flow's first
 * {@link Scheduler#onBacklogged}, and keep what they derive in {@link Flow#schedulerState()}.
 *
 * <p>Transports create one per tunnel with {@link #of}; {@link #unknown()} stands in where a transport (or a test
 * double) has nothing to tell.
 */
public final class FlowInfo {

    /** The protocol the client used to ask for the tunnel. */
    public enum FrontEnd {
        /** HTTP {@code CONNECT host:port}. */
        CONNECT,
        /** SOCKS5 {@code CONNECT}. */
        SOCKS5,
        /** A plain-HTTP request forwarded by the proxy ({@code GET http://host/…}). */
        PLAIN_HTTP,
        /** The transport did not say ({@link #unknown()}). */
        UNKNOWN
    }

    private static final FlowInfo UNKNOWN = new FlowInfo("", 0, null, null, FrontEnd.UNKNOWN, 0);

    private final String host;
    private final int port;
    private final InetSocketAddress resolvedAddress;
    private final InetSocketAddress clientAddress;
    private final FrontEnd frontEnd;
    private final long admittedAtNanos;

    private FlowInfo(String host, int port, InetSocketAddress resolvedAddress, InetSocketAddress clientAddress,
                     FrontEnd frontEnd, long admittedAtNanos) {
        this.host = host;
        this.port = port;
        this.resolvedAddress = resolvedAddress;
        this.clientAddress = clientAddress;
        this.frontEnd = frontEnd;
        this.admittedAtNanos = admittedAtNanos;
    }

    /**
     * The facts of one tunnel.
     *
     * @param host            the requested host as the proxy judged it: a lower-case ASCII name without a trailing
     *                        dot ({@code registry.example}) or an IP literal's text ({@code 192.0.2.7}, {@code ::1})
     * @param port            the requested port, 0–65535
     * @param resolvedAddress the upstream address the proxy connected to
     * @param clientAddress   the client's address and port
     * @param frontEnd        the protocol of the request
     * @param admittedAtNanos {@link System#nanoTime()} when the connection was accepted
     * @throws IllegalArgumentException if the port is out of range
     */
    public static FlowInfo of(String host, int port, InetSocketAddress resolvedAddress,
                              InetSocketAddress clientAddress, FrontEnd frontEnd, long admittedAtNanos) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port out of 0..65535: " + port);
        }
        return new FlowInfo(Objects.requireNonNull(host, "host"), port,
                Objects.requireNonNull(resolvedAddress, "resolvedAddress"),
                Objects.requireNonNull(clientAddress, "clientAddress"),
                Objects.requireNonNull(frontEnd, "frontEnd"), admittedAtNanos);
    }

    /** Nothing known: host {@code ""}, port 0, no addresses, front end {@link FrontEnd#UNKNOWN}. */
    public static FlowInfo unknown() {
        return UNKNOWN;
    }

    /** The requested host: a lower-case name or an IP literal's text; {@code ""} when unknown. */
    public String host() {
        return host;
    }

    /** The requested port; 0 when unknown. */
    public int port() {
        return port;
    }

    /** The upstream address the proxy connected to; {@code null} only when unknown. */
    public InetSocketAddress resolvedAddress() {
        return resolvedAddress;
    }

    /** The client's address and port; {@code null} only when unknown. */
    public InetSocketAddress clientAddress() {
        return clientAddress;
    }

    /** The protocol the client asked with. */
    public FrontEnd frontEnd() {
        return frontEnd;
    }

    /** {@link System#nanoTime()} when the connection was accepted; the flow's age is {@code nanoTime() - this}. */
    public long admittedAtNanos() {
        return admittedAtNanos;
    }

    @Override
    public String toString() {
        return this == UNKNOWN ? "FlowInfo[unknown]"
                : "FlowInfo[" + frontEnd + " " + host + ":" + port + " via " + text(resolvedAddress) + " from "
                        + text(clientAddress) + "]";
    }

    private static String text(InetSocketAddress a) {
        String h = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
        return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + a.getPort();
    }
}
