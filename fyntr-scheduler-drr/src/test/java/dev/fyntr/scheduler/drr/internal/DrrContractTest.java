package dev.fyntr.scheduler.drr.internal;

import dev.fyntr.api.spi.Flow;
import dev.fyntr.api.spi.Scheduler;
import dev.fyntr.api.spi.SchedulerConfig;
import dev.fyntr.scheduler.drr.DrrSchedulerProvider;
import dev.fyntr.scheduler.testkit.FairSchedulerContract;

import java.util.OptionalLong;

/** DRR with sparse-flow priority (the default) against the full contract, deficit invariant included. */
class DrrContractTest extends FairSchedulerContract {

    @Override
    protected Scheduler createScheduler(SchedulerConfig config) {
        return new DrrSchedulerProvider().create(config);
    }

    @Override
    protected OptionalLong deficit(Flow flow) {
        long deficit = DrrScheduler.deficitOf(flow);
        return deficit < 0 ? OptionalLong.empty() : OptionalLong.of(deficit);
    }
}
