package dev.fyntr.transport.nio.internal.handshake.http;

import dev.fyntr.transport.nio.internal.net.HandshakeFailureException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AbsoluteTargetTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "http://example.com/a?b=c|example.com:80|/a?b=c|example.com",
        "http://example.com|example.com:80|/|example.com",
        "http://example.com?q|example.com:80|/?q|example.com",
        "HTTP://Example.COM:8080/x|example.com:8080|/x|example.com:8080",
        "http://example.com:/x|example.com:80|/x|example.com",
        "http://192.0.2.1:81/|192.0.2.1:81|/|192.0.2.1:81",
        "http://[2001:db8::1]/p|[2001:db8::1]:80|/p|[2001:db8::1]",
        "http://[2001:db8::1]:8080/p|[2001:db8::1]:8080|/p|[2001:db8::1]:8080",
        "http://example.com./x|example.com:80|/x|example.com",
    })
    void shouldSplitAnAbsoluteUri(String uri, String authority, String originForm, String host) throws Exception {
        AbsoluteTarget t = AbsoluteTarget.parse(uri);
        assertEquals(authority, t.target().authority());
        assertEquals(originForm, t.originForm());
        assertEquals(host, t.hostHeader());
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
        "/x|400|absolute URI",
        "*|400|absolute URI",
        "https://example.com/|501|use CONNECT",
        "ftp://example.com/|400|only http://",
        "http:/example.com/|400|only http://",
        "http://user:pw@example.com/|400|user info",
        "http://example.com/#frag|400|fragment",
        "http:///x|400|host is missing",
        "http://example.com:99999/|400|bad host or port",
        "http://127.1/|400|bad host or port",
        "http://ex ample.com/|400|ASCII",
        "http://example.com/é|400|ASCII",
    })
    void shouldRefuseWithAPreciseStatus(String uri, int status, String says) {
        HandshakeFailureException e = assertThrows(HandshakeFailureException.class, () -> AbsoluteTarget.parse(uri));
        assertEquals(status, e.failure().status());
        assertTrue(e.failure().message().contains(says), e.failure().message());
    }
}
