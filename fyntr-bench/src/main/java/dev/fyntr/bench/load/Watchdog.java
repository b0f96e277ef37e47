package dev.fyntr.bench.load;

import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bounds blocking socket work that a read timeout does not bound (a write into a full buffer): when a guard
 * expires, its socket is closed, which ends the blocked call with an exception, and the guard says it fired.
 * One daemon thread.
 */
final class Watchdog implements AutoCloseable {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "soak-watchdog");
        t.setDaemon(true);
        return t;
    });

    /** One armed deadline. Closing it disarms it. */
    static final class Guard implements AutoCloseable {
        private final Socket socket;
        private final boolean reset;
        private final AtomicBoolean fired = new AtomicBoolean();
        private volatile ScheduledFuture<?> task;

        private Guard(Socket socket, boolean reset) {
            this.socket = socket;
            this.reset = reset;
        }

        /** Closes the socket now (with a reset if the guard was armed so), unless it already fired. */
        void fire() {
            if (fired.compareAndSet(false, true)) {
                try {
                    if (reset) {
                        socket.setSoLinger(true, 0);
                    }
                    socket.close();
                } catch (IOException ignored) {
                    // closed either way
                }
            }
        }

        /** Whether the deadline passed (or {@link #fire()} was called) and the socket was closed by the guard. */
        boolean fired() {
            return fired.get();
        }

        @Override
        public void close() {
            ScheduledFuture<?> t = task;
            if (t != null) {
                t.cancel(false);
            }
        }
    }

    /**
     * Closes {@code socket} after {@code millis} unless the guard is closed first.
     *
     * @param reset close with SO_LINGER 0 (a TCP reset) rather than an orderly close
     */
    Guard arm(Socket socket, long millis, boolean reset) {
        Guard g = new Guard(socket, reset);
        g.task = timer.schedule(g::fire, millis, TimeUnit.MILLISECONDS);
        return g;
    }

    /** Runs {@code task} every {@code millis} until cancelled. */
    ScheduledFuture<?> every(long millis, Runnable task) {
        return timer.scheduleWithFixedDelay(task, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Runs {@code task} once after {@code millis}. */
    ScheduledFuture<?> later(long millis, Runnable task) {
        return timer.schedule(task, millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
