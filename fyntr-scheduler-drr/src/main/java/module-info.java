/**
 * Deficit Round-Robin, Fyntr's default scheduler, registered as {@code drr}, with the adaptive quantum tuner
 * (docs/schedulers.md#the-quantum-adaptive-tuner). Users select it by name through
 * {@link dev.fyntr.api.Schedulers}; the only public types are the provider and the tuner (which another scheduler
 * may reuse).
 */
module dev.fyntr.scheduler.drr {
    requires transitive dev.fyntr.api;

    exports dev.fyntr.scheduler.drr;

    provides dev.fyntr.api.spi.SchedulerProvider with dev.fyntr.scheduler.drr.DrrSchedulerProvider,
            dev.fyntr.scheduler.drr.WeightedDrrSchedulerProvider;
}
