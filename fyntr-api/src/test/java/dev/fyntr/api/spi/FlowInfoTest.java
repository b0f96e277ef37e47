package dev.fyntr.api.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;

class FlowInfoTest {

    private static final InetSocketAddress UPSTREAM =
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 443);
    private static final InetSocketAddress CLIENT =
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 50_000);

    @Test
    void shouldKeepWhatTheTransportGaveAndShowItWithoutSlashes() {
        FlowInfo info = FlowInfo.of("registry.example", 443, UPSTREAM, CLIENT, FlowInfo.FrontEnd.SOCKS5, 42);
        assertEquals("registry.example", info.host());
        assertEquals(443, info.port());
        assertSame(UPSTREAM, info.resolvedAddress());
        assertSame(CLIENT, info.clientAddress());
        assertEquals(FlowInfo.FrontEnd.SOCKS5, info.frontEnd());
        assertEquals(42, info.admittedAtNanos());
        assertEquals("FlowInfo[SOCKS5 registry.example:443 via 127.0.0.1:443 from 127.0.0.1:50000]",
                info.toString());
    }

    @Test
    void shouldRefuseAPortOutOfRangeAndMissingParts() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FlowInfo.of("a", 65_536, UPSTREAM, CLIENT, FlowInfo.FrontEnd.CONNECT, 0));
        assertEquals("port out of 0..65535: 65536", e.getMessage());
        assertThrows(NullPointerException.class,
                () -> FlowInfo.of("a", 1, null, CLIENT, FlowInfo.FrontEnd.CONNECT, 0));
        assertThrows(NullPointerException.class,
                () -> FlowInfo.of("a", 1, UPSTREAM, CLIENT, null, 0));
    }

    @Test
    void shouldAnswerUnknownFromTheDefaultMethodSoOldFlowsStillCompile() {
        Flow old = new Flow() {
            @Override public long id() { return 1; }
            @Override public int headChunkBytes() { return 0; }
            @Override public long queuedBytes() { return 0; }
            @Override public ChunkStats chunkStats() { return new EmaChunkStats(); }
            @Override public Object schedulerState() { return null; }
            @Override public void schedulerState(Object state) { }
        };
        assertSame(FlowInfo.unknown(), old.info());
        assertEquals("", old.info().host());
        assertEquals(0, old.info().port());
        assertNull(old.info().resolvedAddress());
        assertEquals(FlowInfo.FrontEnd.UNKNOWN, old.info().frontEnd());
    }

    @Test
    void shouldDescribeAProviderWithTheConfigByDefaultAsWithout() {
        SchedulerProvider provider = new SchedulerProvider() {
            @Override public String name() { return "x"; }
            @Override public String description() { return "an x"; }
            @Override public Scheduler create(SchedulerConfig config) { throw new UnsupportedOperationException(); }
        };
        assertEquals("an x", provider.description(SchedulerConfig.defaults()));
    }
}
