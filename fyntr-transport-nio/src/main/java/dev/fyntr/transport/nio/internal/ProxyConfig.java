package dev.fyntr.transport.nio.internal;

import dev.fyntr.api.spi.SchedulerConfig;
import dev.fyntr.transport.nio.Resolver;
import dev.fyntr.transport.nio.SniCheck;
import dev.fyntr.transport.nio.ThreatAction;
import dev.fyntr.transport.nio.internal.policy.PolicyConfig;
import dev.fyntr.transport.nio.internal.shaping.ShapingConfig;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything a proxy is built with, validated by the builder, as one record per concern. The records that a
 * single component reads live with it ({@link PolicyConfig}, {@link ShapingConfig}); the others are nested here.
 * Immutable.
 *
 * @param sniCheck what a tunnel does with the server name of its client's TLS ClientHello
 * @param observability the JMX MBean and the access log
 */
public record ProxyConfig(Listen listen, Timeouts timeouts, Limits limits, SchedulerChoice scheduler,
                          PolicyConfig policy, Threats threats, ShapingConfig shaping, Resolver resolver,
                          SniCheck sniCheck, Observability observability, PlainHttp plainHttp) {

    /**
     * The listen sockets.
     *
     * @param socks5Port the SOCKS5 listener's port (0 = any free port), or -1 when it is off
     * @param socks5Bind the SOCKS5 listener's address (the builder defaults it to {@code bind})
     * @param backlog    each listen socket's accept backlog
     */
    public record Listen(InetAddress bind, int port, int socks5Port, InetAddress socks5Bind, int backlog) {

        public boolean socks5() {
            return socks5Port >= 0;
        }
    }

    /**
     * The connection's deadlines.
     *
     * @param handshake the whole request head within this, from accept (also the longest a paced connect waits)
     * @param resolve   one name lookup
     * @param connect   one dial attempt
     * @param idle      an established tunnel with no bytes either way; zero = never
     * @param shutdownGrace how long {@code close()} lets tunnels finish
     */
    public record Timeouts(Duration handshake, Duration resolve, Duration connect, Duration idle,
                           Duration shutdownGrace) {
    }

    /**
     * Capacity.
     *
     * @param maxConnections          concurrent connections, handshakes included; 0 = unlimited
     * @param maxConnectionsPerClient concurrent connections of one client address; 0 = unlimited
     * @param maxQueuedBytesPerFlow   bound of one flow's upload queue (it shrinks as tunnels share the budget)
     * @param maxBufferMemory         the memory budget for every buffer the proxy holds, in bytes
     * @param maxNameLookups          distinct names being resolved at once
     * @param maxNameLookupsPerClient requests of one client address waiting for names at once
     */
    public record Limits(int maxConnections, int maxConnectionsPerClient, int maxQueuedBytesPerFlow,
                         long maxBufferMemory, int maxNameLookups, int maxNameLookupsPerClient) {
    }

    /**
     * Plain-HTTP forwarding (docs/plain-http.md).
     *
     * @param enabled whether absolute-form requests are forwarded (else 405)
     * @param ports   the destination ports a plain request may use: 80 and the explicitly allowed ports
     */
    public record PlainHttp(boolean enabled, List<Integer> ports) {

        public PlainHttp {
            ports = List.copyOf(ports);
        }
    }

    /**
     * How the proxy can be watched.
     *
     * @param jmx       whether to register the MBean {@code dev.fyntr:type=Proxy,name=…}
     * @param jmxName   its {@code name}, or null for {@code fyntr-<port>} (made unique in the JVM)
     * @param accessLog whether to write the {@code fyntr.access} lines
     */
    public record Observability(boolean jmx, String jmxName, boolean accessLog) {

        public static final Observability DEFAULT = new Observability(true, null, true);
    }

    /** The scheduler provider's name (after the lookup's defaults) and its configuration. */
    public record SchedulerChoice(String name, SchedulerConfig config) {
    }

    /** Threat feeds to load at start (possibly none) and what a match does. */
    public record Threats(List<Path> feedFiles, ThreatAction action) {

        public Threats {
            feedFiles = List.copyOf(feedFiles);
        }
    }
}
