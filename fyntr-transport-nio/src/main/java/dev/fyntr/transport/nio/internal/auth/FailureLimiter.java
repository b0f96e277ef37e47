package dev.fyntr.transport.nio.internal.auth;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Counts authentication failures per client address in a fixed window (docs/auth.md#rate-limiting): from the
 * first failure, {@code maxFailures} failures within {@code windowNanos} block the address until the window
 * ends; a success clears its count. Bounded: at most {@code maxAddresses} addresses are tracked; when the table is
 * full even after dropping expired windows, a new address is not tracked (its attempts still cost a queued
 * check each, which the verifier's bounded queue limits). Not thread-safe: the caller synchronizes.
 */
final class FailureLimiter {

    private static final class Window {
        final long start;
        int failures;

        Window(long start) {
            this.start = start;
        }
    }

    private final int maxFailures;
    private final long windowNanos;
    private final int maxAddresses;
    private final Map<InetAddress, Window> windows = new HashMap<>();

    FailureLimiter(int maxFailures, long windowNanos, int maxAddresses) {
        this.maxFailures = maxFailures;
        this.windowNanos = windowNanos;
        this.maxAddresses = maxAddresses;
    }

    /** Seconds until {@code client} may try again (at least 1), or 0 when it may try now. */
    int blockedForSeconds(InetAddress client, long now) {
        Window w = windows.get(client);
        if (w == null) {
            return 0;
        }
        long left = w.start + windowNanos - now;
        if (left <= 0) {
            windows.remove(client);
            return 0;
        }
        return w.failures >= maxFailures ? (int) Math.max(1, (left + 999_999_999L) / 1_000_000_000L) : 0;
    }

    /** Failures of {@code client} in its current window. */
    int failures(InetAddress client) {
        Window w = windows.get(client);
        return w == null ? 0 : w.failures;
    }

    void failed(InetAddress client, long now) {
        Window w = windows.get(client);
        if (w == null || w.start + windowNanos - now <= 0) {
            if (w == null && windows.size() >= maxAddresses && !purge(now)) {
                return; // full of live windows: see the class comment
            }
            w = new Window(now);
            windows.put(client, w);
        }
        w.failures++;
    }

    void succeeded(InetAddress client) {
        windows.remove(client);
    }

    int tracked() {
        return windows.size();
    }

    /** Drops expired windows; whether there is room now. */
    private boolean purge(long now) {
        for (Iterator<Window> it = windows.values().iterator(); it.hasNext(); ) {
            Window w = it.next();
            if (w.start + windowNanos - now <= 0) {
                it.remove();
            }
        }
        return windows.size() < maxAddresses;
    }
}
