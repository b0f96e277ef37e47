package dev.fyntr.transport.nio;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;

/**
 * A running Fyntr proxy. Start one with {@link #builder()}:
 *
 * <pre>{@code
 * try (FyntrProxy proxy = FyntrProxy.builder()
 *         .bind(InetAddress.getLoopbackAddress()).port(0)
 *         .maxConnections(512)
 *         .allowPorts(443, 8443)
 *         .start()) {
 *     int port = proxy.port();
 *     ProxyStats stats = proxy.stats();
 * }
 * }</pre>
 *
 * <p>All methods are thread-safe. {@link #close()} is idempotent and synchronous: when it returns, the proxy's
 * threads have ended and its sockets are closed.
 */
public interface FyntrProxy extends AutoCloseable {

    /** A builder with every default of SPEC §2. */
    static FyntrProxyBuilder builder() {
        return new FyntrProxyBuilder();
    }

    /** The bound listen address; with {@code port(0)} this carries the port the system chose. */
    InetSocketAddress address();

    /** The bound listen port. */
    default int port() {
        return address().getPort();
    }

    /**
     * The bound SOCKS5 listen address, when {@link FyntrProxyBuilder#socks5Port} turned that listener on;
     * with {@code socks5Port(0)} this carries the port the system chose.
     */
    default Optional<InetSocketAddress> socks5Address() {
        return Optional.empty();
    }

    /** The name of the scheduler in use, e.g. {@code drr}. */
    String schedulerName();

    /** A snapshot of the counters. Cheap enough to poll a few times a second. */
    ProxyStats stats();

    /** Whether {@link #close} has been called (or the proxy failed). */
    boolean isClosing();

    /**
     * Stops accepting at once, lets open tunnels finish for up to the builder's {@code shutdownGrace}, then
     * closes everything. Blocks until done. Idempotent.
     */
    @Override
    void close();

    /** As {@link #close()}, with another grace period ({@link Duration#ZERO}: close everything now). */
    void close(Duration grace);
}
