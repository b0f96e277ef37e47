package dev.fyntr.transport.nio.internal;

import dev.fyntr.transport.nio.internal.net.FileDescriptorGuard;
import dev.fyntr.transport.nio.internal.net.JvmLimits;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * What deserves a warning in a configuration, decided once for the builder's check, so that a dry run shows
 * what a start logs.
 */
public final class StartupWarnings {

    private StartupWarnings() {
    }

    /**
     * One sentence per warning, in a stable order; empty when all is well.
     *
     * @param authenticated whether clients must authenticate (then a non-loopback address is no warning)
     */
    public static List<String> of(ProxyConfig config, boolean authenticated) {
        ProxyConfig.Listen listen = config.listen();
        List<String> warnings = new ArrayList<>(4);
        if (!authenticated && !listen.bind().isLoopbackAddress()) {
            warnings.add(nonLoopback("listening on", listen.bind(), listen.port()));
        }
        if (!authenticated && listen.socks5() && !listen.socks5Bind().isLoopbackAddress()) {
            warnings.add(nonLoopback("SOCKS5 listening on", listen.socks5Bind(), listen.socks5Port()));
        }
        long direct = JvmLimits.maxDirectMemory();
        if (config.limits().maxBufferMemory() > direct) {
            warnings.add("the buffer memory budget (" + (config.limits().maxBufferMemory() >> 20) + " MiB) is larger "
                    + "than the JVM allows for direct buffers (" + (direct >> 20) + " MiB): the JVM would refuse buffers "
                    + "first and the proxy would stall and shed load; lower --max-buffer-memory or raise "
                    + "-XX:MaxDirectMemorySize (or -Xmx)");
        }
        String descriptors = FileDescriptorGuard.warning(config.limits().maxConnections());
        if (descriptors != null) {
            warnings.add(descriptors);
        }
        return warnings;
    }

    private static String nonLoopback(String what, InetAddress address, int port) {
        return what + " " + address.getHostAddress() + ", which is not a loopback address: fyntr has no "
                + "authentication configured (--auth-file), so anyone who can reach " + (port == 0 ? "it" : "port " + port)
                + " can use it as a proxy";
    }
}
