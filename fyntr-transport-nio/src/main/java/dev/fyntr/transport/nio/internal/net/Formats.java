package dev.fyntr.transport.nio.internal.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

/** The one way log lines and messages write an endpoint and a duration. */
public final class Formats {

    private Formats() {
    }

    /** {@code 127.0.0.1:443}, {@code [::1]:443}; {@code ?} for a missing address. Never does a name lookup. */
    public static String endpoint(InetSocketAddress a) {
        if (a == null) {
            return "?";
        }
        return a.getAddress() == null ? a.getHostString() + ":" + a.getPort() : endpoint(a.getAddress(), a.getPort());
    }

    /** As {@link #endpoint(InetSocketAddress)}, from its parts. */
    public static String endpoint(InetAddress address, int port) {
        String host = address.getHostAddress();
        return (address instanceof Inet6Address ? "[" + host + "]" : host) + ":" + port;
    }

    /** {@code 30 s}, or {@code 300 ms} when not a whole number of seconds. */
    public static String duration(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }
}
