package dev.fyntr.scheduler.drr.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fyntr.api.spi.FlowInfo;
import dev.fyntr.api.spi.QuantumTuner;
import dev.fyntr.api.spi.SchedulerConfig;
import dev.fyntr.scheduler.drr.WeightedDrrSchedulerProvider;
import dev.fyntr.scheduler.testkit.SchedulerDriver;
import dev.fyntr.scheduler.testkit.TestFlow;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Shares under a burst, in the driver's decisions (no clock): flows that stay backlogged share the bytes in the
 * ratio of their weights. The bound is the issue's: within 5 % of the configured ratio.
 */
class WeightedSharesTest {

    private static final InetSocketAddress ANY = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1);

    static FlowInfo to(String host, int port) {
        return FlowInfo.of(host, port, ANY, ANY, FlowInfo.FrontEnd.CONNECT, 0);
    }

    /** Bytes each flow got while all stayed backlogged, for the given chunk sizes and config. */
    static long[] burst(SchedulerConfig config, String rules, FlowInfo[] infos, int chunkBytes, int decisions) {
        SchedulerDriver driver = new SchedulerDriver(new WeightedDrrSchedulerProvider().create(
                config.withOption(WeightedDrrSchedulerProvider.OPTION, rules)));
        TestFlow[] flows = new TestFlow[infos.length];
        int[] chunks = new int[decisions + 8];
        java.util.Arrays.fill(chunks, chunkBytes);
        for (int i = 0; i < infos.length; i++) {
            flows[i] = driver.newFlow(infos[i]);
            driver.enqueue(flows[i], chunks); // more than the decisions: nobody runs dry
        }
        for (int i = 0; i < decisions; i++) {
            driver.step();
        }
        long[] served = new long[flows.length];
        for (int i = 0; i < flows.length; i++) {
            served[i] = flows[i].servedBytes();
        }
        return served;
    }

    static void assertShares(double[] weights, long[] served) {
        double weightSum = 0;
        long total = 0;
        for (int i = 0; i < weights.length; i++) {
            weightSum += weights[i];
            total += served[i];
        }
        for (int i = 0; i < weights.length; i++) {
            double expected = weights[i] / weightSum;
            double got = (double) served[i] / total;
            assertTrue(Math.abs(got - expected) <= 0.05 * expected, "flow " + i + " got " + got + " of the bytes, "
                    + "configured " + expected + " (within 5 %): " + java.util.Arrays.toString(served));
        }
    }

    @Test
    void shouldShareInTheRatioOfTheWeightsWithTheAdaptiveQuantum() {
        FlowInfo[] infos = {to("registry.example", 443), to("db.internal", 443), to("bastion.example", 22),
            to("other.example", 443)};
        long[] served = burst(SchedulerConfig.defaults(), "registry.example=4,*.internal=0.5,port:22=8", infos,
                16_384, 40_000);
        assertShares(new double[] {4, 0.5, 8, 1}, served);
    }

    @Test
    void shouldShareInTheRatioOfTheWeightsWithAFixedQuantumAndSmallChunks() {
        FlowInfo[] infos = {to("a.example", 443), to("b.example", 443)};
        long[] served = burst(SchedulerConfig.defaults().withQuantumTuner(QuantumTuner.fixed(1500)),
                "a.example=3", infos, 1000, 20_000);
        assertShares(new double[] {3, 1}, served);
    }

    @Test
    void shouldTakeTheFirstMatchingRule() {
        FlowInfo[] infos = {to("x.internal", 22), to("y.example", 22)};
        long[] served = burst(SchedulerConfig.defaults(), "*.internal=2,port:22=0.5", infos, 16_384, 20_000);
        assertShares(new double[] {2, 0.5}, served);
    }

    @Test
    void shouldGiveEqualSharesWithoutRules() {
        FlowInfo[] infos = {to("a.example", 443), to("b.example", 22)};
        long[] served = burst(SchedulerConfig.defaults(), "", infos, 16_384, 10_000);
        assertEquals(served[0], served[1], 16_384.0 * 2);
    }
}
