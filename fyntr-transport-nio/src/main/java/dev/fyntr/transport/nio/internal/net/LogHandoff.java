package dev.fyntr.transport.nio.internal.net;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Log lines from the event loop go through here, so that the loop never waits on a log backend (a full pipe on
 * stderr, a slow disk): each is a task in a bounded queue, written by one daemon thread; when the queue is full
 * the line is dropped and counted, and the writer reports the count with its next line. Tasks must capture
 * values, not the loop's mutable state. Thread-safe; {@link #submit} never blocks.
 */
public final class LogHandoff {

    private static final int CAPACITY = 4096;
    private static final BlockingQueue<Runnable> QUEUE = new ArrayBlockingQueue<>(CAPACITY);
    private static final AtomicLong DROPPED = new AtomicLong();
    private static final Logger LOG = LoggerFactory.getLogger(LogHandoff.class);
    private static volatile Thread writer;

    private LogHandoff() {
    }

    /**
     * Queues {@code logCall} (one call on an SLF4J logger); drops it and counts when the queue is full.
     *
     * @return whether it was queued (false: dropped)
     */
    public static boolean submit(Runnable logCall) {
        boolean queued = QUEUE.offer(logCall);
        if (!queued) {
            DROPPED.incrementAndGet();
        }
        if (writer == null) {
            start();
        }
        return queued;
    }

    /** Log lines dropped because the writer could not keep up, since start. */
    public static long dropped() {
        return DROPPED.get();
    }

    /**
     * Waits until the writer has taken every line queued so far (the last may still be being written), up to
     * {@code millis}; for shutdown and tests.
     */
    public static boolean drain(long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        // Bounded by the deadline.
        while (!QUEUE.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return QUEUE.isEmpty();
    }

    private static synchronized void start() {
        if (writer != null) {
            return;
        }
        Thread t = new Thread(LogHandoff::write, "fyntr-log");
        t.setDaemon(true);
        writer = t;
        t.start();
    }

    private static void write() {
        long reported = 0;
        while (true) {
            Runnable next;
            try {
                next = QUEUE.poll(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (next == null) {
                continue;
            }
            long dropped = DROPPED.get();
            if (dropped != reported) {
                LOG.warn("{} log line(s) dropped: the log could not keep up with the proxy", dropped - reported);
                reported = dropped;
            }
            try {
                next.run();
            } catch (RuntimeException e) {
                // A log backend that throws must not end the writer.
            }
        }
    }
}
