package dev.fyntr.transport.nio.internal.net;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RateLimitedLogTest {

    private static final long MS = 1_000_000L;

    private long now = 1_000 * MS;
    private final List<String> lines = new ArrayList<>();
    private final RateLimitedLog log = new RateLimitedLog(lines::add, () -> now);

    @Test
    void shouldWriteOneLineOfAThousandInASecondAndCountTheRest() {
        for (int i = 0; i < 1000; i++) {
            int n = i;
            log.warn(() -> "denied " + n);
            now += MS / 2; // 1,000 warnings in half a second
        }
        assertEquals(List.of("denied 0"), lines);
        assertEquals(999, log.suppressed());
        now += 2_000 * MS;
        log.warn(() -> "denied again");
        assertEquals(List.of("denied 0", "denied again (999 similar line(s) suppressed in the last second or more)"),
                lines);
        assertEquals(0, log.suppressed());
    }

    @Test
    void shouldWriteOncePerSecondUnderASteadyFlood() {
        for (int i = 0; i < 10_000; i++) {
            log.warn(() -> "flood");
            now += MS; // 10 s of one warning a millisecond
        }
        assertTrue(lines.size() >= 9 && lines.size() <= 11, lines.size() + " lines");
        assertTrue(lines.get(1).contains("similar line(s) suppressed"), lines.get(1));
    }

    @Test
    void shouldNotEvenBuildTheTextOfASuppressedLine() {
        AtomicInteger built = new AtomicInteger();
        for (int i = 0; i < 100; i++) {
            log.warn(() -> "built " + built.incrementAndGet());
        }
        assertEquals(1, built.get());
    }

    @Test
    void shouldNeverBlockTheCallerWhenTheWriterCannotKeepUp() throws InterruptedException {
        java.util.concurrent.CountDownLatch stuck = new java.util.concurrent.CountDownLatch(1);
        LogHandoff.submit(() -> {
            try {
                stuck.await(30, java.util.concurrent.TimeUnit.SECONDS); // a log backend that hangs (bounded)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long dropped = LogHandoff.dropped();
        for (int i = 0; i < 10_000; i++) {
            LogHandoff.submit(() -> { }); // returns at once even though nothing is written
        }
        assertTrue(LogHandoff.dropped() > dropped, "a full queue drops and counts instead of blocking");
        stuck.countDown();
        assertTrue(LogHandoff.drain(10_000), "the writer catches up once the backend does");
    }
}
