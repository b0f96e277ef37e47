package dev.fyntr.bench.load;

import dev.fyntr.transport.nio.Resolver;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bench proxy's name resolver ({@link ProxyMain}): it never asks real DNS.
 * <ul>
 * <li>{@value #NEVER} and every name under it <b>never answer</b>: the lookup blocks until {@link #release()}
 *     (the proxy closes), the thread is interrupted (the proxy's resolver pool is shut down), or 24 hours pass.
 *     The proxy gives up on them after its resolve timeout and answers 502.</li>
 * <li>Every other name under {@code .test} (RFC 2606) maps to 127.0.0.1 at once.</li>
 * <li>Anything else fails at once with {@link UnknownHostException}.</li>
 * </ul>
 * Thread-safe.
 */
final class TestNames implements Resolver {

    /** The domain whose names never resolve. */
    static final String NEVER = "never.test";

    private static final long MAX_BLOCK_HOURS = 24;

    private final CountDownLatch released = new CountDownLatch(1);
    private final AtomicInteger blocked = new AtomicInteger();

    @Override
    public List<InetAddress> resolve(String host) throws IOException {
        if (host.equals(NEVER) || host.endsWith("." + NEVER)) {
            blocked.incrementAndGet();
            try {
                released.await(MAX_BLOCK_HOURS, TimeUnit.HOURS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException(host + ": lookup interrupted (the proxy is closing)");
            } finally {
                blocked.decrementAndGet();
            }
            throw new UnknownHostException(host + ": never answers");
        }
        if (host.equals("test") || host.endsWith(".test")) {
            return List.of(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}));
        }
        throw new UnknownHostException(host + ": not a *.test name, and the bench resolves no real names");
    }

    /** Ends every blocked lookup (they fail); later lookups of never-names fail at once. */
    void release() {
        released.countDown();
    }

    /** Lookups blocked in {@link #resolve} now: each holds one of the proxy's resolver threads. */
    int blocked() {
        return blocked.get();
    }
}
