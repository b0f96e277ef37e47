/**
 * An example of a third-party scheduler: plain round robin, registered as {@code rr}. It exports nothing; the
 * lookup in {@link dev.fyntr.api.Schedulers} finds the provider through the {@code provides} clause below (module
 * path) or META-INF/services (class path).
 */
module dev.fyntr.example.scheduler {
    requires dev.fyntr.api;

    provides dev.fyntr.api.spi.SchedulerProvider with dev.fyntr.example.scheduler.RoundRobinSchedulerProvider;
}
