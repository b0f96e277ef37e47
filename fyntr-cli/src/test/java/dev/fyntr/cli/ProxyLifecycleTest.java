package dev.fyntr.cli;

import dev.fyntr.transport.nio.FyntrProxy;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real start and stop, in-process, with the signal delivered by the test. Needs the transport. */
class ProxyLifecycleTest {

    @Test
    void shouldExit1NamingThePortWhenItIsAlreadyInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = taken.getLocalPort();
            Cli.Result r = Cli.run("--port", String.valueOf(port));
            assertEquals(FyntrCli.EXIT_FAILURE, r.status(), r.err());
            assertTrue(r.err().startsWith("fyntr: port " + port + " is already in use on 127.0.0.1"), r.err());
            assertEquals(1, r.errLines().size(), "no stack trace at level info: " + r.err());

            Cli.Result debug = Cli.run("--port", String.valueOf(port), "--log-level", "debug");
            assertEquals(FyntrCli.EXIT_FAILURE, debug.status());
            assertTrue(debug.errLines().size() > 1, "stack trace at level debug");
            assertTrue(debug.err().contains("BindException"), debug.err());
        }
    }

    @Test
    void shouldStartAndStopGracefullyOnTheFirstSignal() throws Exception {
        List<Integer> halts = new ArrayList<>();
        ShutdownSignals signals = new ShutdownSignals(halts::add, m -> { });
        // Delivered before the proxy is up: the command must still start, then stop at once with status 0.
        signals.signal("TERM", 15);
        CompletableFuture<Cli.Result> run = CompletableFuture.supplyAsync(
                () -> Cli.run(Map.of(), signals, "--port", "0", "--shutdown-grace", "1"));
        Cli.Result r = run.get(30, TimeUnit.SECONDS);
        assertEquals(FyntrCli.EXIT_OK, r.status(), r.err());
        assertEquals("", r.err());
        assertFalse(halts.iterator().hasNext());
    }

    @Test
    void shouldExit1WithItsMessageAsSoonAsTheProxyStopsByItself() throws Exception {
        List<Integer> halts = new ArrayList<>();
        ShutdownSignals signals = new ShutdownSignals(halts::add, m -> { });
        CompletableFuture<FyntrProxy> running = new CompletableFuture<>();
        CompletableFuture<Cli.Result> run = CompletableFuture.supplyAsync(
                () -> Cli.run(Map.of(), signals, running::complete, "--port", "0", "--shutdown-grace", "0"));
        try {
            FyntrProxy proxy = running.get(30, TimeUnit.SECONDS);
            // Not through the command and without a signal: to the command, the proxy stopped by itself. Only
            // the proxy's terminated() can tell it so; it waits without a timeout.
            proxy.close();
            Cli.Result r = run.get(30, TimeUnit.SECONDS);
            assertEquals(FyntrCli.EXIT_FAILURE, r.status(), r.err());
            assertEquals(List.of("fyntr: the proxy stopped unexpectedly; see the log above"), r.errLines());
            assertEquals("", r.out());
            assertNull(signals.firstSignal());
        } finally {
            if (!run.isDone()) {
                signals.signal("TERM", 15); // a failed test must not leave the command waiting
            }
        }
        assertEquals(List.of(), halts);
    }
}
