package dev.fyntr.transport.nio.internal;

import dev.fyntr.api.Schedulers;
import dev.fyntr.api.spi.Scheduler;
import dev.fyntr.api.spi.SchedulerProvider;
import dev.fyntr.transport.nio.FyntrProxy;
import dev.fyntr.transport.nio.MemoryStats;
import dev.fyntr.transport.nio.ProxyStats;
import dev.fyntr.transport.nio.ProxyTimings;
import dev.fyntr.transport.nio.internal.access.AccessLog;
import dev.fyntr.transport.nio.ThreatFeedException;
import dev.fyntr.transport.nio.internal.auth.ProxyAuthenticator;
import dev.fyntr.transport.nio.internal.auth.UserTable;
import dev.fyntr.transport.nio.internal.dial.Dialers;
import dev.fyntr.transport.nio.internal.dial.NameResolver;
import dev.fyntr.transport.nio.internal.dial.SocketConnector;
import dev.fyntr.transport.nio.internal.handshake.HandshakeServices;
import dev.fyntr.transport.nio.internal.handshake.http.HttpFrontEnd;
import dev.fyntr.transport.nio.internal.handshake.socks.Socks5FrontEnd;
import dev.fyntr.transport.nio.internal.loop.BufferPool;
import dev.fyntr.transport.nio.internal.jmx.JmxRegistration;
import dev.fyntr.transport.nio.internal.loop.EventLoop;
import dev.fyntr.transport.nio.internal.metrics.Timings;
import dev.fyntr.transport.nio.internal.net.Formats;
import dev.fyntr.transport.nio.internal.net.LogHandoff;
import dev.fyntr.transport.nio.internal.policy.DestinationPolicy;
import dev.fyntr.transport.nio.internal.shaping.Shaping;
import dev.fyntr.transport.nio.internal.shaping.ShapingConfig;
import dev.fyntr.transport.nio.internal.threat.ThreatGuard;
import dev.fyntr.transport.nio.internal.tunnel.ConnectionServices;
import dev.fyntr.transport.nio.internal.tunnel.Connections;
import dev.fyntr.transport.nio.internal.tunnel.Counters;
import dev.fyntr.transport.nio.internal.tunnel.ServiceRound;
import dev.fyntr.transport.nio.internal.tunnel.SniPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The running proxy behind {@link FyntrProxy}: it wires one event loop with its tenants (listeners,
 * connections, scheduler, shaping, name resolution) and is the handle other threads use, always through loop
 * messages.
 */
public final class FyntrProxyImpl implements FyntrProxy {

    private static final Logger LOG = LoggerFactory.getLogger(FyntrProxyImpl.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    /** Free buffers the pool keeps for reuse (16 MiB of direct memory at most). */
    private static final int BUFFERS_RETAINED = 1024;

    private final ProxyConfig config;
    private final InetSocketAddress address;
    private final InetSocketAddress socks5Address;
    private final String schedulerName;
    /** What the provider says of itself and its settings (its name when it says nothing more), for the log. */
    private final String schedulerDescription;
    private final EventLoop loop;
    private final Thread thread;
    private final Shaping shaping;
    private final Counters counters;
    private final Connections connections;
    private final ConnectionServices services;
    private final NameResolver resolver;
    private final Timings timings;
    private final AccessLog accessLog;
    private final ThreatGuard threats;
    /** Checks credentials; {@code null} when the proxy requires none. */
    private final ProxyAuthenticator authenticator;
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile ProxyStats finalStats;
    private volatile ProxyTimings finalTimings;
    private volatile JmxRegistration jmx;

    private FyntrProxyImpl(ProxyConfig config, SchedulerProvider provider, String schedulerDescription,
                           ThreatGuard threats, UserTable users, ServerSocketChannel server,
                           ServerSocketChannel socks5Server, Selector selector) throws IOException {
        this.config = config;
        this.threats = threats;
        this.schedulerName = provider.name();
        this.schedulerDescription = schedulerDescription;
        this.address = (InetSocketAddress) server.getLocalAddress();
        this.socks5Address = socks5Server == null ? null : (InetSocketAddress) socks5Server.getLocalAddress();
        int instance = INSTANCES.incrementAndGet();
        ProxyConfig.Timeouts timeouts = config.timeouts();
        ProxyConfig.Limits limits = config.limits();
        Scheduler scheduler = provider.create(config.scheduler().config());
        this.loop = new EventLoop(selector, limits.maxBufferMemory(), BUFFERS_RETAINED);
        this.shaping = new Shaping(loop, timeouts.handshake());
        this.counters = new Counters();
        this.timings = new Timings();
        this.accessLog = new AccessLog(config.observability().accessLog());
        this.resolver = new NameResolver(loop, config.resolver(), "fyntr-resolver-" + instance + "-",
                limits.maxNameLookups(), limits.maxNameLookupsPerClient());
        this.authenticator = users == null ? null : new ProxyAuthenticator(users, loop::execute);
        DestinationPolicy policy = DestinationPolicy.from(config.policy());
        DestinationPolicy plainPolicy = new DestinationPolicy(config.plainHttp().ports(), config.policy().allowCidrs(),
                config.policy().denyCidrs(), config.policy().allowDomains());
        HandshakeServices handshakes = new HandshakeServices(loop, policy, threats, resolver,
                new Dialers(loop, new SocketConnector(loop), shaping.connects, timeouts.connect()),
                timeouts.handshake(), timeouts.resolve(), timeouts.connect(), limits.maxConnections(), authenticator,
                plainPolicy);
        this.services = new ConnectionServices(loop, counters, handshakes, scheduler, schedulerName,
                fallback(provider, config), Schedulers.DEFAULT_NAME, shaping.download, limits.maxQueuedBytesPerFlow(),
                timeouts.idle(), new SniPolicy(config.sniCheck(), threats, config.policy().allowDomains()), timings,
                accessLog);
        this.connections = new Connections(services, limits.maxConnections(), limits.maxConnectionsPerClient(),
                loop::stop);
        boolean plainHttp = config.plainHttp().enabled();
        connections.listen(server, () -> new HttpFrontEnd(plainHttp));
        if (socks5Server != null) {
            boolean socksAuth = authenticator != null;
            connections.listen(socks5Server, () -> new Socks5FrontEnd(socksAuth));
        }
        shaping.configure(config.shaping(), System.nanoTime()); // published to the loop by Thread.start()
        loop.duty(new ServiceRound(services, shaping, loop::pollReadyNow));
        loop.onStop(() -> {
            connections.closeAll();
            finalTimings = timings.snapshot();
            finalStats = snapshot();
            accessLog.totals(finalStats);
        });
        this.thread = new Thread(loop, "fyntr-loop-" + instance);
        logStartup(policy, threats);
    }

    /**
     * Binds, starts the loop thread, logs the startup line and the warnings the builder's check found.
     *
     * @param threats  the loaded feeds ({@link ThreatGuard#none()} without feeds)
     * @param users    who may authenticate, or {@code null}: no authentication
     * @param warnings from {@link StartupWarnings#of}, logged at WARN
     */
    public static FyntrProxy start(ProxyConfig config, SchedulerProvider provider, String schedulerDescription,
                                   ThreatGuard threats, UserTable users, List<String> warnings) throws IOException {
        ProxyConfig.Listen listen = config.listen();
        ServerSocketChannel server = ServerSocketChannel.open();
        ServerSocketChannel socks5Server = null;
        Selector selector = null;
        try {
            listen(server, new InetSocketAddress(listen.bind(), listen.port()), listen.backlog(), "");
            if (listen.socks5()) {
                socks5Server = ServerSocketChannel.open();
                listen(socks5Server, new InetSocketAddress(listen.socks5Bind(), listen.socks5Port()), listen.backlog(),
                        "for SOCKS5 ");
            }
            selector = Selector.open();
            FyntrProxyImpl proxy = new FyntrProxyImpl(config, provider, schedulerDescription, threats, users, server,
                    socks5Server, selector);
            for (String warning : warnings) {
                LOG.warn(warning);
            }
            proxy.thread.start();
            if (config.observability().jmx()) {
                try {
                    proxy.jmx = JmxRegistration.register(proxy, config.observability().jmxName());
                } catch (RuntimeException e) {
                    proxy.close(Duration.ZERO);
                    throw e;
                }
            }
            return proxy;
        } catch (IOException | RuntimeException e) {
            server.close();
            if (socks5Server != null) {
                socks5Server.close();
            }
            if (selector != null) {
                selector.close();
            }
            throw e;
        }
    }

    /** Binds a listen socket, with a message that names the address when the port is taken. */
    private static void listen(ServerSocketChannel ch, InetSocketAddress at, int backlog, String what)
            throws IOException {
        ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        try {
            ch.bind(at, backlog);
        } catch (BindException e) {
            throw new BindException("cannot listen " + what + "on " + Formats.endpoint(at) + ": "
                    + e.getMessage() + (at.getPort() != 0 && String.valueOf(e.getMessage()).contains("in use")
                            ? " (is another process using port " + at.getPort() + "?)" : ""));
        }
        ch.configureBlocking(false);
    }

    private void logStartup(DestinationPolicy policy, ThreatGuard threats) {
        int max = config.limits().maxConnections();
        String scheduler = schedulerDescription.equals(schedulerName) ? schedulerName
                : schedulerName + " (" + schedulerDescription + ")";
        LOG.info("fyntr {} listening on {} (scheduler {}, max {} connections, buffer memory {} MiB; {})", version(),
                Formats.endpoint(address), scheduler, max == 0 ? "unlimited" : String.valueOf(max),
                config.limits().maxBufferMemory() >> 20, policy.describe());
        if (socks5Address != null) {
            LOG.info("SOCKS5 listening on {} ({}, CONNECT only)", Formats.endpoint(socks5Address),
                    authenticator == null ? "no authentication" : "username/password");
        }
        if (authenticator != null) {
            LOG.info("authentication required: {}", authenticator.users());
        }
        if (config.plainHttp().enabled()) {
            StringBuilder ports = new StringBuilder();
            for (int p : config.plainHttp().ports()) {
                ports.append(ports.length() == 0 ? "" : ", ").append(p);
            }
            LOG.info("plain-HTTP forwarding on (HTTP_PROXY): ports {}, same ranges as CONNECT", ports);
        }
        if (threats.hasFeeds()) {
            LOG.info("{}", threats.describe());
        }
        if (!config.shaping().equals(ShapingConfig.OFF)) {
            LOG.info("rate limits: {}", config.shaping().describe());
        }
    }

    /** The module's version on the module path, the jar manifest's on the class path, else "(dev)". */
    static String version() {
        Module module = FyntrProxy.class.getModule();
        if (module.getDescriptor() != null) {
            var v = module.getDescriptor().rawVersion();
            if (v.isPresent()) {
                return v.get();
            }
        }
        String v = FyntrProxy.class.getPackage().getImplementationVersion();
        return v == null ? "(dev)" : v;
    }

    /**
     * What replaces a scheduler that throws: a fresh built-in DRR, or, when DRR is not installed, a fresh instance
     * of the same provider.
     */
    private static Supplier<Scheduler> fallback(SchedulerProvider configured, ProxyConfig config) {
        SchedulerProvider builtIn;
        try {
            builtIn = Schedulers.provider(Schedulers.DEFAULT_NAME);
        } catch (RuntimeException e) {
            builtIn = configured;
        }
        SchedulerProvider chosen = builtIn;
        return () -> chosen.create(config.scheduler().config());
    }

    private ProxyStats snapshot() {
        BufferPool buffers = loop.buffers();
        MemoryStats memory = new MemoryStats(buffers.budgetBytes(), buffers.usedBytes(), buffers.peakBytes(),
                buffers.waiting(), buffers.refusals());
        return counters.snapshot(shaping, System.nanoTime(), memory, resolver.namesInFlight(), loop.faults(),
                services, authenticator == null ? 0 : authenticator.failures());
    }

    @Override
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public Optional<InetSocketAddress> socks5Address() {
        return Optional.ofNullable(socks5Address);
    }

    @Override
    public String schedulerName() {
        return schedulerName;
    }

    @Override
    public ProxyStats stats() {
        return onLoop(this::snapshot, () -> finalStats);
    }

    @Override
    public ProxyTimings timings() {
        return onLoop(timings::snapshot, () -> finalTimings);
    }

    @Override
    public long accessLogDropped() {
        return accessLog.dropped();
    }

    @Override
    public Optional<String> jmxName() {
        JmxRegistration r = jmx;
        return r == null ? Optional.empty() : Optional.of(r.name().toString());
    }

    /**
     * Asks the loop for {@code figures}; once the loop has ended, the figures it left ({@code last}, set in its
     * last turn).
     */
    private <T> T onLoop(Supplier<T> figures, Supplier<T> last) {
        T done = last.get();
        if (done != null) {
            return done;
        }
        CompletableFuture<T> f = new CompletableFuture<>();
        loop.execute(() -> f.complete(figures.get()));
        try {
            return f.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while taking stats", e);
        } catch (ExecutionException | TimeoutException e) {
            done = last.get();
            if (done != null) {
                return done; // the loop ended while we asked
            }
            throw new IllegalStateException("the event loop did not answer within 5 s", e);
        }
    }

    /**
     * Runs a settings change on the loop and returns once it is in force, so that it holds for every request that
     * arrives after the caller's call returned (a change merely queued could lose the race with a connection the
     * caller opens next). Returns at once on the loop thread itself, and when the loop has ended.
     */
    private void applyOnLoop(Runnable change) {
        if (loop.inLoop()) {
            change.run();
            return;
        }
        CompletableFuture<Void> applied = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                change.run();
            } finally {
                applied.complete(null);
            }
        });
        try {
            CompletableFuture.anyOf(applied, loop.terminated()).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // The loop failed before it got to the change: there is nothing left to change.
        } catch (TimeoutException e) {
            throw new IllegalStateException("the event loop did not apply the change within 5 s", e);
        }
    }

    /** The access log, for tests that tap its lines. */
    public AccessLog accessLog() {
        return accessLog;
    }

    @Override
    public void maxRate(long bytesPerSecond) {
        ShapingConfig.checkBytesPerSecond("maxRate", bytesPerSecond);
        LOG.info("upload rate limit set to {}", ShapingConfig.bytes(bytesPerSecond));
        applyOnLoop(() -> shaping.upload.rate(bytesPerSecond, System.nanoTime()));
    }

    @Override
    public void maxDownloadRate(long bytesPerSecond) {
        ShapingConfig.checkBytesPerSecond("maxDownloadRate", bytesPerSecond);
        LOG.info("download rate limit set to {}", ShapingConfig.bytes(bytesPerSecond));
        applyOnLoop(() -> shaping.download.rate(bytesPerSecond, System.nanoTime()));
    }

    @Override
    public void maxConnectRate(double connectsPerSecond) {
        ShapingConfig.checkConnectsPerSecond(connectsPerSecond);
        LOG.info("connect rate limit set to {}", ShapingConfig.connects(connectsPerSecond));
        applyOnLoop(() -> shaping.connects.rate(connectsPerSecond, System.nanoTime()));
    }

    @Override
    public synchronized boolean reload() {
        boolean ok = true;
        if (authenticator != null) {
            UserTable current = authenticator.users();
            if (current.file() != null) {
                try {
                    UserTable fresh = UserTable.load(current.file());
                    authenticator.users(fresh);
                    LOG.info("reloaded {}", fresh);
                } catch (UserTable.InvalidFileException e) {
                    ok = false;
                    LOG.warn("{}; keeping the previous {}", e.getMessage(), current);
                }
            }
        }
        if (threats.hasFeeds()) {
            try {
                LOG.info("reloaded {}", threats.reload());
            } catch (ThreatFeedException | RuntimeException e) {
                ok = false;
                LOG.warn("threat feeds not reloaded, keeping the previous ones ({}): {}", threats.describe(),
                        e.getMessage());
            }
        }
        return ok;
    }

    @Override
    public CompletionStage<Void> terminated() {
        return loop.terminated().minimalCompletionStage();
    }

    @Override
    public boolean isClosing() {
        return closing.get() || loop.terminated().isDone();
    }

    @Override
    public void close() {
        close(config.timeouts().shutdownGrace());
    }

    @Override
    public void close(Duration grace) {
        if (Thread.currentThread() == thread) {
            throw new IllegalStateException("close() called on the event-loop thread; call it from another thread");
        }
        long graceNanos = grace.isNegative() ? 0 : grace.toNanos();
        closing.set(true);
        loop.execute(() -> connections.beginShutdown(graceNanos));
        boolean interrupted = false;
        try {
            // The loop ends by itself after the grace period; the extra time covers a loaded machine.
            long waitMillis = grace.toMillis() + 10_000;
            while (true) {
                try {
                    loop.terminated().get(waitMillis, TimeUnit.MILLISECONDS);
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // finish closing first: a half-closed proxy would leak sockets
                } catch (ExecutionException e) {
                    break;
                } catch (TimeoutException e) {
                    LOG.error("the event loop did not stop within {} ms", waitMillis);
                    break;
                }
            }
            joinQuietly(thread, 5_000);
            JmxRegistration r = jmx;
            if (r != null) {
                r.unregister();
            }
            LogHandoff.drain(2_000); // the loop's last lines before the caller's next ones
            if (authenticator != null) {
                authenticator.close();
            }
            try {
                resolver.close();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Pooled buffers not returned to the pool; for tests, once {@link #close()} has returned (the loop thread has
     * ended, so reading its state here is safe). Every path returns what it took, so this must be 0.
     */
    public int buffersOutstanding() {
        if (!loop.terminated().isDone()) {
            throw new IllegalStateException("buffersOutstanding() is only meaningful after close()");
        }
        return loop.buffers().outstanding();
    }

    private static void joinQuietly(Thread t, long millis) {
        try {
            t.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "FyntrProxy[" + Formats.endpoint(address) + ", scheduler " + schedulerName + "]";
    }
}
