/** Deficit Round-Robin, Fyntr's default scheduler, registered as {@code drr}. */
module dev.fyntr.scheduler.drr {
    requires dev.fyntr.api;
    // exports dev.fyntr.scheduler.drr; (restored with the first class)
}
