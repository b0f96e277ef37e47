package dev.fyntr.transport.nio;

import dev.fyntr.transport.nio.internal.net.Addresses;
import dev.fyntr.transport.nio.internal.net.LogHandoff;
import dev.fyntr.transport.nio.internal.policy.SpecialPurposeSamples;
import dev.fyntr.transport.nio.internal.policy.SpecialPurposeSamples.Sample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The default denied ranges end to end (docs/policy-and-errors.md#denied-address-ranges), through CONNECT and SOCKS5:
 * every denied sample of the special-purpose table, and every form that carries a denied IPv4 address, as a literal
 * and as the answer for a name, is refused with 403 (SOCKS5: 0x02) naming the range. Denied addresses are refused
 * before any dial, so nothing is ever connected to; addresses the policy allows are checked in the policy's unit
 * tests, never dialled here. Names resolve through a hook, never DNS.
 */
class SpecialAddressesTest {

    private static final String HINT = "; use --allow-cidr to allow it";

    /** Every sample the default policy must refuse. */
    private static final List<Sample> DENIED = SpecialPurposeSamples.all().stream().filter(Sample::denied).toList();

    /** {@code s<i>.test} resolves to {@code DENIED.get(i)}; any other name fails. */
    private static final Resolver SAMPLES = host -> {
        if (host.matches("s[0-9]{1,3}\\.test")) {
            int i = Integer.parseInt(host.substring(1, host.indexOf('.')));
            if (i < DENIED.size()) {
                return List.of(Addresses.literal(DENIED.get(i).address()));
            }
        }
        throw new UnknownHostException(host + " (this test resolves only its sample names)");
    };

    @RegisterExtension
    final Closer closer = new Closer();

    /** The default policy (port 443, no allowed range), HTTP and SOCKS5 listeners. */
    private FyntrProxy proxy() throws IOException {
        return closer.add(FyntrProxy.builder().port(0).socks5Port(0).resolver(SAMPLES)
                .connectTimeout(Duration.ofMillis(200)).shutdownGrace(Duration.ZERO).start());
    }

    private static String literalTarget(Sample s) {
        return s.ipv6() ? "[" + s.address() + "]:443" : s.address() + ":443";
    }

    @Test
    void shouldRefuseEveryDeniedLiteralOverConnectNamingTheRange() throws Exception {
        FyntrProxy proxy = proxy();
        List<Executable> checks = new ArrayList<>();
        for (Sample s : DENIED) {
            ProxyClient.Response r;
            try (ProxyClient c = closer.add(new ProxyClient(proxy))) {
                r = c.connect(literalTarget(s));
            }
            checks.add(() -> {
                assertEquals(403, r.status(), s + ": " + r.body());
                assertEquals(s.reason() + HINT + "\n", r.body(), s.toString());
                assertTrue(r.header("Proxy-Status").startsWith("fyntr; error=destination_ip_prohibited"), s.toString());
            });
        }
        assertAll(checks);
        assertEquals(DENIED.size(), proxy.stats().rejections(403));
        assertEquals(0, proxy.stats().tunnelsOpened());
    }

    @Test
    void shouldRefuseEveryDeniedAnswerForANameOverConnectNamingTheRange() throws Exception {
        FyntrProxy proxy = proxy();
        List<Executable> checks = new ArrayList<>();
        for (int i = 0; i < DENIED.size(); i++) {
            Sample s = DENIED.get(i);
            String name = "s" + i + ".test";
            ProxyClient.Response r;
            try (ProxyClient c = closer.add(new ProxyClient(proxy))) {
                r = c.connect(name + ":443");
            }
            checks.add(() -> {
                assertEquals(403, r.status(), s + ": " + r.body());
                assertEquals(name + ": " + s.reason() + HINT + "\n", r.body(), s.toString());
            });
        }
        assertAll(checks);
        assertEquals(DENIED.size(), proxy.stats().rejections(403));
    }

    @Test
    void shouldRefuseEveryDeniedAddressOverSocks5() throws Exception {
        FyntrProxy proxy = proxy();
        List<Executable> checks = new ArrayList<>();
        for (int i = 0; i < DENIED.size(); i++) {
            Sample s = DENIED.get(i);
            byte[] bytes = Addresses.parseLiteral(s.address()); // 16 bytes for an IPv4-mapped one, as a client sends it
            int asAddress = socksReply(proxy, SocksClient.request(1, bytes.length == 4 ? 1 : 4, bytes, 443));
            int asName = socksReply(proxy, SocksClient.domainRequest("s" + i + ".test", 443));
            checks.add(() -> assertEquals(0x02, asAddress, s + " as ATYP " + (bytes.length == 4 ? 1 : 4)));
            checks.add(() -> assertEquals(0x02, asName, s + " as a name"));
        }
        assertAll(checks);
        Fixtures.await("every refusal counted", Duration.ofSeconds(10),
                () -> proxy.stats().rejections(403) == 2L * DENIED.size());
        assertEquals(0, proxy.stats().tunnelsOpened());
    }

    /** The SOCKS5 reply cannot say why; the warning the proxy logs does, in the words of the 403. */
    @ParameterizedTest
    @CsvSource({"64:ff9b::a00:1", "2002:a9fe:a9fe::1", "fec0::1", "::ffff:0:7f00:1"})
    void shouldLogTheRangeWhenRefusingOverSocks5(String address) throws Exception {
        Sample s = DENIED.stream().filter(d -> d.address().equals(address)).findFirst().orElseThrow();
        FyntrProxy proxy = proxy();
        byte[] request = SocksClient.request(1, 4, Addresses.parseLiteral(address), 443);
        String line = "CONNECT [" + s.shown() + "]:443 from ";
        String why = " denied: " + s.reason() + HINT;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8)); // slf4j-simple writes there
        try {
            // Denial warnings are limited to one a second (shared by every proxy in this JVM): ask until one is written.
            Fixtures.await("a warning naming " + s.deniedRange(), Duration.ofSeconds(20), () -> {
                assertEquals(0x02, socksReplyUnchecked(proxy, request));
                LogHandoff.drain(1000);
                String sofar = log.toString(StandardCharsets.UTF_8);
                return sofar.contains(line) && sofar.contains(why);
            });
        } finally {
            System.setErr(original);
        }
    }

    /** The listing at the top of issue 13, as a new user of {@code ./fyntr} would try it. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[::7f00:1]:443|::7f00:1 carries 127.0.0.1, which is in the denied range 127.0.0.0/8",
        "[::ffff:0:7f00:1]:443|::ffff:0:7f00:1 carries 127.0.0.1, which is in the denied range 127.0.0.0/8",
        "[64:ff9b::7f00:1]:443|64:ff9b::7f00:1 carries 127.0.0.1, which is in the denied range 127.0.0.0/8",
        "[64:ff9b::a00:1]:443|64:ff9b::a00:1 carries 10.0.0.1, which is in the denied range 10.0.0.0/8",
        "[64:ff9b:1::7f00:1]:443|64:ff9b:1::7f00:1 is in the denied range 64:ff9b:1::/48",
        "[2002:7f00:1::1]:443|2002:7f00:1::1 carries 127.0.0.1, which is in the denied range 127.0.0.0/8",
        "[2002:a9fe:a9fe::1]:443|2002:a9fe:a9fe::1 carries 169.254.169.254, which is in the denied range 169.254.0.0/16",
        "[2001:0:4136:e378:8000:63bf:3fff:fdd2]:443|2001:0:4136:e378:8000:63bf:3fff:fdd2 is in the denied range 2001::/32",
        "[fec0::1]:443|fec0::1 is in the denied range fec0::/10",
        "198.18.0.1:443|198.18.0.1 is in the denied range 198.18.0.0/15",
        "192.0.0.170:443|192.0.0.170 is in the denied range 192.0.0.170/32",
    })
    void shouldRefuseTheAddressesListedInTheIssue(String target, String reason) throws Exception {
        FyntrProxy proxy = proxy();
        try (ProxyClient c = closer.add(new ProxyClient(proxy))) {
            ProxyClient.Response r = c.connect(target);
            assertEquals(403, r.status(), r.body());
            assertEquals(reason + HINT + "\n", r.body());
        }
    }

    private int socksReply(FyntrProxy proxy, byte[] request) throws IOException {
        try (SocksClient c = closer.add(new SocksClient(proxy))) {
            c.greet().send(request);
            int code = c.readReply().code();
            assertTrue(c.closedByProxy(), "closed after the refusal");
            return code;
        }
    }

    /** {@link #socksReply} for use inside a condition: I/O failures become assertion errors. */
    private int socksReplyUnchecked(FyntrProxy proxy, byte[] request) {
        try {
            return socksReply(proxy, request);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
