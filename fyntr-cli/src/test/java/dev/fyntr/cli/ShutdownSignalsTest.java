package dev.fyntr.cli;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShutdownSignalsTest {

    private final List<Integer> halts = new ArrayList<>();
    private final List<String> announced = new ArrayList<>();
    private final ShutdownSignals signals = new ShutdownSignals(halts::add, announced::add);

    @Test
    void shouldRequestAGracefulStopOnTheFirstSignal() throws Exception {
        assertFalse(signals.awaitRequest(0, TimeUnit.MILLISECONDS));
        assertNull(signals.firstSignal());
        signals.signal("TERM", 15);
        assertTrue(signals.awaitRequest(0, TimeUnit.MILLISECONDS));
        assertEquals("SIGTERM", signals.firstSignal());
        assertEquals(List.of(), halts);
    }

    @Test
    void shouldWakeTheWaitingThreadWhenTheProxyStopsWithoutASignal() throws Exception {
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
            try {
                signals.awaitSignalOrStop();
            } catch (InterruptedException e) {
                throw new CompletionException(e);
            }
        });
        signals.proxyStopped();
        waiting.get(30, TimeUnit.SECONDS);
        assertNull(signals.firstSignal(), "a stop is not a signal");
        assertFalse(signals.awaitRequest(0, TimeUnit.MILLISECONDS));
    }

    @Test
    void shouldWakeTheWaitingThreadOnTheFirstSignalToo() throws Exception {
        signals.signal("INT", 2);
        CompletableFuture.runAsync(() -> {
            try {
                signals.awaitSignalOrStop(); // already woken: returns at once
            } catch (InterruptedException e) {
                throw new CompletionException(e);
            }
        }).get(30, TimeUnit.SECONDS);
        assertEquals("SIGINT", signals.firstSignal());
    }

    @Test
    void shouldCountASignalAfterAStopAsTheFirstOne() {
        signals.proxyStopped();
        signals.signal("TERM", 15);
        assertEquals("SIGTERM", signals.firstSignal());
        assertEquals(List.of(), halts, "no exit at once: it is the first signal");
        assertEquals(List.of(), announced);
    }

    @Test
    void shouldExitAtOnceOnTheSecondSignalWithTheShellsStatus() {
        signals.signal("INT", 2);
        signals.signal("TERM", 15);
        assertEquals(List.of(143), halts);
        assertEquals(1, announced.size());
        assertTrue(announced.get(0).contains("second signal (SIGTERM)"), announced.get(0));
        assertEquals("SIGINT", signals.firstSignal());
    }
}
