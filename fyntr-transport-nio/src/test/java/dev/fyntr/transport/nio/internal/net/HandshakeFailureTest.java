package dev.fyntr.transport.nio.internal.net;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HandshakeFailureTest {

    static Stream<Object[]> factories() {
        return Stream.of(
                row(HandshakeFailure.badRequest("x"), 400, "http_request_error"),
                row(HandshakeFailure.badTarget("a b", "why"), 400, "http_request_error"),
                row(HandshakeFailure.portDenied("x"), 403, "http_request_denied"),
                row(HandshakeFailure.destinationDenied("x"), 403, "destination_ip_prohibited"),
                row(HandshakeFailure.methodNotAllowed("GET"), 405, "http_request_denied"),
                row(HandshakeFailure.requestTimeout(Duration.ofSeconds(30)), 408, "http_request_error"),
                row(HandshakeFailure.uriTooLong(8192), 414, "http_request_error"),
                row(HandshakeFailure.headerFieldsTooLarge("x"), 431, "http_request_error"),
                row(HandshakeFailure.dnsError("example.com", "no such host"), 502, "dns_error"),
                row(HandshakeFailure.dnsTimeout("example.com", Duration.ofSeconds(5)), 502, "dns_timeout"),
                row(HandshakeFailure.connectionRefused("example.com:443"), 502, "connection_refused"),
                row(HandshakeFailure.destinationUnavailable("example.com:443", "no route"), 502, "destination_unavailable"),
                row(HandshakeFailure.connectionLimit(1000, 1), 503, "connection_limit_reached"),
                row(HandshakeFailure.unavailable("shutting down", 0), 503, "proxy_internal_response"),
                row(HandshakeFailure.connectTimeout("example.com:443", Duration.ofSeconds(3)), 504, "connection_timeout"),
                row(HandshakeFailure.versionNotSupported("HTTP/2"), 505, "http_request_error"));
    }

    private static Object[] row(HandshakeFailure f, int status, String type) {
        return new Object[] {f, status, type};
    }

    @ParameterizedTest
    @MethodSource("factories")
    void shouldGiveEachStatusItsProxyStatusType(HandshakeFailure f, int status, String type) {
        assertEquals(status, f.status());
        assertEquals(type, f.proxyStatusError());
        assertTrue(f.message().chars().allMatch(c -> c >= 0x20 && c < 0x7F), f.message());
        assertTrue(f.toString().startsWith(status + " " + type + ": "));
    }

    @Test
    void shouldWriteMessagesThatSayWhatIsAllowed() {
        assertEquals("method \"GET\" is not supported; this proxy only accepts CONNECT host:port (use it as HTTPS_PROXY)",
                HandshakeFailure.methodNotAllowed("GET").message());
        assertEquals(List.of("Allow: CONNECT"), HandshakeFailure.methodNotAllowed("GET").extraHeaders());
        assertEquals("the request head did not arrive within 30 s", HandshakeFailure.requestTimeout(Duration.ofSeconds(30)).message());
        assertEquals("the request head did not arrive within 1500 ms",
                HandshakeFailure.requestTimeout(Duration.ofMillis(1500)).message());
        assertEquals("the request line is longer than 8192 bytes", HandshakeFailure.uriTooLong(8192).message());
        assertEquals("HTTP version \"HTTP/2\" is not supported; use HTTP/1.1 or HTTP/1.0",
                HandshakeFailure.versionNotSupported("HTTP/2").message());
        assertEquals("connecting to example.com:443 timed out after 3 s",
                HandshakeFailure.connectTimeout("example.com:443", Duration.ofSeconds(3)).message());
        assertEquals("cannot resolve example.com", HandshakeFailure.dnsError("example.com", " ").message());
    }

    @Test
    void shouldAddRetryAfterOnlyWhenPositive() {
        assertEquals(List.of("Retry-After: 2"), HandshakeFailure.connectionLimit(10, 2).extraHeaders());
        assertEquals(List.of(), HandshakeFailure.connectionLimit(10, 0).extraHeaders());
        assertEquals(List.of("Retry-After: 5"), HandshakeFailure.unavailable("x", 5).extraHeaders());
    }

    @Test
    void shouldNeverCarryRawClientBytes() {
        HandshakeFailure f = HandshakeFailure.methodNotAllowed("G\r\nX-Injected: 1\u001b");
        assertEquals("method \"G\\r\\nX-Injected: 1\\x1b\" is not supported; this proxy only accepts CONNECT host:port"
                + " (use it as HTTPS_PROXY)", f.message());
        assertEquals("a\\r\\nb", HandshakeFailure.badRequest("a\r\nb").message(), "even our own text is sanitized");
    }

    @Test
    void shouldRejectInvalidComponents() {
        assertThrows(IllegalArgumentException.class, () -> new HandshakeFailure(200, "x", "m", List.of()));
        assertThrows(IllegalArgumentException.class, () -> new HandshakeFailure(600, "x", "m", List.of()));
        assertThrows(IllegalArgumentException.class, () -> new HandshakeFailure(400, "Bad Type", "m", List.of()));
        assertThrows(IllegalArgumentException.class, () -> new HandshakeFailure(400, "", "m", List.of()));
        assertThrows(IllegalArgumentException.class, () -> new HandshakeFailure(400, "x", "m", List.of("NoColon")));
        assertThrows(IllegalArgumentException.class,
                () -> new HandshakeFailure(400, "x", "m", List.of("A: b\r\nC: d")));
        assertThrows(NullPointerException.class, () -> new HandshakeFailure(400, null, "m", List.of()));
    }

    @Test
    void shouldCarryTheFailureInItsException() {
        HandshakeFailure f = HandshakeFailure.badRequest("x");
        HandshakeFailureException e = new HandshakeFailureException(f);
        assertSame(f, e.failure());
        assertEquals("400 http_request_error: x", e.getMessage());
        assertEquals(0, e.getStackTrace().length, "thrown per bad request: no stack trace to fill");
    }
}
