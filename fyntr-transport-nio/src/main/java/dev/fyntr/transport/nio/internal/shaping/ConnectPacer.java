package dev.fyntr.transport.nio.internal.shaping;

import dev.fyntr.transport.nio.internal.loop.LoopContext;
import dev.fyntr.transport.nio.internal.loop.LoopTimer;
import dev.fyntr.transport.nio.internal.net.Formats;
import dev.fyntr.transport.nio.internal.net.LogHandoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;

/**
 * {@code --max-connect-rate}: paces new upstream connections. Each CONNECT takes one token before its dialer
 * opens the first socket (the Happy-Eyeballs attempts of that same request take none: they are one
 * connection's fallbacks, not new connections). With no token, the request waits in FIFO order; a timer grants
 * tokens as they come due, so the loop sleeps in between. A waiting request keeps its deadline (the handshake
 * timeout counted from accept): when it passes, the waiter is told why, with a {@code Retry-After} estimate.
 * No request is refused for being early. Event-loop thread only.
 *
 * <p>Tokens are counted in thousandths of a connection, so fractional rates (0.5/s) work with the integer
 * {@link TokenBucket}; the burst is min(5, rate) connections, at least one.
 */
public final class ConnectPacer {

    /** A request that wants to open a connection. Its methods run on the loop thread, at most one of them once. */
    public interface Waiter {
        /** A token is granted: connect now. May be called from within {@link #submit}. */
        void onGranted();

        /**
         * The deadline passed before a token came.
         *
         * @param message           what happened, for the client (names the limit and the wait)
         * @param retryAfterSeconds when trying again is likely to succeed, 1-3600
         */
        void onExpired(String message, int retryAfterSeconds);
    }

    /** A place in the queue; {@link #withdraw()} when the request ends while it waits. */
    public final class Ticket {
        private final Waiter waiter;
        private final LoopTimer deadline = new LoopTimer(this::expire);
        private boolean waiting = true;

        private Ticket(Waiter waiter) {
            this.waiter = waiter;
        }

        /** The request ended (client gone, proxy closing): it no longer counts. Idempotent. */
        public void withdraw() {
            if (waiting) {
                leave();
                purgeHead();
            }
        }

        private void leave() {
            waiting = false;
            loop.timers().cancel(deadline);
            ConnectPacer.this.waiting--;
        }

        private void expire() {
            if (!waiting) {
                return;
            }
            leave();
            expired++;
            purgeHead();
            int retryAfter = (int) Math.min(3600, Math.max(1,
                    Math.ceil((ConnectPacer.this.waiting + 1) / Math.max(perSecond, 1e-3))));
            waiter.onExpired("too many new connections: the proxy opens at most " + ShapingConfig.connects(perSecond)
                    + " (--max-connect-rate) and this request waited until its handshake timeout of "
                    + Formats.duration(waitLimit) + "; try again later", retryAfter);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(ConnectPacer.class);
    private static final long PER_CONNECT = 1000;
    private static final double MAX_BURST_CONNECTS = 5;

    private final LoopContext loop;
    private final Duration waitLimit;
    private final ArrayDeque<Ticket> queue = new ArrayDeque<>();
    private final LoopTimer grantTimer = new LoopTimer(this::drain);

    private TokenBucket bucket; // null: unlimited
    private double perSecond;
    private int waiting;
    private long delayed;
    private long expired;

    /** @param waitLimit how long a request may wait at most (the handshake timeout), for messages */
    public ConnectPacer(LoopContext loop, Duration waitLimit) {
        this.loop = loop;
        this.waitLimit = waitLimit;
    }

    /** Sets the rate, effective at once; 0 = unlimited (every waiting request starts now). */
    public void rate(double connectsPerSecond, long now) {
        perSecond = connectsPerSecond;
        if (connectsPerSecond == 0) {
            bucket = null;
            drain();
            return;
        }
        long rate = Math.max(1, Math.round(connectsPerSecond * PER_CONNECT));
        long burst = Math.round(Math.max(1, Math.min(MAX_BURST_CONNECTS, connectsPerSecond)) * PER_CONNECT);
        if (bucket == null) {
            bucket = new TokenBucket(rate, burst, now);
        } else {
            bucket.change(rate, burst, now);
        }
        if (waiting > 0) {
            loop.timers().arm(grantTimer, loop.nanoTime()); // re-plan with the new rate on the next turn
        }
    }

    /**
     * Grants a token at once ({@link Waiter#onGranted()} runs before this returns, and the result is
     * {@code null}), or queues the waiter until a token is due or {@code deadline} (loop clock) passes.
     */
    public Ticket submit(Waiter waiter, long deadline) {
        assert loop.inLoop();
        if (bucket == null) {
            waiter.onGranted();
            return null;
        }
        if (waiting == 0 && bucket.tryTake(PER_CONNECT, loop.nanoTime())) {
            waiter.onGranted();
            return null;
        }
        waiting++;
        delayed++;
        Ticket ticket = new Ticket(waiter);
        queue.addLast(ticket);
        loop.timers().arm(ticket.deadline, deadline);
        loop.timers().arm(grantTimer, bucket.deadlineFor(PER_CONNECT));
        return ticket;
    }

    private void drain() {
        long now = loop.nanoTime();
        // Bounded by the queue: each pass removes an entry or stops.
        while (!queue.isEmpty()) {
            Ticket head = queue.peekFirst();
            if (!head.waiting) {
                queue.pollFirst(); // withdrawn or expired
                continue;
            }
            if (bucket != null && !bucket.tryTake(PER_CONNECT, now)) {
                break;
            }
            queue.pollFirst();
            head.leave();
            try {
                head.waiter.onGranted();
            } catch (RuntimeException e) {
                LogHandoff.submit(() -> LOG.error("a paced connect failed to start", e));
            }
        }
        if (waiting > 0 && bucket != null) {
            loop.timers().arm(grantTimer, bucket.deadlineFor(PER_CONNECT));
        }
    }

    /** Drops withdrawn entries at the head, so the queue does not keep ended requests while the head waits. */
    private void purgeHead() {
        while (!queue.isEmpty() && !queue.peekFirst().waiting) {
            queue.pollFirst();
        }
    }

    public double perSecond() {
        return perSecond;
    }

    public int waiting() {
        return waiting;
    }

    public long delayed() {
        return delayed;
    }

    public long expired() {
        return expired;
    }
}
