package dev.fyntr.bench.load;

import dev.fyntr.transport.nio.FyntrProxy;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;

/**
 * The proxy side of {@code LoadTool --fork}: starts Fyntr on 127.0.0.1 in a process of its own (so that its CPU
 * time can be read from {@code /proc}), prints {@code PORT <n>} and runs until its standard input closes.
 *
 * <pre>ProxyMain ALLOWED_PORT[,PORT…] [SCHEDULER]</pre>
 */
public final class ProxyMain {

    private ProxyMain() {
    }

    /** Entry point. */
    public static void main(String[] args) throws IOException {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: ProxyMain ALLOWED_PORT[,PORT...] [SCHEDULER]");
            System.exit(2);
        }
        int[] ports = Arrays.stream(args[0].split(",")).mapToInt(Integer::parseInt).toArray();
        try (FyntrProxy proxy = FyntrProxy.builder()
                .bind(InetAddress.getLoopbackAddress())
                .port(0)
                .maxConnections(LoadTool.MAX_CONNECTIONS)
                .scheduler(args.length > 1 ? args[1] : null)
                .allowPorts(ports)
                .allowCidrs("127.0.0.1/32")
                .shutdownGrace(Duration.ofSeconds(1))
                .start()) {
            System.out.println("PORT " + proxy.port() + " " + proxy.schedulerName());
            System.out.flush();
            // The parent closes our stdin (or dies) when it is done.
            while (System.in.read() >= 0) {
                continue;
            }
        }
    }
}
