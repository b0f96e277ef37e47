package dev.fyntr.transport.nio;

import java.time.Duration;

/**
 * The defaults of {@link FyntrProxyBuilder}, in one place: the builder starts from them, and the command's
 * help and flag defaults refer to them (picocli needs compile-time constants, hence the {@code _SECONDS} and
 * {@code _TEXT} forms beside the {@link Duration}s). docs/cli.md lists them with their flags.
 */
public final class ProxyDefaults {

    /** The listen port ({@code --port}). */
    public static final int PORT = 9999;
    /** The listen address as text ({@code --bind}): loopback, so that nobody else can use the proxy. */
    public static final String BIND_TEXT = "127.0.0.1";
    /** Concurrent connections, handshakes included ({@code --max-connections}). */
    public static final int MAX_CONNECTIONS = 1000;
    /** {@code --idle-timeout}, in seconds. */
    public static final long IDLE_TIMEOUT_SECONDS = 300;
    /** {@code --handshake-timeout}, in seconds. */
    public static final long HANDSHAKE_TIMEOUT_SECONDS = 30;
    /** {@code --connect-timeout}, in seconds (per attempt). */
    public static final long CONNECT_TIMEOUT_SECONDS = 3;
    /** How long a name lookup may take, in seconds. */
    public static final long RESOLVE_TIMEOUT_SECONDS = 5;
    /** {@code --shutdown-grace}, in seconds. */
    public static final long SHUTDOWN_GRACE_SECONDS = 10;
    /** The CONNECT port allowed without being listed ({@code --no-default-allow-port} turns it off). */
    public static final int DEFAULT_ALLOWED_PORT = 443;
    /** Bound of one flow's client→upstream queue. */
    public static final int MAX_QUEUED_BYTES_PER_FLOW = 256 * 1024;
    /** The listen sockets' accept backlog: large, so that connection storms are queued rather than dropped. */
    public static final int LISTEN_BACKLOG = 1024;

    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(IDLE_TIMEOUT_SECONDS);
    public static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(HANDSHAKE_TIMEOUT_SECONDS);
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(CONNECT_TIMEOUT_SECONDS);
    public static final Duration RESOLVE_TIMEOUT = Duration.ofSeconds(RESOLVE_TIMEOUT_SECONDS);
    public static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(SHUTDOWN_GRACE_SECONDS);

    private ProxyDefaults() {
    }
}
