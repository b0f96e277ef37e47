package dev.fyntr.transport.nio.internal;

import dev.fyntr.api.spi.SchedulerConfig;
import dev.fyntr.transport.nio.Resolver;
import dev.fyntr.transport.nio.internal.policy.Cidr;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/** Everything a proxy was built with, validated by the builder. Immutable. */
public record ProxyConfig(InetAddress bind, int port, int maxConnections, Duration idleTimeout,
                          Duration handshakeTimeout, Duration connectTimeout, Duration resolveTimeout,
                          Duration shutdownGrace, String schedulerName, SchedulerConfig schedulerConfig,
                          List<Integer> allowedPorts, List<Cidr> allowCidrs, List<Cidr> denyCidrs,
                          List<String> allowDomains, Resolver resolver, int maxQueuedBytesPerFlow,
                          int listenBacklog) {
}
