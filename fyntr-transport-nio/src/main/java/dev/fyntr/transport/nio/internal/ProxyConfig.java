package dev.fyntr.transport.nio.internal;

import dev.fyntr.api.spi.SchedulerConfig;
import dev.fyntr.transport.nio.Resolver;
import dev.fyntr.transport.nio.ThreatAction;
import dev.fyntr.transport.nio.internal.policy.Cidr;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything a proxy was built with, validated by the builder. Immutable.
 *
 * @param threatFeedFiles threat feeds to load at start (SPEC §6.4), possibly none
 * @param threatAction    what a feed match does
 * @param socks5Port      the SOCKS5 listener's port (0 = any free port), or -1 when it is off
 * @param socks5Bind      the SOCKS5 listener's address (the builder defaults it to {@code bind})
 */
public record ProxyConfig(InetAddress bind, int port, int maxConnections, Duration idleTimeout,
                          Duration handshakeTimeout, Duration connectTimeout, Duration resolveTimeout,
                          Duration shutdownGrace, String schedulerName, SchedulerConfig schedulerConfig,
                          List<Integer> allowedPorts, List<Cidr> allowCidrs, List<Cidr> denyCidrs,
                          List<String> allowDomains, Resolver resolver, int maxQueuedBytesPerFlow,
                          int listenBacklog,
                          List<Path> threatFeedFiles, ThreatAction threatAction, int socks5Port,
                          InetAddress socks5Bind) {

    /** A configuration without threat feeds and without the SOCKS5 listener. */
    public ProxyConfig(InetAddress bind, int port, int maxConnections, Duration idleTimeout,
                       Duration handshakeTimeout, Duration connectTimeout, Duration resolveTimeout,
                       Duration shutdownGrace, String schedulerName, SchedulerConfig schedulerConfig,
                       List<Integer> allowedPorts, List<Cidr> allowCidrs, List<Cidr> denyCidrs,
                       List<String> allowDomains, Resolver resolver, int maxQueuedBytesPerFlow,
                       int listenBacklog) {
        this(bind, port, maxConnections, idleTimeout, handshakeTimeout, connectTimeout, resolveTimeout,
                shutdownGrace, schedulerName, schedulerConfig, allowedPorts, allowCidrs, denyCidrs, allowDomains,
                resolver, maxQueuedBytesPerFlow, listenBacklog, List.of(), ThreatAction.WARN, -1, bind);
    }
}
