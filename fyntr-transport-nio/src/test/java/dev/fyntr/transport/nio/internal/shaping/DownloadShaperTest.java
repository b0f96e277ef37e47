package dev.fyntr.transport.nio.internal.shaping;

import dev.fyntr.transport.nio.internal.loop.ManualLoop;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code --max-download-rate} in virtual time: allowance, parking, and round-robin resumption. */
class DownloadShaperTest {

    private static final long MS = 1_000_000L;
    private static final long T0 = 1_000 * MS;

    private final ManualLoop loop = new ManualLoop(T0);
    private final DownloadShaper shaper = new DownloadShaper(loop);
    private final List<String> resumed = new ArrayList<>();

    private DownloadShaper.Parked reader(String name) {
        return () -> resumed.add(name);
    }

    @Test
    void shouldAllowEverythingWhenOff() {
        assertEquals(Integer.MAX_VALUE, shaper.allowance());
        shaper.consumed(1 << 20);
        assertEquals(Integer.MAX_VALUE, shaper.allowance());
    }

    @Test
    void shouldAllowTheBurstThenNothingUntilAPieceIsDue() {
        shaper.rate(10_000_000, T0); // burst 100,000 B; pieces of 10,000 B
        assertEquals(100_000, shaper.allowance());
        shaper.consumed(95_000);
        assertEquals(0, shaper.allowance(), "5,000 B left is less than a piece: park instead of a tiny read");
        loop.advance(500_000); // 0.5 ms: 5,000 B more
        assertEquals(10_000, shaper.allowance());
    }

    @Test
    void shouldResumeParkedReadersOldestFirstAsTokensComeDue() {
        shaper.rate(10_000_000, T0);
        shaper.consumed(100_000);
        shaper.park(reader("a"));
        shaper.park(reader("b"));
        shaper.park(reader("c"));
        assertEquals(3, shaper.pausedTunnels());
        loop.advance(MS); // one piece due: one reader
        assertEquals(List.of("a"), resumed);
        shaper.consumed(10_000);
        loop.advance(MS);
        assertEquals(List.of("a", "b"), resumed);
        assertEquals(3, shaper.throttles());
    }

    @Test
    void shouldResumeEveryoneWhenTurnedOff() {
        shaper.rate(1_000_000, T0);
        shaper.consumed(65_536);
        shaper.park(reader("a"));
        shaper.park(reader("b"));
        shaper.rate(0, T0);
        assertEquals(List.of("a", "b"), resumed);
        assertEquals(0, shaper.pausedTunnels());
    }
}
