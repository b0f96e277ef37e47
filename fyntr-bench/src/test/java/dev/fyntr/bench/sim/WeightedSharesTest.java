package dev.fyntr.bench.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The weighted burst's shares: deterministic (decisions, not time), each within 5 % of its weight's share. */
class WeightedSharesTest {

    @ParameterizedTest
    @CsvSource({"1,2000,1", "4,500,42", "16,500,7", "64,200,42"})
    void shouldGiveEachDestinationItsWeightsShareWithinFivePercent(int flowsPerKind, int chunks, long seed) {
        WeightedShares.Result r = WeightedShares.run(flowsPerKind, chunks, seed);
        assertTrue(r.maxErrorPercent() <= 5.0, r.table());
        double sum = 0;
        for (double s : r.sharePercent()) {
            sum += s;
        }
        assertEquals(100.0, sum, 1e-9);
        assertTrue(r.bytes() > 0);
    }
}
