/**
 * The {@code fyntr} command: flags and {@code FYNTR_*} variables over the {@code FyntrProxy} builder, logging
 * through slf4j-simple, and signal handling. It exports nothing; run it with {@code -m dev.fyntr.cli}.
 */
@SuppressWarnings("requires-automatic") // Micrometer's Prometheus registry has no module-info of its own
module dev.fyntr.cli {
    requires dev.fyntr.transport.nio;
    requires dev.fyntr.micrometer;
    requires micrometer.registry.prometheus;
    requires jdk.httpserver; // the /metrics and /healthz server
    requires info.picocli;
    requires org.slf4j;
    // sun.misc.Signal, reached by reflection (see ShutdownSignals); required so that it is in the module graph.
    requires jdk.unsupported;

    // picocli sets the @Option fields and creates the converters reflectively.
    opens dev.fyntr.cli to info.picocli;
}
