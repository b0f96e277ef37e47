package dev.fyntr.transport.nio.internal;

import dev.fyntr.transport.nio.internal.http.HandshakeFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;

/**
 * {@code --max-connect-rate}: paces new upstream connections. Each CONNECT takes one token before its dialer
 * opens the first socket (the Happy-Eyeballs attempts of that same request take none: they are one
 * connection's fallbacks, not new connections). With no token, the request waits in FIFO order; a timer grants
 * tokens as they come due, so the loop sleeps in between. A waiting request keeps its handshake deadline
 * (handshake timeout counted from accept): when it passes, the client gets 503 with {@code Retry-After}. No
 * request is refused for being early. Event-loop thread only.
 *
 * <p>Tokens are counted in thousandths of a connection, so fractional rates (0.5/s) work with the integer
 * {@link TokenBucket}; the burst is min(5, rate) connections, at least one.
 */
final class ConnectPacer {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectPacer.class);
    private static final long PER_CONNECT = 1000;
    private static final double MAX_BURST_CONNECTS = 5;

    private final EventLoop loop;
    private final ArrayDeque<Dialer> queue = new ArrayDeque<>();
    private final Timer grantTimer = new Timer(this::drain);

    private TokenBucket bucket; // null: unlimited
    private double perSecond;
    private int waiting;
    private long delayed;
    private long expired;

    ConnectPacer(EventLoop loop) {
        this.loop = loop;
    }

    /** Sets the rate, effective at once; 0 = unlimited (every waiting request starts now). */
    void rate(double connectsPerSecond, long now) {
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
            loop.timers.arm(grantTimer, System.nanoTime()); // re-plan with the new rate on the next turn
        }
    }

    /** Starts the dialer now if the rate allows, else queues it until a token is due or its deadline passes. */
    void submit(Dialer dialer) {
        if (bucket == null) {
            dialer.begin();
            return;
        }
        long now = System.nanoTime();
        if (waiting == 0 && bucket.tryTake(PER_CONNECT, now)) {
            dialer.begin();
            return;
        }
        waiting++;
        delayed++;
        queue.addLast(dialer);
        dialer.paceDeadline = new Timer(() -> expire(dialer));
        long deadline = dialer.connection().acceptedAt() + loop.config.handshakeTimeout().toNanos();
        loop.timers.arm(dialer.paceDeadline, deadline);
        loop.timers.arm(grantTimer, bucket.deadlineFor(PER_CONNECT));
    }

    /** The request ended while waiting (client gone, proxy closing): it no longer counts. */
    void withdraw(Dialer dialer) {
        if (dialer.paceDeadline == null) {
            return;
        }
        loop.timers.cancel(dialer.paceDeadline);
        dialer.paceDeadline = null;
        waiting--;
        purgeHead();
    }

    private void drain() {
        long now = System.nanoTime();
        // Bounded by the queue: each pass removes an entry or stops.
        while (!queue.isEmpty()) {
            Dialer head = queue.peekFirst();
            if (head.paceDeadline == null) {
                queue.pollFirst(); // withdrawn or expired
                continue;
            }
            if (bucket != null && !bucket.tryTake(PER_CONNECT, now)) {
                break;
            }
            queue.pollFirst();
            loop.timers.cancel(head.paceDeadline);
            head.paceDeadline = null;
            waiting--;
            try {
                head.begin();
            } catch (RuntimeException e) {
                LOG.error("{}: failed to start connecting; closing it", head.connection(), e);
                head.connection().abort("internal error: " + e, true);
            }
        }
        if (waiting > 0 && bucket != null) {
            loop.timers.arm(grantTimer, bucket.deadlineFor(PER_CONNECT));
        }
    }

    private void expire(Dialer dialer) {
        if (dialer.paceDeadline == null) {
            return;
        }
        dialer.paceDeadline = null;
        waiting--;
        expired++;
        purgeHead();
        int retryAfter = (int) Math.min(3600, Math.max(1, Math.ceil((waiting + 1) / Math.max(perSecond, 1e-3))));
        dialer.abort();
        dialer.connection().onDialFailed(HandshakeFailure.unavailable("too many new connections: the proxy opens at "
                + "most " + ShapingConfig.connects(perSecond) + " (--max-connect-rate) and this request waited "
                + "until its handshake timeout of " + Connection.describe(loop.config.handshakeTimeout())
                + "; try again later", retryAfter));
    }

    /** Drops withdrawn entries at the head, so the queue does not keep ended requests while the head waits. */
    private void purgeHead() {
        while (!queue.isEmpty() && queue.peekFirst().paceDeadline == null) {
            queue.pollFirst();
        }
    }

    double perSecond() {
        return perSecond;
    }

    int waiting() {
        return waiting;
    }

    long delayed() {
        return delayed;
    }

    long expired() {
        return expired;
    }
}
