package dev.fyntr.transport.nio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fyntr.api.Schedulers;
import dev.fyntr.api.spi.Flow;
import dev.fyntr.api.spi.FlowInfo;
import dev.fyntr.api.spi.Scheduler;
import dev.fyntr.api.spi.SchedulerConfig;
import dev.fyntr.api.spi.SchedulerProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What a scheduler learns about a flow ({@link Flow#info()}): the destination as requested and as dialled, the
 * client, the front end and the admission time, through real tunnels of both front ends; and the scheduler's
 * options and description through the builder.
 */
class FlowInfoEndToEndTest {

    @RegisterExtension
    final Closer closer = new Closer();

    /** DRR that records the info of each flow it is told about, and checks it is the same object every time. */
    static final class Recording implements SchedulerProvider {
        final List<FlowInfo> seen = new CopyOnWriteArrayList<>();
        final List<String> changed = new CopyOnWriteArrayList<>();
        final SchedulerProvider drr = Schedulers.provider("drr");
        volatile SchedulerConfig config;

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public String description(SchedulerConfig c) {
            return "records flows; options " + c.options();
        }

        @Override
        public Scheduler create(SchedulerConfig c) {
            config = c;
            Scheduler inner = drr.create(c);
            return new ForwardingScheduler(inner) {
                @Override
                public void onBacklogged(Flow flow) {
                    FlowInfo info = flow.info();
                    if (!seen.contains(info)) {
                        seen.add(info);
                    }
                    super.onBacklogged(flow);
                }

                @Override
                public void onClosed(Flow flow) {
                    if (!seen.contains(flow.info())) {
                        changed.add(flow.info().toString());
                    }
                    super.onClosed(flow);
                }
            };
        }
    }

    @Test
    void shouldTellTheSchedulerWhereAConnectTunnelGoesAndWhereItComesFrom() throws Exception {
        TestServers.Server echo = closer.add(TestServers.echo());
        Recording recording = new Recording();
        long before = System.nanoTime();
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(echo.port()).scheduler(recording).start());
        InetSocketAddress client;
        try (ProxyClient c = new ProxyClient(proxy)) {
            client = (InetSocketAddress) c.socket.getLocalSocketAddress();
            assertEquals(200, c.connect("Echo.TEST:" + echo.port()).status());
            c.send("ping");
            assertArrayEquals("ping".getBytes(StandardCharsets.US_ASCII), c.socket.getInputStream().readNBytes(4));
        }
        Fixtures.await("the tunnel to close", Duration.ofSeconds(10), () -> proxy.stats().openTunnels() == 0);
        assertEquals(1, recording.seen.size(), recording.seen.toString());
        FlowInfo info = recording.seen.get(0);
        assertEquals("echo.test", info.host(), "the canonical form the policy judged");
        assertEquals(echo.port(), info.port());
        assertEquals(new InetSocketAddress(TestServers.LOOPBACK, echo.port()), info.resolvedAddress());
        assertEquals(client, info.clientAddress());
        assertEquals(FlowInfo.FrontEnd.CONNECT, info.frontEnd());
        assertTrue(info.admittedAtNanos() - before > 0 && System.nanoTime() - info.admittedAtNanos() > 0,
                "admitted during the test");
        assertEquals(List.of(), recording.changed, "the same info from admission to close");
    }

    @Test
    void shouldTellTheSchedulerThatATunnelCameThroughSocks5() throws Exception {
        TestServers.Server echo = closer.add(TestServers.echo());
        Recording recording = new Recording();
        FyntrProxy proxy = closer.add(Fixtures.proxyTo(echo.port()).socks5Port(0).scheduler(recording).start());
        try (Socket s = new Socket(new Proxy(Proxy.Type.SOCKS, proxy.socks5Address().orElseThrow()))) {
            s.setSoTimeout(20_000);
            s.connect(InetSocketAddress.createUnresolved("echo.test", echo.port()), 10_000);
            BoundedWrites.outputOf(s).write("jdk".getBytes(StandardCharsets.US_ASCII));
            assertEquals("jdk", new String(s.getInputStream().readNBytes(3), StandardCharsets.US_ASCII));
        }
        Fixtures.await("the flow", Duration.ofSeconds(10), () -> !recording.seen.isEmpty());
        FlowInfo info = recording.seen.get(0);
        assertEquals(FlowInfo.FrontEnd.SOCKS5, info.frontEnd());
        assertEquals("echo.test", info.host());
        assertEquals(echo.port(), info.port());
    }

    @Test
    void shouldPassSchedulerOptionsAndShowTheProvidersDescription() throws Exception {
        Recording recording = new Recording();
        ProxySettings settings = Fixtures.proxyTo(443).scheduler(recording).schedulerOption("weight", "a.example=2")
                .build();
        assertEquals("records flows; options {weight=a.example=2}", settings.schedulerDescription());
        assertEquals("a.example=2", recording.config.option("weight").orElseThrow());
        assertEquals("quantum auto, sparse-flow priority on",
                Fixtures.proxyTo(443).build().schedulerDescription());
        assertEquals("quantum 4 KiB, sparse-flow priority off",
                Fixtures.proxyTo(443).fixedQuantum(4096).sparseFlowPriority(false).build().schedulerDescription());
    }

    @Test
    void shouldRefuseAtBuildAConfigurationTheSchedulerRefuses() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Fixtures.proxyTo(443).scheduler("wdrr").schedulerOption("weight", "port:x=2").build());
        assertTrue(e.getMessage().startsWith("scheduler wdrr refused its configuration: invalid weight rule "
                + "'port:x=2'"), e.getMessage());
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
                () -> Fixtures.proxyTo(443).schedulerOption("Weight", "1"));
        assertEquals("schedulerOption name must be lower case [a-z0-9.-]+: Weight", name.getMessage());
    }

    @Test
    void shouldShowTheProvidersNameWhenItsDescriptionThrows() throws Exception {
        SchedulerProvider drr = Schedulers.provider("drr");
        SchedulerProvider rude = new SchedulerProvider() {
            @Override
            public String name() {
                return "rude";
            }

            @Override
            public String description(SchedulerConfig config) {
                throw new IllegalStateException("no");
            }

            @Override
            public Scheduler create(SchedulerConfig config) {
                return drr.create(config);
            }
        };
        assertSame("rude", Fixtures.proxyTo(443).scheduler(rude).build().schedulerDescription());
    }
}
