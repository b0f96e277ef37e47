/**
 * Contract tests for {@link dev.fyntr.api.spi.Scheduler} implementations. A scheduler's test class extends
 * {@code SchedulerContract} (or {@code FairSchedulerContract} for byte-fair schedulers) and says how to create
 * the scheduler; the inherited tests then check it. Used with test scope.
 */
module dev.fyntr.scheduler.testkit {
    requires transitive dev.fyntr.api;
    requires transitive org.junit.jupiter.api;
    requires transitive org.junit.jupiter.params;

    exports dev.fyntr.scheduler.testkit;
}
