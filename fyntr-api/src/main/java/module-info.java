/**
 * Fyntr's service provider interface: how a transport asks a {@link dev.fyntr.api.spi.Scheduler} which
 * tunnel may write next, and how schedulers are found ({@link dev.fyntr.api.Schedulers}).
 *
 * <p>Depends on {@code java.base} only, so that a custom scheduler needs nothing else.
 */
module dev.fyntr.api {
    exports dev.fyntr.api;
    exports dev.fyntr.api.spi;

    // The module that calls ServiceLoader.load must declare the use.
    uses dev.fyntr.api.spi.SchedulerProvider;
}
