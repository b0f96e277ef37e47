package dev.fyntr.transport.nio;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

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

    /** A builder with every default of {@link ProxyDefaults}. */
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

    /**
     * A snapshot of the latency histograms since start: tunnel duration, time to {@code 200}, and each upload
     * chunk's queueing delay. Taken on the event loop like {@link #stats()}, and as cheap. (This default, nothing
     * recorded, is only for other implementations of this interface; the proxy's own answers with its figures.)
     */
    default ProxyTimings timings() {
        return ProxyTimings.empty();
    }

    /**
     * Access-log lines dropped since start because the log could not keep up (docs/operations.md#access-log); 0 with
     * the access log off.
     */
    default long accessLogDropped() {
        return 0;
    }

    /**
     * The JMX object name this proxy is registered under ({@code dev.fyntr:type=Proxy,name=fyntr-9999}), or empty
     * when JMX is off ({@link FyntrProxyBuilder#jmx(boolean)}).
     */
    default Optional<String> jmxName() {
        return Optional.empty();
    }

    /**
     * Changes the client→upstream cap (see {@link FyntrProxyBuilder#maxRate(long)}); 0 = unlimited. The event loop
     * makes the change; this returns once it is in force (or the proxy has stopped), within milliseconds unless
     * the loop is stuck, in which case it throws {@code IllegalStateException} after 5 s.
     *
     * @throws IllegalArgumentException if the rate is out of range (the message says the range)
     */
    void maxRate(long bytesPerSecond);

    /** As {@link #maxRate(long)}, for the upstream→client cap ({@link FyntrProxyBuilder#maxDownloadRate}). */
    void maxDownloadRate(long bytesPerSecond);

    /**
     * Changes the connect-rate cap ({@link FyntrProxyBuilder#maxConnectRate}); 0 = unlimited, which also starts
     * every waiting request. Returns once the change is in force, as {@link #maxRate(long)} does, so that it
     * applies to every request that arrives afterwards.
     */
    void maxConnectRate(double connectsPerSecond);

    /**
     * Reads the auth file ({@link FyntrProxyBuilder#authFile}) and the threat feeds again and puts them in use
     * for new requests (the command does this on SIGHUP; docs/auth.md#reloading). A file that cannot be used is
     * not: the proxy keeps what it had and logs why, at WARN; what was reloaded is logged at INFO with its counts.
     * Runs on the caller's thread (reading a large feed takes a while); open tunnels are not touched.
     *
     * @return whether everything was reloaded (false: something was kept, see the log)
     */
    default boolean reload() {
        return true;
    }

    /**
     * Completes when the proxy has stopped: normally once {@link #close} has closed everything, exceptionally
     * (with the cause) if the event loop failed by itself. A command can wait on it instead of polling
     * {@link #isClosing()}. The returned stage is read-only.
     */
    CompletionStage<Void> terminated();

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
