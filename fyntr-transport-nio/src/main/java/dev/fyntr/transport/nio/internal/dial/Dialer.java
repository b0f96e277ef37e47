package dev.fyntr.transport.nio.internal.dial;

import dev.fyntr.transport.nio.internal.loop.LoopContext;
import dev.fyntr.transport.nio.internal.loop.LoopTimer;
import dev.fyntr.transport.nio.internal.shaping.ConnectPacer;

import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Connects to one of a target's allowed addresses, RFC 8305 style: families interleaved, a new attempt every
 * {@value #STAGGER_MILLIS} ms (or at once when one fails) while none has succeeded, each attempt with its own
 * connect timeout; the first to connect wins and the others are closed. Before the first attempt it waits for
 * a {@code --max-connect-rate} token. Event-loop thread only.
 */
public final class Dialer {

    /** Reports the outcome, once, on the loop thread. */
    public interface Listener {
        /** Connected; the channel (non-blocking, not registered) now belongs to the listener. */
        void onConnected(SocketChannel channel, InetSocketAddress address);

        /** Every attempt failed, or the pacer's deadline passed. */
        void onDialFailed(DialFailure failure);
    }

    static final long STAGGER_MILLIS = 250;
    static final long STAGGER_NANOS = STAGGER_MILLIS * 1_000_000L;

    private final LoopContext loop;
    private final Connector connector;
    private final ConnectPacer pacer;
    private final long connectTimeoutNanos;
    private final int port;
    private final List<InetAddress> addresses;
    private final Listener listener;
    private final List<Attempt> running = new ArrayList<>(2);
    /** Inside an attempt's {@code begin}: a failure reported from there is left to {@link #startNext}'s loop. */
    private boolean beginning;
    private boolean failedWhileBeginning;
    private final LoopTimer staggerTimer = new LoopTimer(this::startNext, this::failInternally);
    private ConnectPacer.Ticket ticket;
    private int nextIndex;
    private int refused;
    private int timedOut;
    private String lastError;
    private boolean done;

    public Dialer(LoopContext loop, Connector connector, ConnectPacer pacer, Duration connectTimeout, int port,
                  List<InetAddress> addresses, Listener listener) {
        this.loop = loop;
        this.connector = connector;
        this.pacer = pacer;
        this.connectTimeoutNanos = connectTimeout.toNanos();
        this.port = port;
        this.addresses = interleave(addresses);
        this.listener = listener;
    }

    /**
     * Starts dialling as soon as the pacer grants a token (at once without a connect rate), waiting at most
     * until {@code paceDeadline} (loop clock) for it.
     */
    public void start(long paceDeadline) {
        assert loop.inLoop();
        ticket = pacer.submit(new ConnectPacer.Waiter() {
            @Override
            public void onGranted() {
                ticket = null;
                startNext();
            }

            @Override
            public void onExpired(String message, int retryAfterSeconds) {
                ticket = null;
                abort();
                listener.onDialFailed(new DialFailure(DialFailure.Kind.PACED, message, retryAfterSeconds));
            }
        }, paceDeadline);
    }

    /** Closes every attempt in flight and leaves the pacer's queue; the dialer reports nothing afterwards. */
    public void abort() {
        done = true;
        if (ticket != null) {
            ticket.withdraw();
            ticket = null;
        }
        loop.timers().cancel(staggerTimer);
        for (Attempt a : running) {
            a.cancel();
        }
        running.clear();
    }

    /**
     * Starts the next address's attempt. On loopback a refusal comes back from within {@code connect()}: such an
     * attempt is over before {@code begin} returns, and this loop, not a nested call, starts the one after it, so
     * that however many addresses refuse at once the loop's stack does not grow.
     */
    private void startNext() {
        do {
            failedWhileBeginning = false;
            if (done) {
                return;
            }
            if (nextIndex >= addresses.size()) {
                if (running.isEmpty()) {
                    fail();
                }
                return;
            }
            Attempt attempt = new Attempt(new InetSocketAddress(addresses.get(nextIndex++), port));
            running.add(attempt);
            beginning = true;
            try {
                attempt.begin();
            } finally {
                beginning = false;
            }
        } while (failedWhileBeginning); // bounded by the number of addresses
        if (!done && nextIndex < addresses.size()) {
            loop.timers().arm(staggerTimer, loop.nanoTime() + STAGGER_NANOS);
        }
    }

    private void onAttemptFailed(Attempt attempt) {
        running.remove(attempt);
        if (done) {
            return;
        }
        loop.timers().cancel(staggerTimer);
        if (beginning) {
            failedWhileBeginning = true; // startNext's loop goes on with the next address
            return;
        }
        startNext(); // RFC 8305: a failure starts the next attempt at once
    }

    private void win(Attempt attempt, SocketChannel channel) {
        done = true;
        loop.timers().cancel(staggerTimer);
        running.remove(attempt);
        for (Attempt other : running) {
            other.cancel();
        }
        running.clear();
        listener.onConnected(channel, attempt.address);
    }

    private void fail() {
        done = true;
        DialFailure failure;
        if (refused == 0 && timedOut > 0) {
            failure = new DialFailure(DialFailure.Kind.TIMED_OUT, "", 0);
        } else if (refused > 0) {
            failure = new DialFailure(DialFailure.Kind.REFUSED, "", 0);
        } else {
            failure = new DialFailure(DialFailure.Kind.UNAVAILABLE, String.valueOf(lastError), 0);
        }
        listener.onDialFailed(failure);
    }

    /** A bug in a dial timer: end the dial with an answer rather than leave the request without one. */
    private void failInternally(Throwable t) {
        boolean reported = done;
        abort();
        if (!reported) {
            listener.onDialFailed(new DialFailure(DialFailure.Kind.UNAVAILABLE, "internal error: " + t, 0));
        }
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

    /** One address being tried, with its own connect timeout. */
    private final class Attempt implements Connector.Callback {
        final InetSocketAddress address;
        final LoopTimer timeout = new LoopTimer(this::onTimeout, Dialer.this::failInternally);
        Connector.Pending pending;
        boolean over;

        Attempt(InetSocketAddress address) {
            this.address = address;
        }

        void begin() {
            loop.timers().arm(timeout, loop.nanoTime() + connectTimeoutNanos);
            Connector.Pending p = connector.connect(address, this);
            if (!over) {
                pending = p;
            }
        }

        @Override
        public void connected(SocketChannel channel) {
            over = true;
            loop.timers().cancel(timeout);
            win(this, channel);
        }

        @Override
        public void failed(Throwable e) {
            over = true;
            loop.timers().cancel(timeout);
            if (e instanceof ConnectException) {
                refused++;
                lastError = "refused";
            } else {
                lastError = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            }
            onAttemptFailed(this);
        }

        private void onTimeout() {
            over = true;
            timedOut++;
            lastError = "timed out";
            cancelPending();
            onAttemptFailed(this);
        }

        void cancel() {
            over = true;
            loop.timers().cancel(timeout);
            cancelPending();
        }

        private void cancelPending() {
            if (pending != null) {
                pending.cancel();
                pending = null;
            }
        }
    }
}
