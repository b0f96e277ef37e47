package dev.fyntr.transport.nio.internal;

import dev.fyntr.api.spi.Flow;
import dev.fyntr.api.spi.Scheduler;
import dev.fyntr.transport.nio.ProxyStats;
import dev.fyntr.transport.nio.internal.frontend.FrontEnd;
import dev.fyntr.transport.nio.internal.frontend.HttpFrontEnd;
import dev.fyntr.transport.nio.internal.policy.DestinationPolicy;
import dev.fyntr.transport.nio.internal.socks.Socks5FrontEnd;
import dev.fyntr.transport.nio.internal.threat.ThreatGuard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The proxy's single event-loop thread, an actor: it owns the selector, every channel, every flow's buffers and
 * the scheduler instance. Other threads talk to it only through {@link #execute(Runnable)}.
 *
 * <p>One turn: select (sleeping until the next timer when idle), handle ready keys, run messages, let the
 * scheduler hand out up to {@link #TURN_BUDGET_BYTES} of upstream writes, run due timers.
 */
final class EventLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(EventLoop.class);

    /**
     * Upstream bytes written per turn before the loop looks at its sockets again. It sets the trade between an
     * interactive flow's latency and bulk throughput: with 16 bulk uploads on loopback, 512 KiB gave a 64 B echo a
     * p50 of about 1.1 ms, 128 KiB about 0.5 ms for 6 % less throughput, 64 KiB about 0.35 ms for 15 % less. To
     * re-measure, change this constant and compare
     * {@code LoadTool interactive --fork --count 2000} and {@code LoadTool bulk --fork --seconds 4} (docs/benchmarks.md),
     * alternating the builds, median of 3.
     */
    static final int TURN_BUDGET_BYTES = 128 * 1024;
    private static final int ACCEPTS_PER_EVENT = 64;
    private static final long ACCEPT_PAUSE_NANOS = 100_000_000L;

    final ProxyConfig config;
    final Selector selector;
    final TimerQueue timers = new TimerQueue();
    final BufferPool buffers;
    final Counters counters = new Counters();
    /** --max-rate, --max-download-rate, --max-connect-rate; all off until configured. */
    final Shaping shaping = new Shaping(this);
    final Scheduler scheduler;
    final String schedulerName;
    final DestinationPolicy policy;
    final ThreatGuard threats;
    final int maxChunksPerFlow;

    /** The HTTP CONNECT listener, and the SOCKS5 one when configured. */
    private final List<Acceptor> acceptors = new ArrayList<>(2);
    private final ExecutorService resolverPool;
    private final Queue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    private final Set<Connection> connections = new LinkedHashSet<>();
    private final Consumer<SelectionKey> dispatch = this::dispatch;
    private final Timer graceTimer = new Timer(this::onGraceExpired);
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();

    private long nextFlowId = 1;
    private boolean moreWork;
    private boolean shuttingDown;
    private long lastAcceptWarning;
    private volatile ProxyStats finalStats;

    /**
     * @param socks5Server the SOCKS5 listen socket, or {@code null} when that listener is off
     * @param threats      the loaded threat feeds ({@link ThreatGuard#none()} without feeds)
     */
    EventLoop(ProxyConfig config, Selector selector, ServerSocketChannel server, Scheduler scheduler,
              String schedulerName, ExecutorService resolverPool,
              ServerSocketChannel socks5Server, ThreatGuard threats) throws IOException {
        this.config = config;
        this.selector = selector;
        this.threats = threats;
        this.scheduler = scheduler;
        this.schedulerName = schedulerName;
        this.resolverPool = resolverPool;
        this.policy = DestinationPolicy.from(config);
        this.maxChunksPerFlow = Math.max(1, config.maxQueuedBytesPerFlow() / BufferPool.CHUNK_BYTES);
        this.buffers = new BufferPool(1024);
        acceptors.add(new Acceptor(server, HttpFrontEnd::new));
        if (socks5Server != null) {
            acceptors.add(new Acceptor(socks5Server, Socks5FrontEnd::new));
        }
    }

    /** Runs {@code task} on the loop thread soon. Thread-safe. */
    void execute(Runnable task) {
        inbox.add(task);
        selector.wakeup();
    }

    CompletableFuture<Void> terminated() {
        return terminated;
    }

    ProxyStats finalStats() {
        return finalStats;
    }

    @Override
    public void run() {
        Throwable failure = null;
        try {
            while (!(shuttingDown && connections.isEmpty())) {
                long timeout = selectTimeoutMillis();
                if (timeout < 0) {
                    selector.selectNow(dispatch);
                } else {
                    selector.select(dispatch, timeout);
                }
                runInbox();
                serviceRound();
                timers.runDue(System.nanoTime());
            }
        } catch (ClosedSelectorException | IOException e) {
            LOG.error("event loop stopped: {}", e.toString(), e);
            failure = e;
        } catch (RuntimeException | Error e) {
            LOG.error("event loop failed", e);
            failure = e;
        } finally {
            closeEverything();
            if (failure == null) {
                terminated.complete(null);
            } else {
                terminated.completeExceptionally(failure);
            }
        }
    }

    /** -1: don't sleep (work is pending); 0: sleep until woken; else milliseconds until the next timer. */
    private long selectTimeoutMillis() {
        if (moreWork || shaping.upload.roundDue() || !inbox.isEmpty()) {
            return -1;
        }
        long next = timers.nextDeadline();
        if (next == Timer.DISARMED) {
            return 0;
        }
        long nanos = next - System.nanoTime();
        if (nanos <= 0) {
            return -1;
        }
        return Math.max(1, (nanos + 999_999) / 1_000_000);
    }

    private void dispatch(SelectionKey key) {
        Object attachment = key.attachment();
        if (!(attachment instanceof IoHandler handler) || !key.isValid()) {
            return;
        }
        try {
            handler.onReady(key);
        } catch (IOException | RuntimeException e) {
            handler.onFailure(e);
        }
    }

    private void runInbox() {
        // Bounded: tasks added while draining wait for the next turn.
        for (int n = inbox.size(); n > 0; n--) {
            Runnable task = inbox.poll();
            if (task == null) {
                break;
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("event loop task failed", e);
            }
        }
    }

    /**
     * Lets the scheduler hand out this turn's upstream writes: up to the turn budget, or fewer when the
     * --max-rate bucket holds fewer tokens (the scheduler is asked only while tokens remain).
     */
    private void serviceRound() {
        long now = System.nanoTime();
        shaping.onTurn(now);
        int allowance = shaping.upload.allowance(TURN_BUDGET_BYTES, now);
        int budget = allowance;
        boolean drained = false;
        boolean starved = false;
        // Bounded: each pass writes bytes (lowering the budget), or takes a flow out of the eligible set.
        for (int guard = 0; guard < 1_000_000 && budget > 0; guard++) {
            Flow flow;
            try {
                flow = scheduler.next();
            } catch (RuntimeException e) {
                LOG.error("scheduler {} threw from next(); skipping this turn", schedulerName, e);
                break;
            }
            if (flow == null) {
                drained = true;
                break;
            }
            if (!(flow instanceof Connection connection)) {
                LOG.error("scheduler {} returned a flow it was never given: {}", schedulerName, flow);
                break;
            }
            int cap = shaping.upload.writeCap(connection.headChunkBytes(), budget);
            if (cap == 0) {
                scheduler.onSent(connection, 0); // too few tokens for a useful write: it waits for the refill
                starved = true;
                break;
            }
            try {
                budget -= connection.writeHeadChunk(cap);
            } catch (RuntimeException e) {
                LOG.error("{}: failed while writing upstream; closing it", connection, e);
                connection.abort("internal error: " + e, true);
            }
        }
        moreWork = shaping.upload.afterRound(allowance - budget, drained, starved, budget <= 0, now);
    }

    /** Starts name resolution off the loop; the answer comes back as a task. */
    void resolve(Connection connection, String host) {
        try {
            resolverPool.execute(() -> {
                List<InetAddress> result = null;
                Throwable error = null;
                try {
                    result = config.resolver().resolve(host);
                } catch (Throwable t) { // the resolver is user code: whatever it throws means "no answer"
                    error = t;
                }
                List<InetAddress> r = result;
                Throwable e = error;
                execute(() -> connection.onResolved(r, e));
            });
        } catch (RejectedExecutionException e) {
            connection.onResolved(null, new IOException("too many name lookups in progress"));
        }
    }

    void forget(Connection connection) {
        connections.remove(connection);
    }

    ProxyStats snapshot() {
        return counters.snapshot(shaping.stats(System.nanoTime()));
    }

    // ---- accept -----------------------------------------------------------------------------------------

    /** One listen socket, and the protocol its connections speak. */
    private final class Acceptor implements IoHandler {
        final ServerSocketChannel channel;
        final SelectionKey key;
        final Supplier<FrontEnd> protocol;
        final Timer resume = new Timer(this::resume);

        Acceptor(ServerSocketChannel channel, Supplier<FrontEnd> protocol) throws IOException {
            this.channel = channel;
            this.protocol = protocol;
            this.key = channel.register(selector, SelectionKey.OP_ACCEPT, this);
        }

        @Override
        public void onReady(SelectionKey key) {
            for (int i = 0; i < ACCEPTS_PER_EVENT && !shuttingDown; i++) {
                SocketChannel ch;
                try {
                    ch = channel.accept();
                } catch (IOException e) {
                    onAcceptError(this, e);
                    return;
                }
                if (ch == null) {
                    return;
                }
                accepted(ch, protocol.get());
            }
        }

        @Override
        public void onFailure(Throwable failure) {
            LOG.error("accept failed", failure);
        }

        private void resume() {
            if (!shuttingDown && key.isValid()) {
                key.interestOps(SelectionKey.OP_ACCEPT);
            }
        }

        void close() {
            key.cancel();
            closeQuietly(channel);
        }
    }

    private void accepted(SocketChannel ch, FrontEnd frontEnd) {
        counters.connectionsAccepted++;
        try {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            SelectionKey key = ch.register(selector, 0);
            Connection c = new Connection(this, nextFlowId++, ch, key, System.nanoTime(), frontEnd);
            connections.add(c);
            if (config.maxConnections() > 0 && counters.open() >= config.maxConnections()) {
                c.rejectAtCapacity();
            } else {
                c.startHandshake();
            }
        } catch (IOException e) {
            Connection.closeQuietly(ch);
            LOG.debug("dropping a connection that failed during accept: {}", e.toString());
        }
    }

    /**
     * EMFILE and friends: log (at most once a second) and stop accepting for a moment instead of spinning on a
     * listen socket that stays ready.
     */
    private void onAcceptError(Acceptor acceptor, IOException e) {
        long now = System.nanoTime();
        if (now - lastAcceptWarning > 1_000_000_000L) {
            lastAcceptWarning = now;
            LOG.warn("accept failed: {} (open connections {}); pausing accepts for 100 ms. If this says 'Too many "
                    + "open files', raise the limit (ulimit -n) or lower --max-connections", e.getMessage(),
                    counters.open());
        }
        if (acceptor.key.isValid()) {
            acceptor.key.interestOps(0);
            timers.arm(acceptor.resume, now + ACCEPT_PAUSE_NANOS);
        }
    }

    // ---- shutdown ---------------------------------------------------------------------------------------

    /** Stops accepting and ends handshakes now; tunnels get {@code graceNanos} to finish. Loop thread only. */
    void beginShutdown(long graceNanos) {
        if (shuttingDown) {
            if (graceNanos == 0) {
                onGraceExpired();
            }
            return;
        }
        shuttingDown = true;
        for (Acceptor a : acceptors) {
            a.close();
        }
        for (Connection c : new ArrayList<>(connections)) {
            if (!c.isEstablished()) {
                c.close("proxy shutting down");
            }
        }
        if (graceNanos == 0) {
            onGraceExpired();
        } else if (!connections.isEmpty()) {
            LOG.info("shutting down: waiting up to {} ms for {} open tunnel(s)", graceNanos / 1_000_000,
                    connections.size());
            timers.arm(graceTimer, System.nanoTime() + graceNanos);
        }
    }

    private void onGraceExpired() {
        if (!connections.isEmpty()) {
            LOG.info("shutdown grace over: closing {} tunnel(s)", connections.size());
        }
        for (Connection c : new ArrayList<>(connections)) {
            c.abort("proxy shut down", false);
        }
    }

    private void closeEverything() {
        for (Connection c : new ArrayList<>(connections)) {
            try {
                c.abort("proxy shut down", false);
            } catch (RuntimeException e) {
                LOG.warn("error while closing {}", c, e);
            }
        }
        for (Acceptor a : acceptors) {
            closeQuietly(a.channel);
        }
        finalStats = snapshot();
        try {
            selector.close();
        } catch (IOException e) {
            LOG.debug("closing the selector: {}", e.toString());
        }
    }

    private static void closeQuietly(ServerSocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // Already closed or never bound: nothing to release.
        }
    }
}
