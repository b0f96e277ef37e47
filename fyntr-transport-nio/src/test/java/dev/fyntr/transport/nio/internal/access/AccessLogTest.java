package dev.fyntr.transport.nio.internal.access;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AccessLogTest {

    private static final InetSocketAddress CLIENT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 53412);

    @Test
    void shouldWriteEveryKeyInTheFixedOrder() throws Exception {
        InetSocketAddress up = new InetSocketAddress(InetAddress.getByName("93.184.215.14"), 443);
        assertEquals("kind=connect client=127.0.0.1:53412 target=example.com:443 resolved=93.184.215.14:443 "
                        + "status=200 error=- up=812 down=5123 duration_ms=48 close=\"client closed\"",
                AccessLog.line("connect", null, CLIENT, "example.com:443", up, 200, null, 812, 5123, 48,
                        "client closed"));
    }

    @Test
    void shouldWriteDashesForWhatIsMissingAndTheMethodForPlainHttp() {
        assertEquals("kind=http method=GET client=- target=- resolved=- status=- error=- up=0 down=0 duration_ms=0 "
                + "close=-", AccessLog.line("http", "GET", null, null, null, 0, null, 0, 0, 0, null));
    }

    @Test
    void shouldQuoteAndEscapeValuesThatWouldBreakTheFormat() {
        String line = AccessLog.line("connect", null, CLIENT, null, null, 400, "http_request_error", 0, 0, 1,
                "a \"quoted\" = reason\\ with é and \n");
        assertEquals("kind=connect client=127.0.0.1:53412 target=- resolved=- status=400 error=http_request_error "
                + "up=0 down=0 duration_ms=1 close=\"a \\\"quoted\\\" = reason\\\\ with \\\\u00e9 and \\\\n\"", line);
    }

    @Test
    void shouldWriteIpv6EndpointsInBrackets() throws Exception {
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 8443);
        String line = AccessLog.line("socks5", null, v6, "[::1]:8443", v6, 502, "connection_refused", 0, 0, 3,
                "rejected");
        assertEquals("kind=socks5 client=[0:0:0:0:0:0:0:1]:8443 target=[::1]:8443 resolved=[0:0:0:0:0:0:0:1]:8443 "
                + "status=502 error=connection_refused up=0 down=0 duration_ms=3 close=rejected", line);
    }

    @Test
    void shouldPutThePlainHttpMethodAfterTheKindAndKeepTheOtherKeysInOrder() throws Exception {
        InetSocketAddress client = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 51512);
        InetSocketAddress resolved = new InetSocketAddress(InetAddress.getByName("192.0.2.7"), 80);
        assertEquals("kind=http method=GET client=127.0.0.1:51512 target=example.com:80 resolved=192.0.2.7:80 "
                        + "status=200 error=- up=112 down=1591 duration_ms=41 close=-",
                AccessLog.line("http", "GET", client, "example.com:80", resolved, 200, null, 112, 1591, 41, null));
    }
}
