package dev.fyntr.transport.nio;

import dev.fyntr.transport.nio.internal.net.JvmLimits;

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
    /** The plain-HTTP port allowed without being listed ({@code --allow-port} adds more; docs/plain-http.md). */
    public static final int DEFAULT_PLAIN_HTTP_PORT = 80;
    /** {@code --plain-http}: whether absolute-form requests ({@code HTTP_PROXY}) are forwarded. */
    public static final boolean PLAIN_HTTP = true;
    /** {@link #PLAIN_HTTP} as the command writes it. */
    public static final String PLAIN_HTTP_TEXT = "on";
    /** Bound of one flow's client→upstream queue. */
    public static final int MAX_QUEUED_BYTES_PER_FLOW = 256 * 1024;
    /** Concurrent connections of one client address ({@code --max-connections-per-client}); 0 = unlimited. */
    public static final int MAX_CONNECTIONS_PER_CLIENT = 0;
    /** Distinct names being resolved at once; beyond it a CONNECT for a new name gets 503. */
    public static final int MAX_NAME_LOOKUPS = 256;
    /** Requests of one client address waiting for names at once; beyond it that client gets 503. */
    public static final int MAX_NAME_LOOKUPS_PER_CLIENT = 256;
    /** The listen sockets' accept backlog: large, so that connection storms are queued rather than dropped. */
    public static final int LISTEN_BACKLOG = 1024;

    /** {@code --sni-check}: what a tunnel does with its ClientHello's server name. */
    public static final SniCheck SNI_CHECK = SniCheck.WARN;
    /** {@link #SNI_CHECK} as the command writes it. */
    public static final String SNI_CHECK_TEXT = "warn";

    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(IDLE_TIMEOUT_SECONDS);
    public static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(HANDSHAKE_TIMEOUT_SECONDS);
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(CONNECT_TIMEOUT_SECONDS);
    public static final Duration RESOLVE_TIMEOUT = Duration.ofSeconds(RESOLVE_TIMEOUT_SECONDS);
    public static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(SHUTDOWN_GRACE_SECONDS);

    /**
     * The default memory budget ({@code --max-buffer-memory}): half of what the JVM allows for direct buffers
     * ({@code -XX:MaxDirectMemorySize}, else the heap maximum), leaving the other half for buffers the garbage
     * collector has not yet freed and for the JDK's own use. With the launcher's {@code -Xmx64m} (the serial
     * collector reports 61.9 MiB of heap, which is also the direct-memory limit): 30.9 MiB.
     */
    public static long maxBufferMemory() {
        return Math.max(MIN_BUFFER_MEMORY, JvmLimits.maxDirectMemory() / 2);
    }

    /** The smallest budget accepted: 64 chunks of 16 KiB. */
    public static final long MIN_BUFFER_MEMORY = 1L << 20;

    private ProxyDefaults() {
    }
}
