package dev.fyntr.transport.nio.internal.tunnel;

import dev.fyntr.transport.nio.ProxyDefaults;
import dev.fyntr.transport.nio.internal.forward.ScheduledFlow;
import dev.fyntr.transport.nio.internal.handshake.FrontEnd;
import dev.fyntr.transport.nio.internal.loop.LoopContext;
import dev.fyntr.transport.nio.internal.loop.LoopTimer;
import dev.fyntr.transport.nio.internal.net.HandshakeFailure;
import dev.fyntr.transport.nio.internal.net.LogHandoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Every open connection of one proxy, its listeners, admission at accept, and the graceful shutdown: stop
 * accepting, end handshakes, give tunnels a grace period, then close the rest. Event-loop thread only.
 */
public final class Connections {

    private static final Logger LOG = LoggerFactory.getLogger(Connections.class);
    /** Refusals at admission that may linger at once: well within the open-file guard's allowance of 64. */
    static final int ADMISSION_LINGER_MAX = 32;

    private final ConnectionServices services;
    private final LoopContext loop;
    private final int maxConnections;
    private final int maxPerClient;
    /** Connections per client address, when {@link #maxPerClient} is on. */
    private final Map<InetAddress, Integer> perClient = new HashMap<>();
    private final Runnable onClosedAfterShutdown;
    private final List<Acceptor> acceptors = new ArrayList<>(2);
    private final Set<Connection> open = new LinkedHashSet<>();
    private final LoopTimer graceTimer = new LoopTimer(this::onGraceExpired);
    private long nextFlowId = 1;
    private boolean shuttingDown;

    /**
     * @param maxConnections        the admission limit, 0 = unlimited
     * @param maxPerClient          the most connections one client address may hold, 0 = unlimited
     * @param onClosedAfterShutdown runs (on the loop) once shutdown has begun and no connection is left
     */
    public Connections(ConnectionServices services, int maxConnections, int maxPerClient,
                       Runnable onClosedAfterShutdown) {
        this.services = services;
        this.loop = services.loop;
        this.maxConnections = maxConnections;
        this.maxPerClient = maxPerClient;
        services.scheduler.flows(each -> {
            for (Connection c : open) {
                ScheduledFlow flow = c.scheduledFlow();
                if (flow != null) {
                    each.accept(flow);
                }
            }
        });
        this.onClosedAfterShutdown = onClosedAfterShutdown;
    }

    /** Accepts connections on {@code channel} (bound, non-blocking), speaking {@code protocol}. */
    public void listen(ServerSocketChannel channel, Supplier<FrontEnd> protocol) throws IOException {
        acceptors.add(new Acceptor(loop, this, channel, protocol));
    }

    void accepted(SocketChannel ch, FrontEnd frontEnd) {
        assert loop.inLoop();
        services.counters.connectionsAccepted++;
        try {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            SelectionKey key = loop.register(ch, 0, null);
            Connection c = new Connection(services, this, nextFlowId++, ch, key, frontEnd);
            open.add(c);
            if (maxConnections > 0 && services.counters.open() >= maxConnections) {
                c.rejectAtCapacity();
            } else if (maxPerClient > 0 && !admitFrom(c.clientInetAddress())) {
                c.refuseAtAdmission(HandshakeFailure.clientConnectionLimit(maxPerClient, 1));
            } else {
                c.startHandshake();
            }
        } catch (IOException e) {
            Connection.closeQuietly(ch);
            LOG.debug("dropping a connection that failed during accept: {}", e.toString());
        }
    }

    /** Counts a connection from {@code client} if it is within its share; the count drops in {@link #forget}. */
    private boolean admitFrom(InetAddress client) {
        int held = perClient.getOrDefault(client, 0);
        if (held >= maxPerClient) {
            return false;
        }
        perClient.put(client, held + 1);
        return true;
    }

    /**
     * Whether one more rejected connection may linger, so that its client reads the answer rather than a reset.
     * Rejections of admitted connections hold their slot while they linger, so at most the connection limit of
     * them do. Refusals at admission come when the proxy is already full: they linger only while few do
     * ({@value #ADMISSION_LINGER_MAX} at most), so that a storm beyond capacity adds at most that many descriptors
     * to the open-file budget's allowance (docs/architecture.md).
     */
    boolean mayLinger(boolean refusedAtAdmission) {
        int limit = maxConnections > 0 ? maxConnections : ProxyDefaults.MAX_CONNECTIONS;
        int lingering = services.counters.lingering;
        return lingering <= (refusedAtAdmission ? Math.min(limit, ADMISSION_LINGER_MAX) : limit);
    }

    void forget(Connection connection) {
        if (open.remove(connection) && maxPerClient > 0 && connection.admittedPerClient()) {
            perClient.computeIfPresent(connection.clientInetAddress(), (k, v) -> v == 1 ? null : v - 1);
        }
        if (shuttingDown && open.isEmpty()) {
            onClosedAfterShutdown.run();
        }
    }

    boolean isShuttingDown() {
        return shuttingDown;
    }

    int open() {
        return services.counters.open();
    }

    /**
     * Stops accepting and ends handshakes and idle keep-alive connections now; tunnels and plain-HTTP requests in
     * flight get {@code graceNanos} to finish.
     */
    public void beginShutdown(long graceNanos) {
        assert loop.inLoop();
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
        services.forward.closeIdleUpstreams(); // idle pooled upstreams close at once; in-flight ones at their end
        for (Connection c : new ArrayList<>(open)) {
            if (!c.isEstablished() || c.isBetweenRequests()) {
                c.close("proxy shutting down");
            }
        }
        if (open.isEmpty()) {
            onClosedAfterShutdown.run();
        } else if (graceNanos == 0) {
            onGraceExpired();
        } else {
            int n = open.size();
            LogHandoff.submit(() -> LOG.info("shutting down: waiting up to {} ms for {} open tunnel(s)",
                    graceNanos / 1_000_000, n));
            loop.timers().arm(graceTimer, loop.nanoTime() + graceNanos);
        }
    }

    private void onGraceExpired() {
        if (!open.isEmpty()) {
            int n = open.size();
            LogHandoff.submit(() -> LOG.info("shutdown grace over: closing {} tunnel(s)", n));
        }
        for (Connection c : new ArrayList<>(open)) {
            c.close("proxy shut down");
        }
    }

    /** The loop is ending: closes every connection and listener. */
    public void closeAll() {
        services.forward.closeIdleUpstreams();
        for (Connection c : new ArrayList<>(open)) {
            try {
                c.close("proxy shut down");
            } catch (RuntimeException e) {
                String which = c.toString();
                LogHandoff.submit(() -> LOG.warn("error while closing {}", which, e));
            }
        }
        for (Acceptor a : acceptors) {
            a.close();
        }
    }
}
