package dev.fyntr.transport.nio.internal.loop;

import java.io.IOException;
import java.nio.channels.SelectionKey;

/** What a selection key's attachment does when its channel is ready. Event-loop thread only. */
public interface IoHandler {

    /** The channel is ready for (some of) {@code key.readyOps()}. */
    void onReady(SelectionKey key) throws IOException;

    /**
     * {@link #onReady} threw. Close what this handler owns; must not throw. An {@link IOException} is a
     * peer's doing (reset, refused); anything else is a bug in Fyntr or in a scheduler.
     */
    void onFailure(Throwable failure);
}
