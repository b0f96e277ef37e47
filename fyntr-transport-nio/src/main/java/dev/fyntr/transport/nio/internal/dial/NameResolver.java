package dev.fyntr.transport.nio.internal.dial;

import dev.fyntr.transport.nio.Resolver;
import dev.fyntr.transport.nio.internal.loop.LoopContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Name resolution off the event loop, so that one slow or dead name delays only the requests for that name
 * (docs/policy-and-errors.md): the {@link Resolver} (which may block) runs on an elastic pool of daemon threads,
 * one lookup per distinct name, and each answer comes back to the loop as a task.
 * <ul>
 * <li>Concurrent requests for one name share one lookup.</li>
 * <li>A request that ends (client gone, timeout) {@linkplain Lookup#cancel() cancels} its wait; a lookup that
 *     nobody waits for any more is abandoned and frees its slot at once (its thread, if the resolver does not
 *     return, ends when it does; threads are bounded too).</li>
 * <li>Names in flight are bounded in total, and the requests waiting are bounded per client address; beyond
 *     either bound the request is refused at once with {@link LimitReached}.</li>
 * </ul>
 * The system resolver keeps {@code /etc/hosts}, the search list and its caches; this class adds no cache of
 * its own. Loop thread only, except the lookups themselves.
 */
public final class NameResolver {

    /** An answer, delivered on the loop thread, at most once, and never after {@link Lookup#cancel()}. */
    public interface Answer {
        /** Exactly one of {@code addresses} (possibly empty) and {@code error} is non-null. */
        void onResolved(List<InetAddress> addresses, Throwable error);
    }

    /** A request's wait for a name. */
    public interface Lookup {
        /** Stops waiting; the answer is not delivered. Idempotent. */
        void cancel();
    }

    /** A bound on lookups was reached; the message says which, for the client. */
    public static final class LimitReached extends IOException {
        private static final long serialVersionUID = 1L;

        LimitReached(String message) {
            super(message);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(NameResolver.class);
    private static final Lookup NOTHING = () -> { };

    private final LoopContext loop;
    private final Resolver resolver;
    private final int maxNames;
    private final int maxPerClient;
    private final ThreadPoolExecutor pool;
    private final Map<String, Pending> pending = new HashMap<>();
    private final Map<InetAddress, Integer> perClient = new HashMap<>();
    private int waiting;
    private long abandoned;

    /**
     * @param threadPrefix names the pool's threads, e.g. {@code fyntr-resolver-1-}
     * @param maxNames     distinct names being looked up at once
     * @param maxPerClient requests of one client address waiting for names at once
     */
    public NameResolver(LoopContext loop, Resolver resolver, String threadPrefix, int maxNames, int maxPerClient) {
        this.loop = loop;
        this.resolver = resolver;
        this.maxNames = maxNames;
        this.maxPerClient = maxPerClient;
        AtomicInteger n = new AtomicInteger();
        // Elastic: a thread per name in flight, none when idle. Twice the names, so that abandoned lookups still
        // stuck in the system resolver cannot take every thread from new ones.
        this.pool = new ThreadPoolExecutor(0, 2 * maxNames, 10, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, threadPrefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts (or joins) a lookup of {@code host} for a request from {@code client}; {@code answer} runs on the
     * loop thread. Beyond a bound, {@code answer} runs at once with {@link LimitReached}.
     */
    public Lookup resolve(String host, InetAddress client, Answer answer) {
        assert loop.inLoop();
        int ofClient = perClient.getOrDefault(client, 0);
        if (ofClient >= maxPerClient) {
            answer.onResolved(null, new LimitReached("too many name lookups from this client: " + ofClient
                    + " in flight (at most " + maxPerClient + " per client address)"));
            return NOTHING;
        }
        Pending p = pending.get(host);
        if (p == null) {
            if (pending.size() >= maxNames) {
                answer.onResolved(null, new LimitReached("too many name lookups in flight: " + pending.size()
                        + " names (at most " + maxNames + ")"));
                return NOTHING;
            }
            p = new Pending(host);
            try {
                pool.execute(p);
            } catch (RejectedExecutionException e) {
                answer.onResolved(null, new LimitReached("too many name lookups in flight: every resolver thread "
                        + "is busy (" + pool.getMaximumPoolSize() + ")"));
                return NOTHING;
            }
            pending.put(host, p);
        }
        Waiter w = new Waiter(p, client, answer);
        p.waiters.add(w);
        perClient.merge(client, 1, Integer::sum);
        waiting++;
        return w;
    }

    /** Distinct names being looked up now. Loop thread only. */
    public int namesInFlight() {
        return pending.size();
    }

    /** Requests waiting for a name now. Loop thread only. */
    public int requestsWaiting() {
        return waiting;
    }

    /** Lookups abandoned because every request waiting for them ended. Loop thread only. */
    public long abandoned() {
        return abandoned;
    }

    /** Stops the pool; waits up to 2 s for a running lookup (its thread is a daemon either way). */
    public void close() throws InterruptedException {
        pool.shutdownNow();
        if (!pool.awaitTermination(2, TimeUnit.SECONDS)) {
            LOG.warn("a name lookup is still running after close; its thread is a daemon and will not keep the JVM "
                    + "alive");
        }
    }

    private void leave(Waiter w) {
        w.over = true;
        waiting--;
        perClient.computeIfPresent(w.client, (k, v) -> v == 1 ? null : v - 1);
    }

    /** One name being looked up, and who waits for it. */
    private final class Pending implements Runnable {
        final String host;
        final List<Waiter> waiters = new ArrayList<>(1);

        Pending(String host) {
            this.host = host;
        }

        @Override
        public void run() {
            List<InetAddress> result = null;
            Throwable error = null;
            try {
                result = resolver.resolve(host);
            } catch (Throwable t) { // the resolver is user code: whatever it throws means "no answer"
                error = t;
            }
            if (result == null && error == null) {
                result = List.of();
            }
            List<InetAddress> r = result;
            Throwable e = error;
            loop.execute(() -> deliver(r, e));
        }

        private void deliver(List<InetAddress> result, Throwable error) {
            assert loop.inLoop();
            if (pending.get(host) != this) {
                return; // abandoned: nobody waits any more
            }
            pending.remove(host);
            for (Waiter w : waiters) {
                if (!w.over) {
                    leave(w);
                    w.answer.onResolved(result, error);
                }
            }
        }

        void cancelled() {
            for (Waiter w : waiters) {
                if (!w.over) {
                    return;
                }
            }
            if (pending.get(host) == this) {
                pending.remove(host); // its slot is free now; a late answer finds no entry and is dropped
                abandoned++;
            }
        }
    }

    /** One request's wait. */
    private final class Waiter implements Lookup {
        final Pending lookup;
        final InetAddress client;
        final Answer answer;
        boolean over;

        Waiter(Pending lookup, InetAddress client, Answer answer) {
            this.lookup = lookup;
            this.client = client;
            this.answer = answer;
        }

        @Override
        public void cancel() {
            if (!over) {
                leave(this);
                lookup.cancelled();
            }
        }
    }
}
