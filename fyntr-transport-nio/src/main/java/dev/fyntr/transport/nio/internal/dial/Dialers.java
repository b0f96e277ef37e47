package dev.fyntr.transport.nio.internal.dial;

import dev.fyntr.transport.nio.internal.loop.LoopContext;
import dev.fyntr.transport.nio.internal.shaping.ConnectPacer;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/** Makes the proxy's {@link Dialer}s, which all share one loop, one connector, one pacer and one timeout. */
public final class Dialers {

    private final LoopContext loop;
    private final Connector connector;
    private final ConnectPacer pacer;
    private final Duration connectTimeout;

    /** @param connectTimeout per attempt */
    public Dialers(LoopContext loop, Connector connector, ConnectPacer pacer, Duration connectTimeout) {
        this.loop = loop;
        this.connector = connector;
        this.pacer = pacer;
        this.connectTimeout = connectTimeout;
    }

    /** The longest a dial of {@code addresses} addresses can take once started: the last attempt's timeout. */
    public long longestDialNanos(int addresses) {
        return Math.max(0, addresses - 1) * Dialer.STAGGER_NANOS + connectTimeout.toNanos();
    }

    /** A dialer for {@code addresses} (in the resolver's order) on {@code port}; {@link Dialer#start} starts it. */
    public Dialer dialer(int port, List<InetAddress> addresses, Dialer.Listener listener) {
        return new Dialer(loop, connector, pacer, connectTimeout, port, addresses, listener);
    }
}
