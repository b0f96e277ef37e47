package dev.fyntr.embed.example;

import dev.fyntr.transport.nio.FyntrProxy;
import dev.fyntr.transport.nio.ProxySettings;

import java.io.IOException;
import java.net.InetAddress;

/**
 * Runs an embedded Fyntr proxy until standard input ends.
 *
 * <pre>
 *   EmbedExample [LISTEN_PORT [ALLOWED_PORT ALLOWED_CIDR]]
 * </pre>
 * LISTEN_PORT 0 (the default) lets the system choose; ALLOWED_PORT and ALLOWED_CIDR let tunnels reach one more
 * port in one more range (a local test server, for instance: {@code 8443 127.0.0.1/32}).
 */
public final class EmbedExample {

    private EmbedExample() {
    }

    public static void main(String[] args) throws IOException {
        int listenPort = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        var builder = FyntrProxy.builder()
                .bind(InetAddress.getLoopbackAddress())
                .port(listenPort)                      // 0: any free port
                .maxConnections(512)
                .maxBufferMemory(32L << 20)            // one budget for every buffer
                .scheduler("drr");                     // the default; "wdrr", or a plug-in's name
        if (args.length > 2) {
            builder.allowPorts(Integer.parseInt(args[1])).allowCidrs(args[2]);
        }
        ProxySettings settings = builder.build();      // checks everything without binding
        settings.warnings().forEach(System.err::println);
        try (FyntrProxy proxy = settings.start()) {
            System.out.println("listening on " + proxy.port());
            // The application's own life: here, until standard input ends (Ctrl-D, or the parent closes it).
            while (System.in.read() >= 0) {
                // discard
            }
            System.out.println("tunnels opened: " + proxy.stats().tunnelsOpened());
        } // close(): stop accepting, let tunnels finish (shutdownGrace), then close everything
    }
}
