package dev.fyntr.transport.nio.internal.tunnel;

import dev.fyntr.transport.nio.ClientHellos;
import dev.fyntr.transport.nio.SniCheck;
import dev.fyntr.transport.nio.ThreatAction;
import dev.fyntr.transport.nio.internal.net.ConnectTarget;
import dev.fyntr.transport.nio.internal.net.RateLimitedLog;
import dev.fyntr.transport.nio.internal.threat.ThreatGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SNI check's verdicts and log lines, per mode, on ClientHellos read by a real {@link ClientHelloPeek}. */
class SniPolicyTest {

    private static final long SECOND = 1_000_000_000L;
    private static final InetSocketAddress CLIENT;

    static {
        try {
            CLIENT = new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 50432);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @TempDir
    Path dir;

    private long now = 5 * SECOND;
    private final List<String> lines = new ArrayList<>();
    private final Counters counters = new Counters();

    private SniPolicy policy(SniCheck mode, String... allowDomains) {
        return policy(mode, ThreatGuard.none(), allowDomains);
    }

    private SniPolicy policy(SniCheck mode, ThreatGuard threats, String... allowDomains) {
        return new SniPolicy(mode, threats, List.of(allowDomains), new RateLimitedLog(lines::add, () -> now),
                new RateLimitedLog(lines::add, () -> now));
    }

    private static ClientHelloPeek peek(byte[] bytes) {
        ClientHelloPeek peek = new ClientHelloPeek();
        peek.feed(ByteBuffer.wrap(bytes));
        if (!peek.decided()) {
            peek.finish();
        }
        return peek;
    }

    private static ClientHelloPeek naming(String rawName) {
        return peek(ClientHellos.handMade(ClientHellos.serverName(rawName)));
    }

    private static ConnectTarget target(String host) throws Exception {
        return ConnectTarget.of(host, 443);
    }

    @Test
    void shouldPassTheConnectHostHoweverTheClientHelloSpellsIt() throws Exception {
        for (SniCheck mode : SniCheck.values()) {
            SniPolicy p = policy(mode);
            for (String spelling : List.of("peer.example", "PEER.Example", "peer.example.")) {
                assertNull(p.judge(naming(spelling), target("peer.example"), CLIENT, 7, counters), spelling);
            }
        }
        assertEquals(List.of(), lines);
        assertEquals(0, counters.sniMismatches);
        assertEquals(0, counters.sniRefusals);
    }

    @Test
    void shouldLogAMismatchAndLetItGoWhenWarning() throws Exception {
        assertNull(policy(SniCheck.WARN).judge(naming("Other.Example"), target("peer.example"), CLIENT, 7, counters));
        assertEquals(List.of("sni_check=mismatch action=warn reason=different_name connect=peer.example:443 "
                + "sni=other.example client=127.0.0.1:50432 flow=7"), lines);
        assertEquals(1, counters.sniMismatches);
        assertEquals(0, counters.sniRefusals);
    }

    @Test
    void shouldRefuseAMismatchWhenEnforcing() throws Exception {
        String reason = policy(SniCheck.ENFORCE).judge(naming("other.example"), target("peer.example"), CLIENT, 8,
                counters);
        assertEquals("the TLS ClientHello names other.example, not the CONNECT host peer.example", reason);
        assertEquals(List.of("sni_check=mismatch action=enforce reason=different_name connect=peer.example:443 "
                + "sni=other.example client=127.0.0.1:50432 flow=8"), lines);
        assertEquals(1, counters.sniMismatches);
        assertEquals(1, counters.sniRefusals);
    }

    @Test
    void shouldTreatAnyNameSentToAnIpLiteralAsAMismatch() throws Exception {
        assertNull(policy(SniCheck.WARN).judge(naming("peer.example"), target("192.0.2.1"), CLIENT, 9, counters));
        assertEquals("the TLS ClientHello names 192.0.2.1 on a CONNECT to the IP literal 192.0.2.1",
                policy(SniCheck.ENFORCE).judge(naming("192.0.2.1"), target("192.0.2.1"), CLIENT, 10, counters),
                "even the literal's own text: RFC 6066 allows no address in server_name");
        assertEquals(List.of("sni_check=mismatch action=warn reason=ip_literal connect=192.0.2.1:443 "
                        + "sni=peer.example client=127.0.0.1:50432 flow=9",
                "sni_check=mismatch action=enforce reason=ip_literal connect=192.0.2.1:443 sni=192.0.2.1 "
                        + "client=127.0.0.1:50432 flow=10"), lines);
        assertEquals(2, counters.sniMismatches);
        assertEquals(1, counters.sniRefusals);
    }

    @Test
    void shouldQuoteANameThatIsNoHostNameAndNeverMatchIt() throws Exception {
        String reason = policy(SniCheck.ENFORCE).judge(naming("peer.example\r\nx"), target("peer.example"), CLIENT, 11,
                counters);
        assertEquals("the TLS ClientHello names \"peer.example\\r\\nx\", not the CONNECT host peer.example", reason);
        assertEquals(List.of("sni_check=mismatch action=enforce reason=invalid_name connect=peer.example:443 "
                + "sni=\"peer.example\\r\\nx\" client=127.0.0.1:50432 flow=11"), lines);
    }

    @Test
    void shouldLetNamesUnderAnAllowedDomainThroughEvenForAnIpLiteral() throws Exception {
        SniPolicy p = policy(SniCheck.ENFORCE, "corp.example");
        assertNull(p.judge(naming("corp.example"), target("192.0.2.1"), CLIENT, 1, counters));
        assertNull(p.judge(naming("API.corp.example."), target("cdn.example"), CLIENT, 2, counters));
        assertEquals(List.of(), lines);
        assertEquals(0, counters.sniMismatches);
        assertEquals("the TLS ClientHello names notcorp.example, not the CONNECT host cdn.example",
                p.judge(naming("notcorp.example"), target("cdn.example"), CLIENT, 3, counters), "label boundary");
    }

    @Test
    void shouldPassWhatHasNoNameInEveryMode() throws Exception {
        byte[][] nameless = {
            ClientHellos.jdk(null),
            "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
            {22, 3, 3, 0, 4, 2, 0, 0, 0},
        };
        for (SniCheck mode : SniCheck.values()) {
            for (byte[] bytes : nameless) {
                assertNull(policy(mode).judge(peek(bytes), target("peer.example"), CLIENT, 1, counters));
            }
            ClientHelloPeek empty = new ClientHelloPeek();
            empty.finish();
            assertNull(policy(mode).judge(empty, target("peer.example"), CLIENT, 1, counters));
        }
        assertEquals(List.of(), lines);
        assertEquals(0, counters.sniRefusals);
    }

    @Test
    void shouldLogAnUnreadableHelloAndRefuseItOnlyWhenEnforcing() throws Exception {
        byte[] twoNames = ClientHellos.handMade(ClientHellos.serverName("a.example", "b.example"));
        assertNull(policy(SniCheck.WARN).judge(peek(twoNames), target("a.example"), CLIENT, 4, counters));
        byte[] hello = ClientHellos.jdk("a.example");
        String reason = policy(SniCheck.ENFORCE).judge(peek(Arrays.copyOf(hello, 100)), target("a.example"), CLIENT, 5,
                counters);
        assertEquals("the TLS ClientHello cannot be read (the client ended its side after 100 byte(s) of the "
                + "ClientHello)", reason);
        byte[] garbage = new byte[ClientHelloPeek.LIMIT];
        System.arraycopy(new byte[] {22, 3, 1, 0x40, 0, 1, 0, (byte) 0xFF, (byte) 0xFF}, 0, garbage, 0, 9);
        garbage[5 + 4 + 34 + 1] = 0x7F; // a cipher suite list longer than the record
        assertEquals("the TLS ClientHello cannot be read (no end of the ClientHello within 16389 bytes (one TLS "
                        + "record))",
                policy(SniCheck.ENFORCE).judge(peek(garbage), target("a.example"), CLIENT, 6, counters));
        assertEquals(List.of(
                "sni_check=unreadable action=warn result=malformed connect=a.example:443 "
                        + "detail=\"two host names in server_name\" client=127.0.0.1:50432 flow=4",
                "sni_check=unreadable action=enforce result=truncated connect=a.example:443 "
                        + "detail=\"the client ended its side after 100 byte(s) of the ClientHello\" "
                        + "client=127.0.0.1:50432 flow=5",
                "sni_check=unreadable action=enforce result=too_long connect=a.example:443 "
                        + "detail=\"no end of the ClientHello within 16389 bytes (one TLS record)\" "
                        + "client=127.0.0.1:50432 flow=6"), lines);
        assertEquals(0, counters.sniMismatches);
        assertEquals(2, counters.sniRefusals);
    }

    @Test
    void shouldWriteOneMismatchLineASecondAndCountTheRest() throws Exception {
        SniPolicy p = policy(SniCheck.WARN);
        for (int i = 0; i < 5; i++) {
            p.judge(naming("other" + i + ".example"), target("peer.example"), CLIENT, i, counters);
            now += SECOND / 10;
        }
        now += 2 * SECOND;
        p.judge(naming("late.example"), target("peer.example"), CLIENT, 9, counters);
        assertEquals(List.of("sni_check=mismatch action=warn reason=different_name connect=peer.example:443 "
                + "sni=other0.example client=127.0.0.1:50432 flow=0",
                "sni_check=mismatch action=warn reason=different_name connect=peer.example:443 "
                + "sni=late.example client=127.0.0.1:50432 flow=9 (4 similar line(s) suppressed in the last second or "
                + "more)"), lines);
        assertEquals(6, counters.sniMismatches, "every mismatch is counted, logged or not");
    }

    @Test
    void shouldSayWhenTheNameIsTheOuterOneOfAnEncryptedClientHello() throws Exception {
        byte[] ech = ClientHellos.handMade(ClientHellos.serverName("public.example"),
                ClientHellos.extension(0xfe0d, new byte[32]));
        policy(SniCheck.WARN).judge(peek(ech), target("secret.example"), CLIENT, 3, counters);
        assertEquals(List.of("sni_check=mismatch action=warn reason=different_name connect=secret.example:443 "
                + "sni=public.example ech=true client=127.0.0.1:50432 flow=3"), lines);
    }

    @Test
    void shouldApplyTheThreatFeedsToANameThatIsNotTheHost() throws Exception {
        Path feed = Files.writeString(dir.resolve("bad.txt"), "evil.example\n");
        ThreatGuard block = ThreatGuard.load(List.of(feed), ThreatAction.BLOCK);
        // Blocked even in warn mode: the feed's action decides, as for the CONNECT host.
        assertEquals("the TLS server name api.evil.example is blocked: it matches the threat feed entry "
                        + "evil.example (bad.txt)",
                policy(SniCheck.WARN, block).judge(naming("API.evil.example"), target("cdn.example"), CLIENT, 1,
                        counters));
        assertEquals(1, counters.sniRefusals);
        assertEquals("the TLS server name api.evil.example is blocked: it matches the threat feed entry "
                        + "evil.example (bad.txt)",
                policy(SniCheck.WARN, block, "evil.example").judge(naming("api.evil.example"), target("cdn.example"),
                        CLIENT, 2, counters), "an allowed domain is still checked against the feeds");
        ThreatGuard warn = ThreatGuard.load(List.of(feed), ThreatAction.WARN);
        assertNull(policy(SniCheck.WARN, warn).judge(naming("api.evil.example"), target("cdn.example"), CLIENT, 3,
                counters));
        assertNull(policy(SniCheck.ENFORCE, block).judge(naming("fine.example"), target("fine.example"), CLIENT, 4,
                counters));
    }

    @Test
    void shouldTellTheModes() {
        assertFalse(policy(SniCheck.OFF).enabled());
        assertTrue(policy(SniCheck.WARN).enabled());
        assertFalse(policy(SniCheck.WARN).holds());
        assertTrue(policy(SniCheck.ENFORCE).holds());
    }

    @Test
    void shouldReadNamesAsTheOneHostNameFormDoesButOnlyInAscii() {
        assertEquals("a-b.example", SniPolicy.canonicalName("A-B.Example."));
        assertEquals("x", SniPolicy.canonicalName("X"));
        assertEquals("xn--bcher-kva.example", SniPolicy.canonicalName("XN--bcher-kva.example"));
        assertEquals("a".repeat(63) + ".b", SniPolicy.canonicalName("a".repeat(63) + ".b"));
        assertEquals(253, SniPolicy.canonicalName("a.".repeat(126) + "b").length());
        for (String bad : List.of("", ".", "a..b", ".a", "a.b..", "a b", "a/b", "a" + "b".repeat(63),
                "a.".repeat(126) + "bc", "a%2e.b", "_srv.example", "-a.example",
                "b\u00fccher.example", "\uff45xample.test")) {
            assertNull(SniPolicy.canonicalName(bad), bad);
        }
    }
}
