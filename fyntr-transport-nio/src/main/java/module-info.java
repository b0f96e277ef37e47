/**
 * The Fyntr proxy on {@code java.nio}: start one with {@link dev.fyntr.transport.nio.FyntrProxy#builder()}.
 * Schedulers are found through {@link dev.fyntr.api.Schedulers}; this module never names an implementation.
 */
module dev.fyntr.transport.nio {
    requires transitive dev.fyntr.api;
    requires org.slf4j;
    requires java.management; // the proxy's MBean (FyntrProxyMXBean)
    requires jdk.management; // UnixOperatingSystemMXBean: the open-file limit for the FD guard
    exports dev.fyntr.transport.nio;
}
