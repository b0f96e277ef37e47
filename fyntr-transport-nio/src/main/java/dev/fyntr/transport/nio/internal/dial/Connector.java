package dev.fyntr.transport.nio.internal.dial;

import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;

/**
 * Opens one non-blocking TCP connection: the dialer's only contact with sockets, so that its Happy-Eyeballs
 * logic can be tested with a fake clock and fake connections. Loop thread only.
 */
public interface Connector {

    /** The outcome of one attempt; exactly one method is called, once, on the loop thread. */
    interface Callback {
        /** Connected; the channel (non-blocking, TCP_NODELAY, not registered) now belongs to the callee. */
        void connected(SocketChannel channel);

        /** Failed: refused ({@link java.net.ConnectException}), unreachable, or any other error. */
        void failed(Throwable error);
    }

    /** An attempt in flight. */
    interface Pending {
        /** Gives up: closes the socket unless it was already handed to {@link Callback#connected}. Idempotent. */
        void cancel();
    }

    /**
     * Starts connecting to {@code address}. The callback may run before this returns (an immediate connect or
     * an immediate failure); otherwise it runs later on the loop thread, or never once cancelled.
     */
    Pending connect(InetSocketAddress address, Callback callback);
}
