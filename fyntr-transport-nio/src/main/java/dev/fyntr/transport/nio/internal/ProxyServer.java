package dev.fyntr.transport.nio.internal;

import dev.fyntr.api.spi.Scheduler;
import dev.fyntr.api.spi.SchedulerProvider;
import dev.fyntr.transport.nio.FyntrProxy;
import dev.fyntr.transport.nio.ProxyStats;
import dev.fyntr.transport.nio.internal.threat.ThreatGuard;
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
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** The running proxy behind {@link FyntrProxy}: one event-loop thread plus a small resolver pool. */
public final class ProxyServer implements FyntrProxy {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final ProxyConfig config;
    private final InetSocketAddress address;
    private final InetSocketAddress socks5Address;
    private final String schedulerName;
    private final EventLoop loop;
    private final Thread thread;
    private final ThreadPoolExecutor resolverPool;
    private final AtomicBoolean closing = new AtomicBoolean();

    private ProxyServer(ProxyConfig config, InetSocketAddress address, InetSocketAddress socks5Address,
                        String schedulerName, EventLoop loop, Thread thread, ThreadPoolExecutor resolverPool) {
        this.config = config;
        this.address = address;
        this.socks5Address = socks5Address;
        this.schedulerName = schedulerName;
        this.loop = loop;
        this.thread = thread;
        this.resolverPool = resolverPool;
    }

    /**
     * Binds, starts the loop thread, logs the startup line and the warnings the builder's check found.
     *
     * @param threats  the loaded feeds ({@link ThreatGuard#none()} without feeds)
     * @param warnings from {@link StartupWarnings#of}, logged at WARN
     */
    public static FyntrProxy start(ProxyConfig config, ShapingConfig shaping, SchedulerProvider provider,
                                   ThreatGuard threats, List<String> warnings) throws IOException {
        Scheduler scheduler = provider.create(config.schedulerConfig());
        int instance = INSTANCES.incrementAndGet();
        ServerSocketChannel server = ServerSocketChannel.open();
        ServerSocketChannel socks5Server = null;
        Selector selector = null;
        ThreadPoolExecutor resolverPool = null;
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            try {
                server.bind(new InetSocketAddress(config.bind(), config.port()), config.listenBacklog());
            } catch (BindException e) {
                throw new BindException("cannot listen on " + Connection.format(
                        new InetSocketAddress(config.bind(), config.port())) + ": " + e.getMessage()
                        + (config.port() != 0 ? " (is another process using port " + config.port() + "?)" : ""));
            }
            server.configureBlocking(false);
            if (config.socks5Port() >= 0) {
                socks5Server = ServerSocketChannel.open();
                listen(socks5Server, new InetSocketAddress(config.socks5Bind(), config.socks5Port()), config, "SOCKS5 ");
            }
            selector = Selector.open();
            resolverPool = new ThreadPoolExecutor(4, 4, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(4096),
                    daemonThreads("fyntr-resolver-" + instance + "-"));
            resolverPool.allowCoreThreadTimeOut(true);
            EventLoop loop = new EventLoop(config, selector, server, scheduler, provider.name(), resolverPool,
                    socks5Server, threats);
            loop.shaping.configure(shaping, System.nanoTime()); // published to the loop by Thread.start()
            Thread thread = new Thread(loop, "fyntr-loop-" + instance);
            InetSocketAddress bound = (InetSocketAddress) server.getLocalAddress();
            InetSocketAddress socks5Bound = socks5Server == null ? null
                    : (InetSocketAddress) socks5Server.getLocalAddress();
            ProxyServer proxy = new ProxyServer(config, bound, socks5Bound, provider.name(), loop, thread,
                    resolverPool);
            thread.start();
            proxy.logStartup(warnings);
            if (!shaping.equals(ShapingConfig.OFF)) {
                LOG.info("rate limits: {}", shaping.describe());
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
            if (resolverPool != null) {
                resolverPool.shutdownNow();
            }
            throw e;
        }
    }

    /** Binds a second listener (SOCKS5) like the first, with the same kind of message when the port is taken. */
    private static void listen(ServerSocketChannel ch, InetSocketAddress at, ProxyConfig config, String what)
            throws IOException {
        ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        try {
            ch.bind(at, config.listenBacklog());
        } catch (BindException e) {
            throw new BindException("cannot listen for " + what + "on " + Connection.format(at) + ": "
                    + e.getMessage() + (at.getPort() != 0 ? " (is another process using port " + at.getPort() + "?)" : ""));
        }
        ch.configureBlocking(false);
    }

    private void logStartup(List<String> warnings) {
        LOG.info("fyntr {} listening on {} (scheduler {}, max {} connections; {})", version(), Connection.format(address), schedulerName,
                config.maxConnections() == 0 ? "unlimited" : String.valueOf(config.maxConnections()),
                loop.policy.describe());
        if (socks5Address != null) {
            LOG.info("SOCKS5 listening on {} (no authentication, CONNECT only)", Connection.format(socks5Address));
        }
        if (loop.threats.hasFeeds()) {
            LOG.info("{}", loop.threats.describe());
        }
        for (String warning : warnings) {
            LOG.warn(warning);
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

    private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
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
        ProxyStats last = loop.finalStats();
        if (last != null) {
            return last;
        }
        java.util.concurrent.CompletableFuture<ProxyStats> f = new java.util.concurrent.CompletableFuture<>();
        loop.execute(() -> f.complete(loop.snapshot()));
        try {
            return f.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while taking stats", e);
        } catch (ExecutionException | TimeoutException e) {
            last = loop.finalStats();
            if (last != null) {
                return last; // the loop ended while we asked
            }
            throw new IllegalStateException("the event loop did not answer within 5 s", e);
        }
    }

    @Override
    public void maxRate(long bytesPerSecond) {
        ShapingConfig.checkBytesPerSecond("maxRate", bytesPerSecond);
        LOG.info("upload rate limit set to {}", ShapingConfig.bytes(bytesPerSecond));
        loop.execute(() -> loop.shaping.upload.rate(bytesPerSecond, System.nanoTime()));
    }

    @Override
    public void maxDownloadRate(long bytesPerSecond) {
        ShapingConfig.checkBytesPerSecond("maxDownloadRate", bytesPerSecond);
        LOG.info("download rate limit set to {}", ShapingConfig.bytes(bytesPerSecond));
        loop.execute(() -> loop.shaping.download.rate(bytesPerSecond, System.nanoTime()));
    }

    @Override
    public void maxConnectRate(double connectsPerSecond) {
        ShapingConfig.checkConnectsPerSecond(connectsPerSecond);
        LOG.info("connect rate limit set to {}", ShapingConfig.connects(connectsPerSecond));
        loop.execute(() -> loop.shaping.connects.rate(connectsPerSecond, System.nanoTime()));
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
        close(config.shutdownGrace());
    }

    @Override
    public void close(Duration grace) {
        if (Thread.currentThread() == thread) {
            throw new IllegalStateException("close() called on the event-loop thread; call it from another thread");
        }
        long graceNanos = grace.isNegative() ? 0 : grace.toNanos();
        closing.set(true);
        loop.execute(() -> loop.beginShutdown(graceNanos));
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
            resolverPool.shutdownNow();
            try {
                if (!resolverPool.awaitTermination(2, TimeUnit.SECONDS)) {
                    LOG.warn("a name lookup is still running after close; its thread is a daemon and will not "
                            + "keep the JVM alive");
                }
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
        return loop.buffers.outstanding();
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
        return "FyntrProxy[" + Connection.format(address) + ", scheduler " + schedulerName + "]";
    }
}
