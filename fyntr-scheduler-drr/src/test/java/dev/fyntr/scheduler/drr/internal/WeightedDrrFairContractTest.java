package dev.fyntr.scheduler.drr.internal;

import dev.fyntr.api.spi.Flow;
import dev.fyntr.api.spi.Scheduler;
import dev.fyntr.api.spi.SchedulerConfig;
import dev.fyntr.scheduler.drr.WeightedDrrSchedulerProvider;
import dev.fyntr.scheduler.testkit.FairSchedulerContract;

import java.util.OptionalLong;

/**
 * wdrr whose rules match none of the contract's flows (their info is unknown): every weight is 1, so it must pass
 * DRR's whole contract, fairness bound and deficit invariant included.
 */
class WeightedDrrFairContractTest extends FairSchedulerContract {

    @Override
    protected Scheduler createScheduler(SchedulerConfig config) {
        return new WeightedDrrSchedulerProvider().create(
                config.withOption(WeightedDrrSchedulerProvider.OPTION, "registry.example=4,port:22=8"));
    }

    @Override
    protected OptionalLong deficit(Flow flow) {
        long deficit = DrrScheduler.deficitOf(flow);
        return deficit < 0 ? OptionalLong.empty() : OptionalLong.of(deficit);
    }
}
