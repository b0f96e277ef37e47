package dev.fyntr.transport.nio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One host-name form and strict ASCII numbers through a real proxy (issue 13, parts 2 and 3): an allow-domain
 * written in Unicode with dots around it matches the request that writes the same name another way, and
 * ports in other scripts' digits get the usual 400.
 */
class HostNamesEndToEndTest {

    /** The denied address the resolver gives besides loopback: never dialled, only checked. */
    private static final InetAddress DENIED = address(10, 0, 0, 1);

    @RegisterExtension
    final Closer closer = new Closer();

    /** Names under {@code .test} resolve to a denied address and to 127.0.0.1; the names looked up are kept. */
    private final List<String> lookedUp = new ArrayList<>();

    private FyntrProxy proxy(int port, String... allowDomains) throws IOException {
        return closer.add(FyntrProxy.builder().port(0).allowPorts(port).allowCidrs("127.0.0.1/32")
                .allowDomains(allowDomains).socks5Port(0).shutdownGrace(Duration.ZERO)
                .resolver(host -> {
                    synchronized (lookedUp) {
                        lookedUp.add(host);
                    }
                    if (!host.endsWith(".test")) {
                        throw new UnknownHostException(host);
                    }
                    return List.of(DENIED, InetAddress.getLoopbackAddress());
                }).start());
    }

    @Test
    void shouldMatchAnAllowDomainHoweverEitherSideWritesTheName() throws Exception {
        try (TestServers.Server echo = TestServers.echo()) {
            // The port is not 443, so reaching the echo needs it allowed too; the policy is what is under test.
            FyntrProxy proxy = closer.add(FyntrProxy.builder().port(0).allowPorts(echo.port())
                    .allowCidrs("127.0.0.1/32").allowDomains(".B\u00dcCHER.test.").shutdownGrace(Duration.ZERO)
                    .resolver(host -> List.of(DENIED, InetAddress.getLoopbackAddress())).start());
            for (String written : List.of("b\u00fccher.test", "XN--BCHER-KVA.test.", "api.bu\u0308cher\u3002test",
                    "\uff42\u00fc\uff43\uff48\uff45\uff52.test")) {
                try (ProxyClient c = new ProxyClient(proxy)) {
                    c.send(("CONNECT " + written + ":" + echo.port() + " HTTP/1.1\r\n\r\n")
                            .getBytes(StandardCharsets.UTF_8));
                    ProxyClient.Response r = c.readResponse();
                    assertEquals(200, r.status(), written + ": " + r.head() + r.body());
                }
            }
            try (ProxyClient c = new ProxyClient(proxy)) {
                ProxyClient.Response r = c.connect("notxn--bcher-kva.test:" + echo.port());
                assertEquals(403, r.status(), "not the allowed domain: its denied address fails the request");
                assertTrue(r.body().contains("10.0.0.1 is in the denied range"), r.body());
            }
        }
    }

    @Test
    void shouldMatchTheAllowDomainForSocks5DomainRequestsToo() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, TestServers.LOOPBACK)) {
            closedPort = s.getLocalPort(); // closed again: connecting to it is refused
        }
        FyntrProxy proxy = proxy(closedPort, "\u00fc.test");
        try (SocksClient c = new SocksClient(proxy)) {
            // Allowed: the denied address is dropped and 127.0.0.1 is dialled, which refuses.
            assertEquals(0x05, c.connect("\u00dc\uff0eTEST", closedPort).code());
        }
        try (SocksClient c = new SocksClient(proxy)) {
            assertEquals(0x02, c.connect("u.test", closedPort).code(), "another name: refused by the policy");
        }
        synchronized (lookedUp) {
            assertEquals(List.of("xn--tda.test", "u.test"), lookedUp, "the resolver is asked the canonical name");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u0664\u0664\u0663", "\uff14\uff14\uff13", "\u09ea\u09ea\u09e9", "44\u0663",
            "\u06f4\u06f4\u06f3", "443\u200b"})
    void shouldAnswer400ToAPortInOtherDigits(String port) throws Exception {
        FyntrProxy proxy = proxy(443);
        try (ProxyClient c = new ProxyClient(proxy)) {
            c.send(("CONNECT example.test:" + port + " HTTP/1.1\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            ProxyClient.Response r = c.readResponse();
            assertEquals(400, r.status(), r.head() + r.body());
            assertTrue(r.header("Proxy-Status").startsWith("fyntr; error=http_request_error"), r.head());
            assertTrue(r.body().contains("the port must be a number 1-65535")
                    || r.body().contains("whitespace or a control character"), r.body());
        }
        synchronized (lookedUp) {
            assertEquals(List.of(), lookedUp, "refused before any lookup");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"\uff11\uff12\uff17.\uff10.\uff10.\uff11", "\uff11\uff12\uff17\uff0e\uff11",
            "\uff10\uff58\uff17\uff46\uff10\uff10\uff10\uff10\uff10\uff11"})
    void shouldRefuseNumericNamesInFullWidthDigits(String name) throws Exception {
        // IDNA turns full-width digits into ASCII ones, so a resolver would read these as 127.0.0.1. (Arabic-Indic
        // digits stay Unicode: IDNA makes them xn-- labels, which no resolver reads as a number; HostNamesTest.)
        FyntrProxy proxy = proxy(443);
        try (ProxyClient c = new ProxyClient(proxy)) {
            c.send(("CONNECT " + name + ":443 HTTP/1.1\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            assertEquals(400, c.readResponse().status());
        }
        try (SocksClient c = new SocksClient(proxy)) {
            int code = c.connect(name, 443).code();
            assertEquals(0x08, code, "refused as an address in disguise");
        }
        synchronized (lookedUp) {
            assertEquals(List.of(), lookedUp, "never looked up");
        }
    }

    @Test
    void shouldRefuseAllowDomainsThatAreNotHostNames() {
        for (String bad : List.of("bad_domain", "*.example.com", "..example.com", "stra\u00dfe.de", "127.1",
                "10.0.0.1", "a..b", "")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> FyntrProxy.builder().allowDomains(bad), bad);
            assertTrue(e.getMessage().startsWith("allowDomains: '" + bad + "' is not a domain name"), e.getMessage());
        }
        FyntrProxy.builder().allowDomains(".example.com", "example.com.", " Example.COM ", "\u00fc.example");
    }

    private static InetAddress address(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
