package dev.fyntr.transport.nio.internal.dial;

import dev.fyntr.transport.nio.Resolver;
import dev.fyntr.transport.nio.internal.loop.LoopContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Name resolution off the event loop: the {@link Resolver} (which may block) runs on a small pool of daemon
 * threads, and each answer comes back to the loop as a task. Timeouts are the caller's: a late answer is still
 * delivered, and the caller ignores it.
 */
public final class NameResolver {

    /** An answer, delivered on the loop thread. */
    public interface Answer {
        /** Exactly one of {@code addresses} (possibly empty) and {@code error} is non-null. */
        void onResolved(List<InetAddress> addresses, Throwable error);
    }

    private static final Logger LOG = LoggerFactory.getLogger(NameResolver.class);
    private static final int THREADS = 4;
    private static final int QUEUE = 4096;

    private final LoopContext loop;
    private final Resolver resolver;
    private final ThreadPoolExecutor pool;

    /** @param threadPrefix names the pool's threads, e.g. {@code fyntr-resolver-1-} */
    public NameResolver(LoopContext loop, Resolver resolver, String threadPrefix) {
        this.loop = loop;
        this.resolver = resolver;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(THREADS, THREADS, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(QUEUE),
                r -> {
                    Thread t = new Thread(r, threadPrefix + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
    }

    /** Starts a lookup of {@code host}; {@code answer} runs on the loop thread, at once if the queue is full. */
    public void resolve(String host, Answer answer) {
        try {
            pool.execute(() -> {
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
                loop.execute(() -> {
                    assert loop.inLoop();
                    answer.onResolved(r, e);
                });
            });
        } catch (RejectedExecutionException e) {
            answer.onResolved(null, new IOException("too many name lookups in progress"));
        }
    }

    /** Stops the pool; waits up to 2 s for a running lookup (its thread is a daemon either way). */
    public void close() throws InterruptedException {
        pool.shutdownNow();
        if (!pool.awaitTermination(2, TimeUnit.SECONDS)) {
            LOG.warn("a name lookup is still running after close; its thread is a daemon and will not keep the JVM "
                    + "alive");
        }
    }
}
