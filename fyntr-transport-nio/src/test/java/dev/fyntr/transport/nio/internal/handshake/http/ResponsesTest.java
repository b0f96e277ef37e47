package dev.fyntr.transport.nio.internal.handshake.http;

import dev.fyntr.transport.nio.internal.net.HandshakeFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResponsesTest {

    @Test
    void shouldAnswerEstablishedExactly() {
        assertEquals("HTTP/1.1 200 Connection Established\r\n\r\n", text(Responses.established()));
    }

    @Test
    void shouldHandOutAFreshEstablishedArrayEachTime() {
        byte[] first = Responses.established();
        first[0] = 'X';
        assertEquals('H', Responses.established()[0]);
    }

    @Test
    void shouldWriteAPortDenialByteForByte() {
        HandshakeFailure f = HandshakeFailure.portDenied("port 22 is not allowed; allowed ports: 443");
        assertEquals("HTTP/1.1 403 Forbidden\r\n"
                + "Proxy-Status: fyntr; error=http_request_denied; details=\"port 22 is not allowed; allowed ports: 443\"\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: 43\r\n"
                + "Connection: close\r\n"
                + "\r\n"
                + "port 22 is not allowed; allowed ports: 443\n", text(Responses.error(f)));
    }

    @Test
    void shouldPutExtraHeadersAfterConnectionClose() {
        String r = text(Responses.error(HandshakeFailure.methodNotAllowed("GET")));
        String body = "method \"GET\" is not supported; this proxy only accepts CONNECT host:port (use it as HTTPS_PROXY)\n";
        assertEquals("HTTP/1.1 405 Method Not Allowed\r\n"
                + "Proxy-Status: fyntr; error=http_request_denied; details=\"method \\\"GET\\\" is not supported; this proxy"
                + " only accepts CONNECT host:port (use it as HTTPS_PROXY)\"\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + body.length() + "\r\n"
                + "Connection: close\r\n"
                + "Allow: CONNECT\r\n"
                + "\r\n"
                + body, r);
    }

    @Test
    void shouldWriteRetryAfterForA503() {
        String r = text(Responses.error(HandshakeFailure.connectionLimit(1000, 1)));
        assertTrue(r.startsWith("HTTP/1.1 503 Service Unavailable\r\nProxy-Status: fyntr; error=connection_limit_reached;"
                + " details=\"the proxy is at its limit of 1000 connections (--max-connections); try again later\"\r\n"), r);
        assertTrue(r.contains("\r\nConnection: close\r\nRetry-After: 1\r\n\r\n"), r);
    }

    @Test
    void shouldEscapeBackslashesAndQuotesInDetailsOnly() {
        HandshakeFailure f = HandshakeFailure.badRequest("a \"b\" c\\d");
        String r = text(Responses.error(f));
        assertTrue(r.contains("details=\"a \\\"b\\\" c\\\\d\"\r\n"), r);
        assertTrue(r.endsWith("\r\n\r\na \"b\" c\\d\n"), r);
    }

    @Test
    void shouldWriteAnSfStringFromAnything() {
        assertEquals("\"a\\\\b\\\"c?\"", Responses.sfString("a\\b\"c\u00e9"));
    }

    @ParameterizedTest
    @CsvSource({"400, Bad Request", "403, Forbidden", "405, Method Not Allowed", "408, Request Timeout",
            "414, URI Too Long", "431, Request Header Fields Too Large", "500, Internal Server Error",
            "502, Bad Gateway", "503, Service Unavailable", "504, Gateway Timeout", "505, HTTP Version Not Supported",
            "499, Error"})
    void shouldUseTheStandardReasonPhrase(int status, String reason) {
        assertEquals(reason, Responses.reasonPhrase(status));
        assertTrue(text(Responses.error(new HandshakeFailure(status, "x", "m", List.of())))
                .startsWith("HTTP/1.1 " + status + " " + reason + "\r\n"));
    }

    @ParameterizedTest
    @MethodSource("dev.fyntr.transport.nio.internal.net.HandshakeFailureTest#factories")
    void shouldWriteWellFormedResponsesForEveryFailure(HandshakeFailure f, int status, String type) {
        byte[] bytes = Responses.error(f);
        String r = text(bytes);
        int end = r.indexOf("\r\n\r\n");
        String[] lines = r.substring(0, end).split("\r\n", -1);
        assertEquals("HTTP/1.1 " + status + " " + Responses.reasonPhrase(status), lines[0]);
        assertTrue(lines[1].startsWith("Proxy-Status: fyntr; error=" + type + "; details=\""), lines[1]);
        assertEquals("Content-Type: text/plain; charset=utf-8", lines[2]);
        int length = Integer.parseInt(lines[3].substring("Content-Length: ".length()));
        assertEquals(bytes.length - end - 4, length, "Content-Length matches the body");
        assertEquals("Connection: close", lines[4]);
        assertEquals(f.extraHeaders(), List.of(lines).subList(5, lines.length));
        assertEquals(f.message() + "\n", r.substring(end + 4));
        for (byte b : bytes) {
            assertTrue(b == '\r' || b == '\n' || (b >= 0x20 && b < 0x7F), "only printable ASCII and line ends");
        }
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
