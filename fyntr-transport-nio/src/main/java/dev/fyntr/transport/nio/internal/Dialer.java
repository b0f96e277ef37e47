package dev.fyntr.transport.nio.internal;

import dev.fyntr.transport.nio.internal.http.ConnectTarget;
import dev.fyntr.transport.nio.internal.http.HandshakeFailure;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Connects to one of a target's allowed addresses, RFC 8305 style: families interleaved, a new attempt every
 * 250 ms (or at once when one fails) while none has succeeded, each attempt with its own connect timeout; the
 * first to connect wins and the others are closed. Event-loop thread only.
 */
final class Dialer {

    static final long STAGGER_NANOS = 250_000_000L;

    private final EventLoop loop;
    private final Connection connection;
    private final ConnectTarget target;
    private final List<InetAddress> addresses;
    private final List<Attempt> running = new ArrayList<>(2);
    private final Timer staggerTimer = new Timer(this::startNext);
    private int nextIndex;
    private int refused;
    private int timedOut;
    private String lastError;
    private boolean done;

    Dialer(EventLoop loop, Connection connection, ConnectTarget target, List<InetAddress> addresses) {
        this.loop = loop;
        this.connection = connection;
        this.target = target;
        this.addresses = interleave(addresses);
    }

    void start() {
        startNext();
    }

    /** Closes every attempt in flight; the dialer reports nothing afterwards. */
    void abort() {
        done = true;
        loop.timers.cancel(staggerTimer);
        for (Attempt a : running) {
            a.cancel();
        }
        running.clear();
    }

    private void startNext() {
        if (done) {
            return;
        }
        if (nextIndex >= addresses.size()) {
            if (running.isEmpty()) {
                fail();
            }
            return;
        }
        InetSocketAddress address = new InetSocketAddress(addresses.get(nextIndex++), target.port());
        Attempt attempt = new Attempt(address);
        running.add(attempt);
        attempt.begin();
        if (!done && nextIndex < addresses.size()) {
            loop.timers.arm(staggerTimer, System.nanoTime() + STAGGER_NANOS);
        }
    }

    private void onAttemptFailed(Attempt attempt) {
        running.remove(attempt);
        if (done) {
            return;
        }
        loop.timers.cancel(staggerTimer);
        startNext(); // RFC 8305: a failure starts the next attempt at once
    }

    private void win(Attempt attempt) throws IOException {
        done = true;
        loop.timers.cancel(staggerTimer);
        running.remove(attempt);
        for (Attempt other : running) {
            other.cancel();
        }
        running.clear();
        connection.onUpstreamConnected(attempt.channel, attempt.address);
    }

    private void fail() {
        done = true;
        String where = target.authority();
        HandshakeFailure failure;
        if (refused == 0 && timedOut > 0) {
            failure = HandshakeFailure.connectTimeout(where, loop.config.connectTimeout());
        } else if (refused > 0) {
            failure = HandshakeFailure.connectionRefused(where);
        } else {
            failure = HandshakeFailure.destinationUnavailable(where, lastError);
        }
        connection.onDialFailed(failure);
    }

    /** RFC 8305 §4: alternate families, starting with the family of the first answer. */
    static List<InetAddress> interleave(List<InetAddress> in) {
        if (in.size() < 2) {
            return in;
        }
        boolean firstV6 = in.get(0) instanceof Inet6Address;
        List<InetAddress> same = new ArrayList<>();
        List<InetAddress> other = new ArrayList<>();
        for (InetAddress a : in) {
            ((a instanceof Inet6Address) == firstV6 ? same : other).add(a);
        }
        List<InetAddress> out = new ArrayList<>(in.size());
        for (int i = 0; i < Math.max(same.size(), other.size()); i++) {
            if (i < same.size()) {
                out.add(same.get(i));
            }
            if (i < other.size()) {
                out.add(other.get(i));
            }
        }
        return out;
    }

    private final class Attempt implements IoHandler {
        final InetSocketAddress address;
        final Timer timeout = new Timer(this::onTimeout);
        SocketChannel channel;

        Attempt(InetSocketAddress address) {
            this.address = address;
        }

        void begin() {
            try {
                channel = SocketChannel.open();
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                if (channel.connect(address)) {
                    win(this);
                    return;
                }
                channel.register(loop.selector, SelectionKey.OP_CONNECT, this);
                loop.timers.arm(timeout, System.nanoTime() + loop.config.connectTimeout().toNanos());
            } catch (IOException | RuntimeException e) {
                failed(e);
            }
        }

        @Override
        public void onReady(SelectionKey key) throws IOException {
            if (channel.finishConnect()) {
                loop.timers.cancel(timeout);
                key.interestOps(0);
                key.attach(null);
                win(this);
            }
        }

        @Override
        public void onFailure(Throwable failure) {
            failed(failure);
        }

        private void onTimeout() {
            timedOut++;
            lastError = "timed out";
            closeChannel();
            onAttemptFailed(this);
        }

        private void failed(Throwable e) {
            loop.timers.cancel(timeout);
            if (e instanceof ConnectException) {
                refused++;
                lastError = "refused";
            } else {
                lastError = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            }
            closeChannel();
            onAttemptFailed(this);
        }

        void cancel() {
            loop.timers.cancel(timeout);
            closeChannel();
        }

        private void closeChannel() {
            if (channel != null) {
                Connection.closeQuietly(channel);
            }
        }
    }
}
