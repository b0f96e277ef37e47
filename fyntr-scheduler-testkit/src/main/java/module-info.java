/** Contract tests for {@link dev.fyntr.api.spi.Scheduler} implementations: extend {@code SchedulerContract}. */
module dev.fyntr.scheduler.testkit {
    requires transitive dev.fyntr.api;
    requires transitive org.junit.jupiter.api;
    // exports dev.fyntr.scheduler.testkit; (restored with the first class)
}
