/**
 * Micrometer metrics for a running Fyntr proxy: {@code new FyntrMetrics(proxy).bindTo(registry)}. Optional: the
 * transport does not depend on this module. Micrometer's jars are automatic modules (no module-info of their own),
 * hence the suppressed warning.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.fyntr.micrometer {
    requires transitive dev.fyntr.transport.nio;
    requires transitive micrometer.core;
    exports dev.fyntr.micrometer;
}
