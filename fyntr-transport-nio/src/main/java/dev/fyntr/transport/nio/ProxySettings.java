package dev.fyntr.transport.nio;

import dev.fyntr.api.spi.SchedulerProvider;
import dev.fyntr.transport.nio.internal.FyntrProxyImpl;
import dev.fyntr.transport.nio.internal.ProxyConfig;
import dev.fyntr.transport.nio.internal.auth.UserTable;
import dev.fyntr.transport.nio.internal.threat.ThreatGuard;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * A checked configuration, from {@link FyntrProxyBuilder#build()}: every setting has been validated, the
 * scheduler found, the threat feeds loaded; only binding the listen sockets is left to {@link #start()}. A
 * command's dry run stops here and shows {@link #warnings()}; {@link #start()} logs them.
 *
 * <p>Immutable and thread-safe; one instance can start any number of proxies (each binds its own sockets).
 */
public final class ProxySettings {

    private final ProxyConfig config;
    private final SchedulerProvider scheduler;
    private final String schedulerDescription;
    private final ThreatGuard threats;
    private final UserTable users;
    private final List<String> warnings;

    ProxySettings(ProxyConfig config, SchedulerProvider scheduler, String schedulerDescription, ThreatGuard threats,
                  UserTable users, List<String> warnings) {
        this.config = config;
        this.scheduler = scheduler;
        this.schedulerDescription = schedulerDescription;
        this.threats = threats;
        this.users = users;
        this.warnings = List.copyOf(warnings);
    }

    /** How many users may authenticate, or 0 when the proxy requires no authentication. */
    public int authUsers() {
        return users == null ? 0 : users.size();
    }

    /** The address and port to listen on, as configured (port 0: the system will choose one). */
    public InetSocketAddress listenAddress() {
        return new InetSocketAddress(config.listen().bind(), config.listen().port());
    }

    /** The name of the scheduler provider found, e.g. {@code drr}. */
    public String schedulerName() {
        return scheduler.name();
    }

    /**
     * What the scheduler says it will do with this configuration, from
     * {@link SchedulerProvider#description(dev.fyntr.api.spi.SchedulerConfig)}: {@code quantum auto, sparse-flow
     * priority on} for {@code drr}; a plug-in's own words for a plug-in. For startup lines.
     */
    public String schedulerDescription() {
        return schedulerDescription;
    }

    /**
     * What deserves a warning in this configuration, one sentence each, e.g. a non-loopback listen address
     * without authentication, or an open-file limit below what {@code maxConnections} needs. Empty when all
     * is well. {@link #start()} logs each one at WARN.
     */
    public List<String> warnings() {
        return warnings;
    }

    /**
     * Binds the listen sockets and starts the proxy.
     *
     * @throws java.net.BindException if an address cannot be bound (the message names it, e.g. a port in use)
     * @throws IOException            if the sockets cannot be opened
     */
    public FyntrProxy start() throws IOException {
        return FyntrProxyImpl.start(config, scheduler, schedulerDescription, threats, users, warnings);
    }

    @Override
    public String toString() {
        return "ProxySettings[" + listenAddress() + ", scheduler " + schedulerName() + "]";
    }
}
