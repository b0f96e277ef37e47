package dev.fyntr.transport.nio.internal.loop;

import java.nio.channels.SelectionKey;

/**
 * A selection key's interest set, changed only when it differs from what the kernel already has (each change
 * is an {@code epoll_ctl}). Loop thread only.
 */
public final class KeyInterest {

    private final SelectionKey key;
    private int ops = -1;

    public KeyInterest(SelectionKey key) {
        this.key = key;
    }

    /** Sets the interest to {@code wanted} if it differs; ignores a key that is no longer valid. */
    public void set(int wanted) {
        if (wanted != ops && key.isValid()) {
            ops = wanted;
            key.interestOps(wanted);
        }
    }

    public SelectionKey key() {
        return key;
    }
}
