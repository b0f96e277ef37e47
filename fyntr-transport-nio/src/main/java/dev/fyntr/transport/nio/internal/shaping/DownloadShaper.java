package dev.fyntr.transport.nio.internal.shaping;

import dev.fyntr.transport.nio.internal.loop.LoopContext;
import dev.fyntr.transport.nio.internal.loop.LoopTimer;

import java.util.ArrayDeque;

/**
 * {@code --max-download-rate}: a token bucket on upstream→client bytes. A tunnel reads from its upstream only
 * as many bytes as there are tokens; when the bucket is dry it stops reading (drops OP_READ), so the upstream
 * socket's receive buffer fills and TCP flow control slows the sender. Paused tunnels wait in FIFO order and
 * are resumed by a timer as tokens come due, about one read's worth of tokens per tunnel, oldest first, so
 * the cap is shared roughly round-robin. Event-loop thread only.
 */
public final class DownloadShaper {

    /** A reader that stopped reading for want of tokens. */
    public interface Parked {
        /** Tokens are due: read again. Called on the loop thread; a reader that has closed ignores it. */
        void resume();
    }

    private final LoopContext loop;
    private final LoopTimer resume = new LoopTimer(this::resumeSome);
    private final ArrayDeque<Parked> parked = new ArrayDeque<>();

    private TokenBucket bucket; // null: unlimited
    private int minReadBytes;
    private long throttles;

    public DownloadShaper(LoopContext loop) {
        this.loop = loop;
    }

    /** Sets the cap, effective at once; 0 = unlimited (paused tunnels resume). */
    public void rate(long bytesPerSecond, long now) {
        if (bytesPerSecond == 0) {
            bucket = null;
            resumeSome();
            return;
        }
        bucket = TokenBucket.forBytes(bucket, bytesPerSecond, now);
        minReadBytes = UploadShaper.minPieceBytes(bytesPerSecond);
        if (!parked.isEmpty()) {
            loop.timers().arm(resume, bucket.deadlineFor(minReadBytes));
        }
    }

    /**
     * How many bytes the next upstream read may take: {@link Integer#MAX_VALUE} when unlimited, 0 when the
     * caller must {@link #park} instead of reading. Reads the clock only when a cap is set.
     */
    public int allowance() {
        if (bucket == null) {
            return Integer.MAX_VALUE;
        }
        long tokens = bucket.available(loop.nanoTime());
        return tokens >= minReadBytes ? (int) Math.min(Integer.MAX_VALUE, tokens) : 0;
    }

    /** Takes the tokens a read used. */
    public void consumed(int bytes) {
        if (bucket != null && bytes > 0) {
            bucket.consume(bytes);
        }
    }

    /** The reader stopped reading its upstream; its {@link Parked#resume()} is called when tokens are due. */
    public void park(Parked reader) {
        assert loop.inLoop();
        parked.addLast(reader);
        throttles++;
        if (bucket != null) {
            loop.timers().arm(resume, bucket.deadlineFor(minReadBytes));
        } else {
            loop.timers().arm(resume, loop.nanoTime());
        }
    }

    private void resumeSome() {
        if (bucket == null) {
            // Bounded by the queue's size at entry; resumed tunnels do not re-park here.
            for (int n = parked.size(); n > 0; n--) {
                parked.pollFirst().resume();
            }
            return;
        }
        long now = loop.nanoTime();
        long grants = Math.max(1, bucket.available(now) / minReadBytes);
        for (; grants > 0 && !parked.isEmpty(); grants--) {
            parked.pollFirst().resume(); // closed tunnels ignore it
        }
        if (!parked.isEmpty()) {
            // The resumed tunnels will spend what is there; the next tunnel's share is one piece later.
            loop.timers().arm(resume, now + bucket.nanosFor(minReadBytes));
        }
    }

    public int pausedTunnels() {
        return parked.size();
    }

    public long throttles() {
        return throttles;
    }

    public long rateBytesPerSecond() {
        return bucket == null ? 0 : bucket.rate();
    }
}
