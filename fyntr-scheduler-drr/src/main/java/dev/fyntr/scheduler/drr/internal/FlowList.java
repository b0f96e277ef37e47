package dev.fyntr.scheduler.drr.internal;

/** A FIFO of {@link FlowState}s linked through the states themselves: no allocation, every operation O(1). */
final class FlowList {

    final String name;
    FlowState head;
    private FlowState tail;
    private int size;

    FlowList(String name) {
        this.name = name;
    }

    boolean isEmpty() {
        return head == null;
    }

    int size() {
        return size;
    }

    /** Appends a state that is in no list. */
    void addLast(FlowState s) {
        s.list = this;
        s.prev = tail;
        s.next = null;
        if (tail == null) {
            head = s;
        } else {
            tail.next = s;
        }
        tail = s;
        size++;
    }

    /** Unlinks a state that is in this list. */
    void remove(FlowState s) {
        if (s.prev == null) {
            head = s.next;
        } else {
            s.prev.next = s.next;
        }
        if (s.next == null) {
            tail = s.prev;
        } else {
            s.next.prev = s.prev;
        }
        s.prev = null;
        s.next = null;
        s.list = null;
        size--;
    }
}
