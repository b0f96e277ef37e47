package dev.fyntr.scheduler.drr.internal;

import dev.fyntr.api.spi.FlowInfo;
import dev.fyntr.api.spi.Scheduler;
import dev.fyntr.api.spi.SchedulerConfig;
import dev.fyntr.scheduler.drr.WeightedDrrSchedulerProvider;
import dev.fyntr.scheduler.testkit.SchedulerContract;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * wdrr with rules that weigh the contract's flows differently (4, 1, 0.5 by flow id): the basic contract (work
 * conservation, no starvation, closed flows, odd sequences) must hold whatever the weights. Byte fairness does not,
 * by design; {@link WeightedDrrFairContractTest} runs the fair contract where every weight is 1.
 */
class WeightedDrrContractTest extends SchedulerContract {

    static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 443);

    @Override
    protected Scheduler createScheduler(SchedulerConfig config) {
        return new WeightedDrrSchedulerProvider().create(
                config.withOption(WeightedDrrSchedulerProvider.OPTION, "heavy.example=4,*.light.example=0.5"));
    }

    @Override
    protected FlowInfo flowInfo(long flowId) {
        String host = flowId % 3 == 0 ? "heavy.example" : flowId % 3 == 1 ? "a.light.example" : "other.example";
        return FlowInfo.of(host, 443, LOOPBACK, LOOPBACK, FlowInfo.FrontEnd.CONNECT, 0);
    }

    @Override
    protected long maxWaitDecisions(int otherFlows, int minChunkBytes) {
        // The others may each take up to 4 quanta per turn (weight 4), and the waiting flow needs up to 2 turns
        // to earn a chunk at weight 0.5.
        return 4 * 2 * super.maxWaitDecisions(otherFlows, minChunkBytes);
    }

}
