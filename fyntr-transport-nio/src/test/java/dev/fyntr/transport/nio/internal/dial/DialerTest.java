package dev.fyntr.transport.nio.internal.dial;

import dev.fyntr.transport.nio.internal.loop.ManualLoop;
import dev.fyntr.transport.nio.internal.shaping.ConnectPacer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Happy Eyeballs in virtual time: address order, the 250 ms stagger, first success wins, and the outcomes. */
class DialerTest {

    private static final long MS = 1_000_000L;
    private static final long T0 = 1_000 * MS;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

    private final ManualLoop loop = new ManualLoop(T0);
    private final FakeConnector connector = new FakeConnector();
    private final ConnectPacer pacer = new ConnectPacer(loop, Duration.ofSeconds(30));
    private final List<SocketChannel> channels = new ArrayList<>();
    private SocketChannel connected;
    private InetSocketAddress connectedTo;
    private DialFailure failure;
    private int outcomes;

    @AfterEach
    void closeChannels() throws IOException {
        for (SocketChannel ch : channels) {
            ch.close();
        }
    }

    private final Dialer.Listener listener = new Dialer.Listener() {
        @Override
        public void onConnected(SocketChannel channel, InetSocketAddress address) {
            outcomes++;
            connected = channel;
            connectedTo = address;
        }

        @Override
        public void onDialFailed(DialFailure f) {
            outcomes++;
            failure = f;
        }
    };

    private Dialer dial(String... addresses) throws UnknownHostException {
        Dialer d = new Dialer(loop, connector, pacer, CONNECT_TIMEOUT, 443, ips(addresses), listener);
        d.start(T0 + 30_000 * MS);
        return d;
    }

    private SocketChannel channel() throws IOException {
        SocketChannel ch = SocketChannel.open();
        channels.add(ch);
        return ch;
    }

    @Test
    void shouldAlternateFamiliesStartingWithTheFirstAnswers() throws UnknownHostException {
        assertEquals(ips("2001:db8::1", "192.0.2.1", "2001:db8::2", "192.0.2.2", "192.0.2.3"),
                Dialer.interleave(ips("2001:db8::1", "2001:db8::2", "192.0.2.1", "192.0.2.2", "192.0.2.3")));
        assertEquals(ips("192.0.2.1", "2001:db8::1", "192.0.2.2"),
                Dialer.interleave(ips("192.0.2.1", "192.0.2.2", "2001:db8::1")));
    }

    @Test
    void shouldStartTheNextAttemptEvery250MillisWhileNoneSucceeds() throws UnknownHostException {
        dial("2001:db8::1", "2001:db8::2", "192.0.2.1");
        assertEquals(List.of("[2001:db8::1]:443"), connector.started());
        loop.advance(249 * MS);
        assertEquals(1, connector.started().size(), "not before the stagger");
        loop.advance(MS);
        assertEquals(List.of("[2001:db8::1]:443", "192.0.2.1:443"), connector.started());
        loop.advance(250 * MS);
        assertEquals(3, connector.started().size());
        loop.advance(10_000 * MS);
        assertEquals(3, connector.started().size(), "no address is tried twice");
    }

    @Test
    void shouldStartTheNextAttemptAtOnceWhenOneFails() throws UnknownHostException {
        dial("192.0.2.1", "192.0.2.2", "192.0.2.3");
        connector.attempts.get(0).callback.failed(new ConnectException("refused"));
        assertEquals(2, connector.started().size(), "a failure does not wait for the stagger");
        loop.advance(249 * MS);
        assertEquals(2, connector.started().size(), "the stagger restarts from the new attempt");
        loop.advance(MS);
        assertEquals(3, connector.started().size());
    }

    @Test
    void shouldLetTheFirstConnectionWinAndCloseTheOthers() throws IOException {
        dial("2001:db8::1", "192.0.2.1", "192.0.2.2");
        loop.advance(250 * MS);
        SocketChannel winner = channel();
        connector.attempts.get(1).callback.connected(winner);
        assertEquals(1, outcomes);
        assertSame(winner, connected);
        assertEquals(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 443), connectedTo);
        assertTrue(connector.attempts.get(0).cancelled(), "the slower attempt is closed");
        assertFalse(connector.attempts.get(1).cancelled(), "the winner's socket is the listener's now");
        loop.advance(10_000 * MS);
        assertEquals(2, connector.started().size(), "no attempt after a win");
        assertEquals(1, outcomes, "no timeout reported after a win");
    }

    @Test
    void shouldWinAtOnceOnAnImmediateConnect() throws IOException {
        connector.immediately = channel();
        dial("192.0.2.1", "192.0.2.2");
        assertSame(connector.immediately, connected);
        loop.advance(10_000 * MS);
        assertEquals(1, connector.started().size());
        assertEquals(1, outcomes);
    }

    @Test
    void shouldGoThroughAddressesThatAreRefusedWithinConnectWithoutNestingTheirAttempts() throws IOException {
        connector.refuseImmediately = true;
        List<InetAddress> many = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) { // nested, this many attempts overflow any thread's stack
            many.add(InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i}));
        }
        new Dialer(loop, connector, pacer, CONNECT_TIMEOUT, 443, many, listener).start(T0 + 30_000 * MS);
        assertEquals(100_000, connector.attempts.size(), "every address tried at once");
        assertEquals(DialFailure.Kind.REFUSED, failure.kind());
        assertEquals(1, outcomes);
    }

    @Test
    void shouldReportRefusedWhenAnyAttemptWasRefused() throws UnknownHostException {
        dial("192.0.2.1", "192.0.2.2");
        connector.attempts.get(0).callback.failed(new ConnectException("refused"));
        loop.advance(CONNECT_TIMEOUT.toNanos());
        assertEquals(DialFailure.Kind.REFUSED, failure.kind());
        assertEquals(1, outcomes);
    }

    @Test
    void shouldReportATimeoutWhenEveryAttemptTimedOut() throws UnknownHostException {
        dial("192.0.2.1", "192.0.2.2");
        loop.advance(250 * MS);
        loop.advance(CONNECT_TIMEOUT.toNanos() - 250 * MS);
        assertNull(failure, "the second attempt still has time");
        assertTrue(connector.attempts.get(0).cancelled(), "a timed-out attempt is closed");
        loop.advance(250 * MS);
        assertEquals(DialFailure.Kind.TIMED_OUT, failure.kind());
        assertEquals(1, outcomes);
    }

    @Test
    void shouldReportTheLastErrorWhenNothingWasRefusedOrTimedOut() throws UnknownHostException {
        dial("192.0.2.1");
        connector.attempts.get(0).callback.failed(new NoRouteToHostException("no route to host"));
        assertEquals(new DialFailure(DialFailure.Kind.UNAVAILABLE, "no route to host", 0), failure);
    }

    @Test
    void shouldReportNothingAfterAnAbort() throws UnknownHostException {
        Dialer d = dial("192.0.2.1", "192.0.2.2");
        d.abort();
        assertTrue(connector.attempts.get(0).cancelled());
        loop.advance(10_000 * MS);
        assertEquals(1, connector.started().size());
        assertEquals(0, outcomes);
    }

    @Test
    void shouldWaitForAConnectTokenAndGiveUpAtTheDeadline() throws UnknownHostException {
        pacer.rate(0.1, T0); // one connect now, the next 10 s later
        dial("192.0.2.1");
        Dialer waiting = new Dialer(loop, connector, pacer, CONNECT_TIMEOUT, 443, ips("192.0.2.2"), listener);
        waiting.start(T0 + 5_000 * MS);
        assertEquals(1, connector.started().size(), "the second dial waits for a token");
        loop.advance(5_000 * MS);
        assertEquals(DialFailure.Kind.PACED, failure.kind());
        assertTrue(failure.detail().contains("--max-connect-rate"), failure.detail());
        assertTrue(failure.retryAfterSeconds() >= 1);
        assertEquals(1, connector.started().size());
    }

    private static List<InetAddress> ips(String... literals) throws UnknownHostException {
        List<InetAddress> out = new ArrayList<>();
        for (String s : literals) {
            out.add(InetAddress.getByName(s)); // literals only: no lookup
        }
        return out;
    }

    /** Records attempts; the test completes them through their callbacks. */
    private static final class FakeConnector implements Connector {
        final List<Attempt> attempts = new ArrayList<>();
        SocketChannel immediately;
        /** Every attempt is refused from within connect(), as loopback refuses. */
        boolean refuseImmediately;

        record Attempt(InetSocketAddress address, Callback callback, boolean[] cancelledBox) {
            boolean cancelled() {
                return cancelledBox[0];
            }
        }

        List<String> started() {
            List<String> out = new ArrayList<>();
            for (Attempt a : attempts) {
                String host = a.address().getAddress().getHostAddress();
                out.add((host.contains(":") ? "[" + host.replace("0:0:0:0:0:0:0:", "::").replace("2001:db8:0:0:0:0:0:",
                        "2001:db8::") + "]" : host) + ":" + a.address().getPort());
            }
            return out;
        }

        @Override
        public Pending connect(InetSocketAddress address, Callback callback) {
            boolean[] cancelled = new boolean[1];
            attempts.add(new Attempt(address, callback, cancelled));
            if (immediately != null) {
                callback.connected(immediately);
            } else if (refuseImmediately) {
                callback.failed(new ConnectException("refused"));
            }
            return () -> cancelled[0] = true;
        }
    }
}
