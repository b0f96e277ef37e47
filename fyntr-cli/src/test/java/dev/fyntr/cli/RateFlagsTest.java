package dev.fyntr.cli;

import dev.fyntr.transport.nio.FyntrProxy;
import dev.fyntr.transport.nio.ShapingStats;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The rate flags reach the proxy: it reports the caps it was started with. Needs the transport. */
class RateFlagsTest {

    @Test
    void shouldStartTheProxyWithTheRatesOfTheFlagsAndVariables() throws Exception {
        FyntrCommand o = FyntrCli.parse(new String[] {"--port", "0", "--max-rate", "80mbit",
                "--max-connect-rate", "0.5"}, Map.of("FYNTR_MAX_DOWNLOAD_RATE", "512KiB")).options();
        try (FyntrProxy proxy = FyntrCli.configure(o, InetAddress.getLoopbackAddress(), null).start()) {
            ShapingStats s = proxy.stats().shaping();
            assertEquals(10_000_000, s.maxRateBytesPerSecond());
            assertEquals(512 * 1024, s.maxDownloadRateBytesPerSecond());
            assertEquals(0.5, s.maxConnectsPerSecond());
        }
    }

    @Test
    void shouldLeaveTheProxyUnlimitedByDefault() throws Exception {
        FyntrCommand o = FyntrCli.parse(new String[] {"--port", "0", "--max-rate", "off"}, Map.of()).options();
        try (FyntrProxy proxy = FyntrCli.configure(o, InetAddress.getLoopbackAddress(), null).start()) {
            ShapingStats s = proxy.stats().shaping();
            assertEquals(0, s.maxRateBytesPerSecond());
            assertEquals(0, s.maxDownloadRateBytesPerSecond());
            assertEquals(0.0, s.maxConnectsPerSecond());
        }
    }
}
