package dev.fyntr.scheduler.drr.internal;

import dev.fyntr.api.spi.ChunkStats;
import dev.fyntr.api.spi.Scheduler;
import dev.fyntr.api.spi.SchedulerConfig;
import dev.fyntr.scheduler.drr.AdaptiveQuantumTuner;
import dev.fyntr.scheduler.drr.DrrSchedulerProvider;
import dev.fyntr.scheduler.testkit.SchedulerContract;

/**
 * DRR as shipped (adaptive quantum, sparse-flow priority) against the basic contract. The fairness bound needs a
 * fixed quantum, so it is checked by {@link DrrContractTest}.
 */
class AdaptiveDrrContractTest extends SchedulerContract {

    @Override
    protected SchedulerConfig config() {
        return SchedulerConfig.defaults();
    }

    @Override
    protected Scheduler createScheduler(SchedulerConfig config) {
        return new DrrSchedulerProvider().create(config);
    }

    /** A flow with a small quantum may need several turns to afford a large chunk; the others get theirs meanwhile. */
    @Override
    protected long maxWaitDecisions(int otherFlows, int minChunkBytes) {
        int turns = (ChunkStats.MAX_CHUNK_BYTES + AdaptiveQuantumTuner.CHATTY_QUANTUM_BYTES - 1)
                / AdaptiveQuantumTuner.CHATTY_QUANTUM_BYTES;
        return turns * super.maxWaitDecisions(otherFlows, minChunkBytes);
    }
}
