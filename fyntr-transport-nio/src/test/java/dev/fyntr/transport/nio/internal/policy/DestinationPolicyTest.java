package dev.fyntr.transport.nio.internal.policy;

import dev.fyntr.transport.nio.internal.net.Addresses;
import dev.fyntr.transport.nio.internal.net.AddressesTest;
import dev.fyntr.transport.nio.internal.net.ConnectTarget;
import dev.fyntr.transport.nio.internal.net.HandshakeFailure;
import dev.fyntr.transport.nio.internal.net.HandshakeFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DestinationPolicyTest {

    private static final DestinationPolicy DEFAULTS = policy(List.of(443), List.of(), List.of(), List.of());

    @Test
    void shouldAllowOnlyListedPorts() {
        assertNull(DEFAULTS.checkPort(443));
        HandshakeFailure f = DEFAULTS.checkPort(22);
        assertEquals(403, f.status());
        assertEquals("http_request_denied", f.proxyStatusError());
        assertEquals("port 22 is not allowed; allowed ports: 443", f.message());
    }

    @Test
    void shouldNameEveryAllowedPortInOrder() {
        DestinationPolicy p = policy(List.of(8443, 443, 443), List.of(), List.of(), List.of());
        assertNull(p.checkPort(8443));
        assertEquals("port 80 is not allowed; allowed ports: 443, 8443", p.checkPort(80).message());
    }

    @Test
    void shouldShortenLongPortLists() {
        List<Integer> ports = new ArrayList<>();
        for (int p = 1000; p < 1025; p++) {
            ports.add(p);
        }
        String m = policy(ports, List.of(), List.of(), List.of()).checkPort(22).message();
        assertTrue(m.endsWith("1018, 1019 and 5 more"), m);
    }

    @Test
    void shouldSayHowToAllowAPortWhenNoneIs() {
        HandshakeFailure f = policy(List.of(), List.of(), List.of(), List.of()).checkPort(443);
        assertEquals(403, f.status());
        assertTrue(f.message().contains("--allow-port 443"), f.message());
        assertTrue(f.message().contains("allowPorts"), f.message());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 65536, Integer.MAX_VALUE})
    void shouldDenyImpossiblePortsWithoutThrowing(int port) {
        assertEquals(403, DEFAULTS.checkPort(port).status());
    }

    @Test
    void shouldRejectImpossibleAllowedPorts() {
        assertThrows(IllegalArgumentException.class, () -> policy(List.of(0), List.of(), List.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> policy(List.of(65536), List.of(), List.of(), List.of()));
    }

    @ParameterizedTest
    @CsvSource({
            "0.0.0.0, 0.0.0.0/32", "0.0.0.1, 0.0.0.0/8", "0.255.255.255, 0.0.0.0/8",
            "10.0.0.0, 10.0.0.0/8", "10.255.255.255, 10.0.0.0/8",
            "100.64.0.0, 100.64.0.0/10", "100.127.255.255, 100.64.0.0/10",
            "127.0.0.1, 127.0.0.0/8", "127.255.255.254, 127.0.0.0/8",
            "169.254.169.254, 169.254.0.0/16",
            "172.16.0.1, 172.16.0.0/12", "172.31.255.255, 172.16.0.0/12",
            "192.168.1.1, 192.168.0.0/16",
            "224.0.0.1, 224.0.0.0/4", "239.255.255.255, 224.0.0.0/4",
            "240.0.0.1, 240.0.0.0/4", "255.255.255.254, 240.0.0.0/4", "255.255.255.255, 255.255.255.255/32",
            "::, ::/128", "::1, ::1/128",
            "fc00::1, fc00::/7", "fdff:ffff::1, fc00::/7",
            "fe80::1, fe80::/10", "febf::1, fe80::/10",
            "ff02::1, ff00::/8",
            "::ffff:10.0.0.1, 10.0.0.0/8", "::ffff:169.254.169.254, 169.254.0.0/16", "::ffff:127.0.0.1, 127.0.0.0/8",
    })
    void shouldDenyTheDefaultRanges(String address, String range) throws HandshakeFailureException {
        DestinationPolicy.Decision d = DEFAULTS.check(literal(address), List.of());
        assertFalse(d.allowed());
        assertEquals(403, d.failure().status());
        assertEquals("destination_ip_prohibited", d.failure().proxyStatusError());
        String shown = Addresses.toText(Addresses.canonical(Addresses.literal(address)));
        assertEquals(shown + " is in the denied range " + range + "; use --allow-cidr to allow it", d.failure().message());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.1.1.1", "9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0", "126.255.255.255",
            "128.0.0.0", "169.253.255.255", "169.255.0.0", "172.15.255.255", "172.32.0.0", "192.167.255.255",
            "192.169.0.0", "223.255.255.255", "2606:4700::1111", "fbff::1", "fe00::1", "fe7f:ffff::1",
            "191.255.255.255", "192.0.1.255", "192.0.3.0", "192.31.195.255", "192.88.98.255", "192.88.100.0",
            "198.17.255.255", "198.20.0.0", "198.51.99.255", "198.51.101.0", "203.0.112.255", "203.0.114.0",
            "2001:200::1", "2001:db7:ffff::1", "2001:db9::1", "3ffe::1", "3fff:1000::1", "5eff::1", "5f01::1",
            "ff::1", "101::1", "100:0:0:2::1", "64:ff9b:2::1"})
    void shouldAllowAddressesJustOutsideTheDefaultRanges(String address) throws HandshakeFailureException {
        DestinationPolicy.Decision d = DEFAULTS.check(literal(address), List.of());
        assertTrue(d.allowed(), () -> d.failure().toString());
        assertEquals(List.of(Addresses.literal(address)), d.usable());
    }

    @Test
    void shouldDialAnIpv4MappedLiteralAsIpv4() throws HandshakeFailureException {
        DestinationPolicy.Decision d = DEFAULTS.check(ConnectTarget.parse("[::ffff:8.8.8.8]:443"), List.of());
        assertEquals(List.of(Addresses.literal("8.8.8.8")), d.usable());
    }

    @Test
    void shouldCheckTheLiteralAndIgnoreResolvedAddressesForLiteralTargets() throws HandshakeFailureException {
        DestinationPolicy.Decision d = DEFAULTS.check(literal("10.1.2.3"), ips("93.184.215.14"));
        assertFalse(d.allowed());
        assertEquals(List.of(Addresses.literal("93.184.215.14")),
                DEFAULTS.check(literal("93.184.215.14"), ips("10.1.2.3")).usable());
    }

    @Test
    void shouldLetAllowedRangesWinOverDeniedOnes() throws HandshakeFailureException {
        DestinationPolicy p = policy(List.of(443), cidrs("10.1.0.0/16", "203.0.113.7"), cidrs("203.0.113.0/24"), List.of());
        assertTrue(p.check(literal("10.1.2.3"), List.of()).allowed());
        assertFalse(p.check(literal("10.2.0.1"), List.of()).allowed());
        assertTrue(p.check(literal("203.0.113.7"), List.of()).allowed());
        DestinationPolicy.Decision d = p.check(literal("203.0.113.8"), List.of());
        assertEquals("203.0.113.8 is in the denied range 203.0.113.0/24; use --allow-cidr to allow it", d.failure().message());
        assertTrue(p.check(literal("::ffff:10.1.2.3"), List.of()).allowed(), "mapped checked as IPv4 against allow too");
    }

    @Test
    void shouldAllowLoopbackOnlyWhenAllowedExplicitly() throws HandshakeFailureException {
        DestinationPolicy p = policy(List.of(443), cidrs("127.0.0.1", "::1"), List.of(), List.of());
        assertTrue(p.check(literal("127.0.0.1"), List.of()).allowed());
        assertTrue(p.check(literal("[::1]"), List.of()).allowed());
        assertFalse(p.check(literal("127.0.0.2"), List.of()).allowed());
    }

    @ParameterizedTest
    @CsvSource({
            "::7f00:1, 127.0.0.1, 127.0.0.0/8",               // IPv4-compatible
            "::ffff:0:7f00:1, 127.0.0.1, 127.0.0.0/8",        // SIIT
            "64:ff9b::7f00:1, 127.0.0.1, 127.0.0.0/8",        // NAT64
            "64:ff9b::a00:1, 10.0.0.1, 10.0.0.0/8",
            "2002:7f00:1::1, 127.0.0.1, 127.0.0.0/8",         // 6to4
            "2002:a9fe:a9fe::1, 169.254.169.254, 169.254.0.0/16",
            "2002:c000:2aa:ffff:1:2:3:4, 192.0.2.170, 192.0.2.0/24",
            "64:ff9b::c000:aa, 192.0.0.170, 192.0.0.170/32",
            "::a9fe:a9fe, 169.254.169.254, 169.254.0.0/16",
    })
    void shouldJudgeAddressesThatCarryIpv4AsThatIpv4(String address, String carried, String range)
            throws HandshakeFailureException {
        HandshakeFailure f = DEFAULTS.check(literal(address), List.of()).failure();
        assertNotNull(f, address);
        assertEquals(403, f.status());
        assertEquals("destination_ip_prohibited", f.proxyStatusError());
        assertEquals(address + " carries " + carried + ", which is in the denied range " + range
                + "; use --allow-cidr to allow it", f.message());
    }

    @ParameterizedTest
    @ValueSource(strings = {"64:ff9b::8.8.8.8", "2002:0808:0808::1", "2002:808:808:ffff::1", "::8.8.8.8",
            "::ffff:0:8.8.8.8", "64:ff9b::c000:9"})
    void shouldAllowAddressesThatCarryAPublicIpv4AndDialThemAsTheyAre(String address) throws HandshakeFailureException {
        DestinationPolicy.Decision d = DEFAULTS.check(literal(address), List.of());
        assertTrue(d.allowed(), () -> d.failure().message());
        assertEquals(ips(address), d.usable(), "the NAT64 or 6to4 address itself is dialled, not the IPv4 one");
    }

    @Test
    void shouldKeepLoopbackAndUnspecifiedAsThemselves() throws HandshakeFailureException {
        assertEquals("::1 is in the denied range ::1/128; use --allow-cidr to allow it",
                DEFAULTS.check(literal("::1"), List.of()).failure().message());
        assertEquals(":: is in the denied range ::/128; use --allow-cidr to allow it",
                DEFAULTS.check(literal("::"), List.of()).failure().message());
        DestinationPolicy allowZeroNet = policy(List.of(443), cidrs("0.0.0.0/8"), List.of(), List.of());
        assertFalse(allowZeroNet.check(literal("::1"), List.of()).allowed(), "::1 does not carry 0.0.0.1");
        assertTrue(allowZeroNet.check(literal("::2"), List.of()).allowed(), "::2 carries 0.0.0.2");
    }

    @Test
    void shouldDenyLocalUseNat64AndTeredoWhateverTheyCarry() throws HandshakeFailureException {
        assertEquals("64:ff9b:1::808:808 is in the denied range 64:ff9b:1::/48; use --allow-cidr to allow it",
                DEFAULTS.check(literal("64:ff9b:1::808:808"), List.of()).failure().message());
        // Teredo: server 65.54.227.120, client 192.0.2.45 (obfuscated), RFC 4380 §4's example.
        assertEquals("2001:0:4136:e378:8000:63bf:3fff:fdd2 is in the denied range 2001::/32; use --allow-cidr to allow it",
                DEFAULTS.check(literal("2001:0:4136:e378:8000:63bf:3fff:fdd2"), List.of()).failure().message());
        DestinationPolicy allowServer = policy(List.of(443), cidrs("65.54.227.120", "8.8.8.8"), List.of(), List.of());
        assertFalse(allowServer.check(literal("2001:0:4136:e378:8000:63bf:3fff:fdd2"), List.of()).allowed(),
                "Teredo is not read as the IPv4 addresses in it");
        assertFalse(allowServer.check(literal("64:ff9b:1::808:808"), List.of()).allowed());
    }

    @ParameterizedTest
    @ValueSource(strings = {"::7f00:1", "::ffff:0:7f00:1", "64:ff9b::7f00:1", "2002:7f00:1::1", "2002:7f00:1:2:3:4:5:6",
            "::ffff:127.0.0.1", "127.0.0.1"})
    void shouldLetAnIpv4AllowCidrAllowEveryFormThatCarriesIt(String address) throws HandshakeFailureException {
        DestinationPolicy p = policy(List.of(443), cidrs("127.0.0.1/32"), List.of(), List.of());
        assertTrue(p.check(literal(address), List.of()).allowed(), address);
        DestinationPolicy other = policy(List.of(443), cidrs("127.0.0.2/32"), List.of(), List.of());
        assertFalse(other.check(literal(address), List.of()).allowed(), address);
    }

    @Test
    void shouldLetAnIpv6AllowCidrAllowThatIpv6FormOnly() throws HandshakeFailureException {
        DestinationPolicy p = policy(List.of(443), cidrs("64:ff9b::7f00:1"), List.of(), List.of());
        assertTrue(p.check(literal("64:ff9b::7f00:1"), List.of()).allowed());
        assertFalse(p.check(literal("64:ff9b::7f00:2"), List.of()).allowed());
        assertFalse(p.check(literal("127.0.0.1"), List.of()).allowed(), "the IPv4 form is not allowed by it");
        assertFalse(p.check(literal("2002:7f00:1::1"), List.of()).allowed(), "nor another form");

        DestinationPolicy nat64 = policy(List.of(443), cidrs("64:ff9b::/96"), List.of(), List.of());
        assertTrue(nat64.check(literal("64:ff9b::a00:1"), List.of()).allowed(), "the user's range wins");
        DestinationPolicy teredo = policy(List.of(443), cidrs("2001::/32"), List.of(), List.of());
        assertTrue(teredo.check(literal("2001:0:4136:e378:8000:63bf:3fff:fdd2"), List.of()).allowed());
        DestinationPolicy sixToFour = policy(List.of(443), cidrs("2002:a9fe:a9fe::/48"), List.of(), List.of());
        assertTrue(sixToFour.check(literal("2002:a9fe:a9fe::1"), List.of()).allowed());
    }

    @Test
    void shouldLetADenyCidrMatchEitherForm() throws HandshakeFailureException {
        DestinationPolicy v4 = policy(List.of(443), List.of(), cidrs("8.8.8.0/24"), List.of());
        assertEquals("64:ff9b::808:808 carries 8.8.8.8, which is in the denied range 8.8.8.0/24;"
                + " use --allow-cidr to allow it", v4.check(literal("64:ff9b::808:808"), List.of()).failure().message());
        assertFalse(v4.check(literal("2002:808:808::1"), List.of()).allowed());
        assertTrue(v4.check(literal("64:ff9b::809:808"), List.of()).allowed());
        DestinationPolicy v6 = policy(List.of(443), List.of(), cidrs("64:ff9b::/96"), List.of());
        assertEquals("64:ff9b::808:808 is in the denied range 64:ff9b::/96; use --allow-cidr to allow it",
                v6.check(literal("64:ff9b::808:808"), List.of()).failure().message());
        assertTrue(v6.check(literal("8.8.8.8"), List.of()).allowed());
    }

    @Test
    void shouldFollowTheRegistryForItsGloballyReachableExceptions() throws HandshakeFailureException {
        for (String a : List.of("192.0.0.9", "192.0.0.10", "2001:1::1", "2001:1::2", "2001:1::3", "2001:3::1",
                "2001:4:112::1", "2001:20::1", "2001:30::1", "64:ff9b::c000:a", "2002:c000:9::1")) {
            assertTrue(DEFAULTS.check(literal(a), List.of()).allowed(), a);
        }
        assertEquals("192.0.0.11 is in the denied range 192.0.0.0/24; use --allow-cidr to allow it",
                DEFAULTS.check(literal("192.0.0.11"), List.of()).failure().message());
        assertEquals("2001:1::4 is in the denied range 2001::/23; use --allow-cidr to allow it",
                DEFAULTS.check(literal("2001:1::4"), List.of()).failure().message());
        DestinationPolicy strict = policy(List.of(443), List.of(), cidrs("192.0.0.0/24", "2001::/23"), List.of());
        assertEquals("192.0.0.9 is in the denied range 192.0.0.0/24; use --allow-cidr to allow it",
                strict.check(literal("192.0.0.9"), List.of()).failure().message(), "--deny-cidr wins over them");
        assertFalse(strict.check(literal("2001:20::1"), List.of()).allowed());
    }

    @Test
    void shouldNameTheCarriedAddressForAResolvedName() throws HandshakeFailureException {
        HandshakeFailure f = DEFAULTS.check(name("nat64.example"), ips("64:ff9b::808:808", "64:ff9b::7f00:1"))
                .failure();
        assertEquals("nat64.example: 64:ff9b::7f00:1 carries 127.0.0.1, which is in the denied range 127.0.0.0/8;"
                + " use --allow-cidr to allow it", f.message());
    }

    @Test
    void shouldDropOnlyTheDeniedCarriersOfAnAllowedDomain() throws HandshakeFailureException {
        DestinationPolicy p = policy(List.of(443), List.of(), List.of(), List.of("corp.example"));
        assertEquals(ips("64:ff9b::808:808", "2002:808:404::1"), p.check(name("git.corp.example"),
                ips("64:ff9b::a00:1", "64:ff9b::808:808", "2002:7f00:1::1", "2002:808:404::1")).usable());
        assertEquals("every address of git.corp.example is in a denied range, e.g. 64:ff9b::a00:1 carries 10.0.0.1,"
                + " which is in the denied range 10.0.0.0/8; use --allow-cidr to allow it",
                p.check(name("git.corp.example"), ips("64:ff9b::a00:1", "fe80::1")).failure().message());
    }

    @Test
    void shouldKeepResolverOrderWithoutDuplicates() throws HandshakeFailureException, UnknownHostException {
        List<InetAddress> answers = new ArrayList<>(ips("2606:4700::1111", "93.184.215.14", "2606:4700::1111"));
        answers.add(AddressesTest.mapped(93, 184, 215, 14));
        answers.addAll(ips("1.1.1.1"));
        DestinationPolicy.Decision d = DEFAULTS.check(name("example.com"), answers);
        assertEquals(ips("2606:4700::1111", "93.184.215.14", "1.1.1.1"), d.usable());
    }

    @Test
    void shouldKeepAtMost32Addresses() throws HandshakeFailureException {
        List<InetAddress> answers = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            answers.add(Addresses.literal("93.184.215." + i));
        }
        List<InetAddress> usable = DEFAULTS.check(name("example.com"), answers).usable();
        assertEquals(DestinationPolicy.MAX_ADDRESSES, usable.size());
        assertEquals(answers.subList(0, 32), usable);
    }

    @Test
    void shouldRefuseANameWithAnyDeniedAnswerEvenAfterManyGoodOnes() throws HandshakeFailureException {
        List<InetAddress> answers = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            answers.add(Addresses.literal("93.184.215." + i));
        }
        answers.add(Addresses.literal("10.1.2.3"));
        HandshakeFailure f = DEFAULTS.check(name("internal.example.com"), answers).failure();
        assertNotNull(f);
        assertEquals(403, f.status());
        assertEquals("destination_ip_prohibited", f.proxyStatusError());
        assertEquals("internal.example.com: 10.1.2.3 is in the denied range 10.0.0.0/8; use --allow-cidr to allow it",
                f.message());
    }

    @ParameterizedTest
    @CsvSource({
            "example.com, example.com, true",
            "example.com, api.example.com, true",
            "example.com, a.b.example.com, true",
            "example.com, notexample.com, false",
            "example.com, example.com.evil.net, false",
            "example.com, com, false",
            "'.Example.COM.', api.example.com, true",
            "api.example.com, example.com, false",
    })
    void shouldMatchAllowDomainsOnLabelBoundaries(String domain, String host, boolean dropsInsteadOfFailing)
            throws HandshakeFailureException {
        DestinationPolicy p = policy(List.of(443), List.of(), List.of(), List.of(domain));
        DestinationPolicy.Decision d = p.check(name(host), ips("10.0.0.1", "93.184.215.14", "fd00::1"));
        if (dropsInsteadOfFailing) {
            assertEquals(ips("93.184.215.14"), d.usable());
        } else {
            assertEquals(403, d.failure().status());
        }
    }

    @Test
    void shouldRefuseAnAllowedDomainWhoseEveryAnswerIsDenied() throws HandshakeFailureException {
        DestinationPolicy p = policy(List.of(443), List.of(), List.of(), List.of("corp.example"));
        HandshakeFailure f = p.check(name("git.corp.example"), ips("10.0.0.1", "192.168.0.1")).failure();
        assertEquals(403, f.status());
        assertEquals("destination_ip_prohibited", f.proxyStatusError());
        assertEquals("every address of git.corp.example is in a denied range, e.g. 10.0.0.1 is in the denied range"
                + " 10.0.0.0/8; use --allow-cidr to allow it", f.message());
    }

    @Test
    void shouldNotApplyAllowDomainsToLiterals() throws HandshakeFailureException {
        DestinationPolicy p = policy(List.of(443), List.of(), List.of(), List.of("10.0.0.1"));
        assertFalse(p.check(literal("10.0.0.1"), List.of()).allowed());
    }

    @Test
    void shouldAnswer502WhenANameHasNoAddress() throws HandshakeFailureException {
        HandshakeFailure f = DEFAULTS.check(name("example.com"), List.of()).failure();
        assertEquals(502, f.status());
        assertEquals("dns_error", f.proxyStatusError());
    }

    @Test
    void shouldRejectInconsistentDecisions() {
        assertThrows(IllegalArgumentException.class, () -> new DestinationPolicy.Decision(List.of(), null));
        assertThrows(IllegalArgumentException.class, () -> new DestinationPolicy.Decision(
                ips("1.1.1.1"), HandshakeFailure.badRequest("x")));
    }

    @Test
    void shouldBuildFromThePolicyConfig() throws HandshakeFailureException {
        PolicyConfig config = new PolicyConfig(List.of(443, 8443), cidrs("10.9.0.0/16"), cidrs("198.51.100.0/24"),
                List.of("corp.example"));
        DestinationPolicy p = DestinationPolicy.from(config);
        assertNull(p.checkPort(8443));
        assertTrue(p.check(literal("10.9.0.1"), List.of()).allowed());
        assertFalse(p.check(literal("198.51.100.1"), List.of()).allowed());
        assertEquals(ips("1.1.1.1"), p.check(name("a.corp.example"), ips("10.0.0.1", "1.1.1.1")).usable());
        assertEquals("destination policy: ports 443, 8443; denied ranges: 38 default + 1 extra; allowed ranges: 1;"
                + " allowed domains: 1 (corp.example)", p.describe());
    }

    @Test
    void shouldDescribeAPolicyWithoutPorts() {
        assertEquals("destination policy: no port allowed; denied ranges: 38 default + 0 extra; allowed ranges: 0;"
                + " allowed domains: 0", policy(List.of(), List.of(), List.of(), List.of()).describe());
    }

    @Test
    void shouldRejectEmptyAllowDomains() {
        assertThrows(IllegalArgumentException.class, () -> policy(List.of(443), List.of(), List.of(), List.of(" . ")));
    }

    private static DestinationPolicy policy(List<Integer> ports, List<Cidr> allow, List<Cidr> deny, List<String> domains) {
        return new DestinationPolicy(ports, allow, deny, domains);
    }

    private static List<Cidr> cidrs(String... texts) {
        return Arrays.stream(texts).map(Cidr::parse).toList();
    }

    private static List<InetAddress> ips(String... texts) {
        return Arrays.stream(texts).map(Addresses::literal).toList();
    }

    private static ConnectTarget literal(String address) throws HandshakeFailureException {
        String a = address.startsWith("[") ? address : address.indexOf(':') >= 0 ? "[" + address + "]" : address;
        return ConnectTarget.parse(a + ":443");
    }

    private static ConnectTarget name(String host) throws HandshakeFailureException {
        return ConnectTarget.parse(host + ":443");
    }
}
