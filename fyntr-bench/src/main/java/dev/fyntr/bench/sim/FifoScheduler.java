package dev.fyntr.bench.sim;

import dev.fyntr.api.spi.Flow;
import dev.fyntr.api.spi.Scheduler;

/**
 * The baseline: first come, first served, the way a proxy with no scheduler drains a burst. Flows are served
 * in the order they became backlogged; the flow at the head writes everything it had queued when its turn
 * came (at most the transport's per-flow queue bound, 256 KiB) before the next flow gets the link, as if
 * the chunks had gone into one shared queue in arrival order. A flow that still has data afterwards goes to
 * the back.
 *
 * <p>Work-conserving and O(1) per call; allocates one node per flow, at its first {@link #onBacklogged}.
 */
public final class FifoScheduler implements Scheduler {

    private static final class Node {
        final Flow flow;
        Node prev;
        Node next;
        boolean linked;
        long turnBytesLeft; // 0 = its turn has not started

        Node(Flow flow) {
            this.flow = flow;
        }
    }

    private Node head;
    private Node tail;

    @Override
    public void onBacklogged(Flow flow) {
        Node node = node(flow);
        if (node.linked) {
            return;
        }
        node.turnBytesLeft = 0;
        append(node);
    }

    @Override
    public void onIdle(Flow flow) {
        leave(flow);
    }

    @Override
    public void onBlocked(Flow flow) {
        leave(flow);
    }

    @Override
    public void onClosed(Flow flow) {
        leave(flow);
        flow.schedulerState(null);
    }

    @Override
    public Flow next() {
        Node node = head;
        if (node == null) {
            return null;
        }
        if (node.turnBytesLeft <= 0) {
            // Its turn covers what it had queued now: later arrivals queue behind the other flows.
            node.turnBytesLeft = Math.max(node.flow.queuedBytes(), node.flow.headChunkBytes());
        }
        return node.flow;
    }

    @Override
    public void onSent(Flow flow, int bytes) {
        if (!(flow.schedulerState() instanceof Node node) || !node.linked) {
            return;
        }
        node.turnBytesLeft -= bytes;
        if (node.turnBytesLeft <= 0 && node == head && node != tail) {
            unlink(node);
            node.turnBytesLeft = 0;
            append(node);
        }
    }

    private void leave(Flow flow) {
        if (flow.schedulerState() instanceof Node node && node.linked) {
            unlink(node);
            node.turnBytesLeft = 0;
        }
    }

    private static Node node(Flow flow) {
        if (flow.schedulerState() instanceof Node node) {
            return node;
        }
        Node node = new Node(flow);
        flow.schedulerState(node);
        return node;
    }

    private void append(Node node) {
        node.prev = tail;
        node.next = null;
        if (tail == null) {
            head = node;
        } else {
            tail.next = node;
        }
        tail = node;
        node.linked = true;
    }

    private void unlink(Node node) {
        if (node.prev == null) {
            head = node.next;
        } else {
            node.prev.next = node.next;
        }
        if (node.next == null) {
            tail = node.prev;
        } else {
            node.next.prev = node.prev;
        }
        node.prev = null;
        node.next = null;
        node.linked = false;
    }

    @Override
    public String toString() {
        return "fifo";
    }
}
