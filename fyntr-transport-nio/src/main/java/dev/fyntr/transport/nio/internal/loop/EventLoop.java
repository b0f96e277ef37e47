package dev.fyntr.transport.nio.internal.loop;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * One event-loop thread, an actor: it owns a selector, the channels registered with it, a timer queue and a
 * buffer pool. Other threads talk to it only through {@link #execute(Runnable)}. It knows nothing of proxies:
 * its tenants register {@link IoHandler}s, timers and one {@link Duty}.
 *
 * <p>One turn: select (sleeping until the next timer when idle), handle ready keys, run messages, do the
 * duty, run due timers. The loop runs until {@link #stop()}; then it runs the {@code onStop} action it was
 * given and completes {@link #terminated()}. Whatever a handler, a task, a timer or the duty throws goes to one
 * {@link FaultGuard}, which hands it to the failing tenant and goes on.
 */
public final class EventLoop implements LoopContext, Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(EventLoop.class);

    /**
     * The work a loop does once per turn after its I/O and messages, in the style of Agrona's {@code Agent}:
     * {@link #doWork} returns whether more work is ready now, so that the loop does not sleep.
     * Loop thread only; must not block.
     */
    public interface Duty {
        /** Does one turn's work; returns {@code true} if the loop should turn again at once instead of sleeping. */
        boolean doWork(long now);

        /** Whether work became due since the last turn (e.g. a timer made tokens available). */
        default boolean workDue() {
            return false;
        }
    }

    private static final Duty NO_DUTY = now -> false;

    private final Selector selector;
    private final FaultGuard guard = new FaultGuard();
    private final TimerQueue timers = new TimerQueue(guard);
    private final BufferPool buffers;
    private final Queue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    private final Consumer<SelectionKey> dispatch = this::dispatch;
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();

    private Duty duty = NO_DUTY;
    private Runnable onStop = () -> { };
    private volatile Thread thread;
    private boolean moreWork;
    /** The turn's clock ({@link #turnNanoTime}), read on first use in a turn. */
    private long turnNanos;
    private boolean turnClockRead;
    private boolean stopping;

    /**
     * @param selector        the selector this loop owns (and closes when it ends)
     * @param bufferBudget    the most memory its tenants may hold in buffers, in bytes
     * @param buffersRetained how many free buffers the pool keeps for reuse
     */
    public EventLoop(Selector selector, long bufferBudget, int buffersRetained) {
        this.selector = selector;
        this.buffers = new BufferPool(bufferBudget, buffersRetained);
    }

    /** Sets the per-turn duty; before the loop starts. */
    public void duty(Duty duty) {
        this.duty = duty;
    }

    /** Sets what the loop does on its way out (close what its tenants own); before the loop starts. */
    public void onStop(Runnable onStop) {
        this.onStop = onStop;
    }

    @Override
    public TimerQueue timers() {
        return timers;
    }

    @Override
    public BufferPool buffers() {
        return buffers;
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public long turnNanoTime() {
        if (!turnClockRead) {
            turnNanos = System.nanoTime();
            turnClockRead = true;
        }
        return turnNanos;
    }

    @Override
    public SelectionKey register(SelectableChannel channel, int ops, IoHandler handler) throws IOException {
        assert thread == null || inLoop() : "register() off the loop thread once it runs";
        return channel.register(selector, ops, handler);
    }

    @Override
    public void execute(Runnable task) {
        inbox.add(task);
        selector.wakeup();
    }

    @Override
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** Ends the loop after this turn. Loop thread only. */
    public void stop() {
        assert inLoop();
        stopping = true;
    }

    /** Completed when the loop has ended: normally after {@link #stop()}, exceptionally if it failed. */
    public CompletableFuture<Void> terminated() {
        return terminated;
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        Throwable failure = null;
        try {
            while (!stopping) {
                long timeout = selectTimeoutMillis();
                turnClockRead = false;
                if (timeout < 0) {
                    selector.selectNow(dispatch);
                } else {
                    selector.select(dispatch, timeout);
                }
                runInbox();
                moreWork = doDuty();
                if (buffers.waitersDue()) {
                    guard.run(buffers::wakeWaiters, null, "waking readers that waited for memory");
                }
                timers.runDue(System.nanoTime());
            }
        } catch (ClosedSelectorException | IOException e) {
            LOG.error("event loop stopped: {}", e.toString(), e);
            failure = e;
        } catch (RuntimeException | Error e) {
            LOG.error("event loop failed", e);
            failure = e;
        } finally {
            try {
                onStop.run();
            } finally {
                closeSelector();
                if (failure == null) {
                    terminated.complete(null);
                } else {
                    terminated.completeExceptionally(failure);
                }
            }
        }
    }

    private boolean doDuty() {
        try {
            return duty.doWork(System.nanoTime());
        } catch (Throwable t) {
            guard.contain(t, null, "the loop's duty");
            return false;
        }
    }

    /**
     * Handles the sockets that are ready now, without waiting: for the duty, which calls it between long pieces of
     * work so that a socket that became ready meanwhile is not left until the next turn. Loop thread only.
     */
    public void pollReadyNow() {
        assert inLoop();
        try {
            selector.selectNow(dispatch);
        } catch (IOException e) {
            LOG.debug("polling ready sockets: {}", e.toString()); // the turn's own select reports a broken selector
        }
    }

    /** Faults contained by the loop's guard since start. */
    public long faults() {
        return guard.faults();
    }

    /** -1: don't sleep (work is pending); 0: sleep until woken; else milliseconds until the next timer. */
    private long selectTimeoutMillis() {
        if (moreWork || duty.workDue() || !inbox.isEmpty() || buffers.waitersDue()) {
            return -1;
        }
        long next = timers.nextDeadline();
        if (next == LoopTimer.DISARMED) {
            return 0;
        }
        long nanos = next - System.nanoTime();
        if (nanos <= 0) {
            return -1;
        }
        return Math.max(1, (nanos + 999_999) / 1_000_000);
    }

    private void dispatch(SelectionKey key) {
        Object attachment = key.attachment();
        if (!(attachment instanceof IoHandler handler) || !key.isValid()) {
            return;
        }
        try {
            handler.onReady(key);
        } catch (IOException e) {
            handler.onFailure(e); // a peer's doing (reset, refused): not a fault of ours, so not counted
        } catch (Throwable t) {
            guard.contain(t, handler::onFailure, handler);
        }
    }

    private void runInbox() {
        // Bounded: tasks added while draining wait for the next turn.
        for (int n = inbox.size(); n > 0; n--) {
            Runnable task = inbox.poll();
            if (task == null) {
                break;
            }
            guard.run(task, null, "an event loop task");
        }
    }

    private void closeSelector() {
        try {
            selector.close();
        } catch (IOException e) {
            LOG.debug("closing the selector: {}", e.toString());
        }
    }
}
