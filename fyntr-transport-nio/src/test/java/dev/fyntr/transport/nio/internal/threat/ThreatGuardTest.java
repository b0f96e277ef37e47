package dev.fyntr.transport.nio.internal.threat;

import dev.fyntr.transport.nio.ThreatAction;
import dev.fyntr.transport.nio.internal.net.Addresses;
import dev.fyntr.transport.nio.internal.net.ConnectTarget;
import dev.fyntr.transport.nio.internal.net.HandshakeFailure;
import dev.fyntr.transport.nio.internal.net.HandshakeFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThreatGuardTest {

    private static final InetSocketAddress CLIENT = new InetSocketAddress(Addresses.literal("127.0.0.1"), 50432);

    @TempDir
    Path dir;

    private final List<String> logged = new ArrayList<>();

    private Path feed(String name, String... lines) throws IOException {
        return Files.write(dir.resolve(name), List.of(lines), StandardCharsets.UTF_8);
    }

    private ThreatGuard guard(ThreatAction action, Path... files) throws IOException {
        return new ThreatGuard(ThreatFeeds.load(List.of(files)), action, logged::add);
    }

    private static ConnectTarget target(String host) throws HandshakeFailureException {
        return ConnectTarget.of(host, 443);
    }

    private static List<InetAddress> ips(String... text) {
        List<InetAddress> out = new ArrayList<>();
        for (String t : text) {
            out.add(Addresses.literal(t));
        }
        return out;
    }

    @Test
    void shouldLogOneStructuredLineAndLetTheRequestGoOnWhenWarning() throws Exception {
        ThreatGuard g = guard(ThreatAction.WARN, feed("bad.txt", "evil.example"));
        assertNull(g.checkHost(target("api.evil.example"), CLIENT));
        assertEquals(List.of("threat_match=true action=warn match_type=domain host=api.evil.example "
                + "matched=evil.example feed=bad.txt client=127.0.0.1:50432"), logged);
        logged.clear();
        assertNull(g.checkHost(target("notevil.example"), CLIENT));
        assertEquals(List.of(), logged);
    }

    @Test
    void shouldMatchTheServerNameOfAClientHelloLikeTheHost() throws Exception {
        ThreatGuard warn = guard(ThreatAction.WARN, feed("bad.txt", "evil.example"));
        assertNull(warn.checkServerName("api.evil.example", target("cdn.example"), CLIENT));
        assertEquals(List.of("threat_match=true action=warn match_type=domain source=sni host=cdn.example "
                + "sni=api.evil.example matched=evil.example feed=bad.txt client=127.0.0.1:50432"), logged);
        logged.clear();
        assertNull(warn.checkServerName("notevil.example", target("cdn.example"), CLIENT));
        assertEquals(List.of(), logged, "label boundary");

        ThreatGuard block = guard(ThreatAction.BLOCK, feed("ips-and-names.txt", "192.0.2.0/24", "||evil.example^"));
        assertEquals("the TLS server name evil.example is blocked: it matches the threat feed entry evil.example "
                + "(ips-and-names.txt)", block.checkServerName("evil.example", target("192.0.2.1"), CLIENT));
        assertEquals(List.of("threat_match=true action=block match_type=domain source=sni host=192.0.2.1 "
                + "sni=evil.example matched=evil.example feed=ips-and-names.txt client=127.0.0.1:50432"), logged);
        assertNull(ThreatGuard.none().checkServerName("evil.example", target("cdn.example"), CLIENT));
    }

    @Test
    void shouldRefuseWith403NamingTheRuleWhenBlocking() throws Exception {
        ThreatGuard g = guard(ThreatAction.BLOCK, feed("bad.txt", "# list", "||evil.example^"));
        HandshakeFailure f = g.checkHost(target("API.Evil.Example"), CLIENT);
        assertNotNull(f);
        assertEquals(403, f.status());
        assertEquals("http_request_denied", f.proxyStatusError());
        assertEquals("api.evil.example is blocked: it matches the threat feed entry evil.example (bad.txt)",
                f.message());
        assertEquals(List.of("threat_match=true action=block match_type=domain host=api.evil.example "
                + "matched=evil.example feed=bad.txt client=127.0.0.1:50432"), logged);
    }

    @Test
    void shouldCheckEveryResolvedAddress() throws Exception {
        Path ips = feed("ips.txt", "192.0.2.7", "198.51.100.0/24", "2001:db8::/32");
        ThreatGuard warn = guard(ThreatAction.WARN, ips);
        assertNull(warn.checkAddresses(target("cdn.example"),
                ips("203.0.113.1", "192.0.2.7", "198.51.100.9", "2001:db8::5"), CLIENT));
        assertEquals(List.of(
                "threat_match=true action=warn match_type=ip host=cdn.example address=192.0.2.7 matched=192.0.2.7 "
                        + "feed=ips.txt client=127.0.0.1:50432",
                "threat_match=true action=warn match_type=cidr host=cdn.example address=198.51.100.9 "
                        + "matched=198.51.100.0/24 feed=ips.txt client=127.0.0.1:50432",
                "threat_match=true action=warn match_type=cidr host=cdn.example address=2001:db8::5 "
                        + "matched=2001:db8::/32 feed=ips.txt client=127.0.0.1:50432"), logged);

        logged.clear();
        ThreatGuard block = guard(ThreatAction.BLOCK, ips);
        HandshakeFailure f = block.checkAddresses(target("cdn.example"), ips("203.0.113.1", "198.51.100.9"), CLIENT);
        assertNotNull(f);
        assertEquals(403, f.status());
        assertEquals("destination_ip_prohibited", f.proxyStatusError());
        assertEquals("cdn.example (198.51.100.9) is blocked: it matches the threat feed range 198.51.100.0/24 "
                + "(ips.txt)", f.message());
        assertNull(block.checkAddresses(target("cdn.example"), ips("203.0.113.1"), CLIENT));
    }

    @Test
    void shouldCheckIpLiteralTargetsAsAddressesOnly() throws Exception {
        ThreatGuard g = guard(ThreatAction.BLOCK, feed("ips.txt", "192.0.2.7"));
        ConnectTarget literal = target("192.0.2.7");
        assertNull(g.checkHost(literal, CLIENT));
        HandshakeFailure f = g.checkAddresses(literal, List.of(literal.literal()), CLIENT);
        assertEquals("192.0.2.7 is blocked: it matches the threat feed address 192.0.2.7 (ips.txt)", f.message());
        ConnectTarget mapped = ConnectTarget.of("::ffff:192.0.2.7", 443);
        assertNotNull(g.checkAddresses(mapped, List.of(mapped.literal()), CLIENT), "IPv4-mapped is IPv4");
    }

    @Test
    void shouldNormaliseIdnaOnBothSides() throws Exception {
        ThreatGuard unicodeFeed = guard(ThreatAction.BLOCK, feed("u.txt", "bücher.example"));
        assertNotNull(unicodeFeed.checkHost(target("xn--bcher-kva.example"), CLIENT));
        assertNotNull(unicodeFeed.checkHost(target("shop.BÜCHER.example"), CLIENT));
        ThreatGuard asciiFeed = guard(ThreatAction.BLOCK, feed("a.txt", "XN--BCHER-KVA.example"));
        assertNotNull(asciiFeed.checkHost(target("bücher.example"), CLIENT));
        assertNull(asciiFeed.checkHost(target("bucher.example"), CLIENT));
    }

    @Test
    void shouldWarnAboutMixedScriptLabelsButNeverBlockForThem() throws Exception {
        ThreatGuard g = guard(ThreatAction.BLOCK, feed("bad.txt", "evil.example"));
        ConnectTarget homograph = target("p\u0430ypal.example"); // Cyrillic a
        assertNull(g.checkHost(homograph, CLIENT));
        assertEquals(1, logged.size(), logged.toString());
        assertEquals("mixed_script=true host=" + homograph.host() + " label=" + homograph.host().split("\\.")[0]
                + " scripts=Latin+Cyrillic client=127.0.0.1:50432 (possible look-alike name; not blocked)",
                logged.get(0));

        logged.clear();
        assertNull(ThreatGuard.none().checkHost(target("\u03b1pple.example"), CLIENT)); // Greek alpha: no feeds needed
        assertNull(g.checkHost(target("\u043f\u0440\u0438\u043c\u0435\u0440.example"), CLIENT)); // all Cyrillic
        assertNull(g.checkHost(target("bücher.example"), CLIENT)); // all Latin
        assertEquals(List.of(), logged);
    }

    @Test
    void shouldFlagGreekMixedWithLatin() {
        MixedScript.Finding f = MixedScript.firstMixedLabel(java.net.IDN.toASCII("\u03b1pple.example"));
        assertNotNull(f);
        assertEquals("Latin+Greek", f.scripts());
        assertNull(MixedScript.firstMixedLabel("plain.example"));
    }

    @Test
    void shouldCountSkippedRulesPerFile() throws Exception {
        Path a = feed("a.txt", "evil.example", "||ads.example^$third-party", "*.wild.example", "192.0.2.0/24");
        Path b = feed("b.txt", "! adblock", "||tracker.example^", "@@||good.example^");
        Files.write(dir.resolve("c.txt"), new byte[] {'o', 'k', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e', '\n',
                (byte) 0xC3, (byte) 0x28, '.', 'e', 'x', '\n'});
        ThreatFeeds feeds = ThreatFeeds.load(List.of(a, b, dir.resolve("c.txt")));
        List<ThreatFeeds.FileReport> r = feeds.reports();
        assertEquals(2, r.get(0).skipped());
        assertEquals(2, r.get(0).firstSkippedLine());
        assertEquals("adblock rule with options", r.get(0).firstSkippedReason());
        assertEquals(1, r.get(0).domains());
        assertEquals(1, r.get(0).ranges());
        assertEquals(1, r.get(1).skipped());
        assertEquals(3, r.get(1).firstSkippedLine());
        assertEquals(1, r.get(2).skipped(), "invalid UTF-8 makes its line unsupported");
        assertEquals("not valid UTF-8", r.get(2).firstSkippedReason());
        assertEquals(3, feeds.domainCount());
        assertEquals(1, feeds.rangeCount());
    }

    @Test
    void shouldFailNamingAnUnreadableFile() throws Exception {
        Path good = feed("good.txt", "evil.example");
        Path missing = dir.resolve("missing.txt");
        IOException e = assertThrows(IOException.class, () -> ThreatGuard.load(List.of(good, missing),
                ThreatAction.WARN));
        assertEquals("cannot read threat feed file " + missing + ": no such file", e.getMessage());
        IOException d = assertThrows(IOException.class, () -> ThreatGuard.load(List.of(dir), ThreatAction.WARN));
        assertTrue(d.getMessage().startsWith("cannot read threat feed file " + dir + ": "), d.getMessage());
    }

    @Test
    void shouldFailNamingEveryFileWhenNoneHoldsAUsableEntry() throws Exception {
        Path a = feed("a.txt", "# only comments", "");
        Path b = feed("b.txt", "||x.example^$important", "/regex/");
        IOException e = assertThrows(IOException.class, () -> ThreatGuard.load(List.of(a, b), ThreatAction.BLOCK));
        assertEquals("threat feed files " + a + ", " + b + " hold no usable entry (4 lines, 2 unsupported); "
                + "expected one domain, IP, CIDR or ||domain^ per line", e.getMessage());
    }

    @Test
    void shouldBeInactiveWithoutFeeds() throws Exception {
        assertSame(ThreatGuard.none(), ThreatGuard.load(List.of(), ThreatAction.WARN));
        assertNull(ThreatGuard.none().checkHost(target("evil.example"), CLIENT));
        assertNull(ThreatGuard.none().checkAddresses(target("evil.example"), ips("192.0.2.7"), CLIENT));
    }
}
