package dev.fyntr.transport.nio.internal.net;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Why a CONNECT handshake failed, as the client will be told: the HTTP status, the RFC 9209 Proxy-Status error
 * type, a one-line plain-text message saying what went wrong and what is allowed, and any extra response
 * headers ({@code Allow: CONNECT}, {@code Retry-After: 5}). {@link Responses#error} turns it into bytes.
 *
 * <p>The message is always printable ASCII: the constructor escapes anything else (see
 * {@link LogSafe#sanitize}), so a failure can be logged and sent as it is. Client-supplied text must still be
 * passed through {@link LogSafe#quote} by whoever builds the message, so that it is recognisable as quoted.
 *
 * <p>Proxy-Status error types (RFC 9209 §2.3) and why:
 * <ul>
 * <li>400, 414, 431, 505 and 408: {@code http_request_error} — the request itself was bad or incomplete;
 *     RFC 9209 has no type for a client that is too slow, and this is the one that blames the request.</li>
 * <li>405, 407, 429 and a port denial (403): {@code http_request_denied} — refused by configuration before any address
 *     was looked at.</li>
 * <li>an address denial (403): {@code destination_ip_prohibited} — the next hop's IP is forbidden by policy.</li>
 * <li>502: {@code dns_error}, {@code dns_timeout}, {@code connection_refused}, {@code destination_unavailable};
 *     504: {@code connection_timeout}.</li>
 * <li>503: {@code connection_limit_reached} when {@code --max-connections} is reached,
 *     {@code proxy_internal_response} otherwise (e.g. shutting down).</li>
 * </ul>
 *
 * @param status           HTTP status code, 400-599
 * @param proxyStatusError an RFC 9209 error type token, e.g. {@code destination_ip_prohibited}
 * @param message          one line of text for the client and the log, without the trailing newline
 * @param extraHeaders     complete header lines without CRLF, e.g. {@code Allow: CONNECT}
 */
public record HandshakeFailure(int status, String proxyStatusError, String message, List<String> extraHeaders) {

    public HandshakeFailure {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("status must be 400-599: " + status);
        }
        Objects.requireNonNull(proxyStatusError, "proxyStatusError");
        if (proxyStatusError.isEmpty() || !proxyStatusError.chars().allMatch(
                c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
            throw new IllegalArgumentException("proxyStatusError must be a lower-case token: " + proxyStatusError);
        }
        message = LogSafe.sanitize(message);
        extraHeaders = List.copyOf(extraHeaders);
        for (String h : extraHeaders) {
            int colon = h.indexOf(':');
            if (colon <= 0 || !h.chars().allMatch(c -> LogSafe.isPrintableAscii((char) c))) {
                throw new IllegalArgumentException("not a header line: " + LogSafe.quote(h, 100));
            }
        }
    }

    /** 400 for a malformed request head; the message says what is malformed. */
    public static HandshakeFailure badRequest(String message) {
        return new HandshakeFailure(400, "http_request_error", message, List.of());
    }

    /** 400 for a CONNECT target that is not {@code host:port}; {@code target} is quoted and escaped here. */
    public static HandshakeFailure badTarget(CharSequence target, String reason) {
        return badRequest("bad CONNECT target " + LogSafe.quote(target, 100) + ": " + reason
                + "; expected host:port such as example.com:443 or [2001:db8::1]:443");
    }

    /** 403 for a destination port the policy does not allow. */
    public static HandshakeFailure portDenied(String message) {
        return new HandshakeFailure(403, "http_request_denied", message, List.of());
    }

    /** 403 for a destination address the policy does not allow. */
    public static HandshakeFailure destinationDenied(String message) {
        return new HandshakeFailure(403, "destination_ip_prohibited", message, List.of());
    }

    /** 405 with {@code Allow: CONNECT}; {@code method} is quoted and escaped here. */
    public static HandshakeFailure methodNotAllowed(CharSequence method) {
        return new HandshakeFailure(405, "http_request_denied", "method " + LogSafe.quote(method, 32)
                + " is not supported; this proxy only accepts CONNECT host:port (use it as HTTPS_PROXY)",
                List.of("Allow: CONNECT"));
    }

    /**
     * 501 for something a plain-HTTP request asks that the proxy does not do (an {@code https://} URI, a WebSocket
     * upgrade, a transfer coding other than chunked); the message says what to do instead.
     */
    public static HandshakeFailure notImplemented(String message) {
        return new HandshakeFailure(501, "http_request_error", message, List.of());
    }

    /** 502 for an upstream whose response is malformed or ends early; the message says how. */
    public static HandshakeFailure badResponse(String message) {
        return new HandshakeFailure(502, "http_response_incomplete", message, List.of());
    }

    /** 504: the upstream accepted the request but sent no response head within {@code timeout}. */
    public static HandshakeFailure responseTimeout(String authority, Duration timeout) {
        return new HandshakeFailure(504, "connection_read_timeout", authority + " sent no response within "
                + Formats.duration(timeout), List.of());
    }

    /**
     * 405 for an absolute-form request ({@code GET http://...}) while plain-HTTP forwarding is off; {@code method}
     * is quoted and escaped here.
     */
    public static HandshakeFailure plainHttpOff(CharSequence method) {
        return new HandshakeFailure(405, "http_request_denied", "method " + LogSafe.quote(method, 32)
                + " is not supported: plain-HTTP forwarding is off (--plain-http off); this proxy accepts only"
                + " CONNECT host:port (use it as HTTPS_PROXY)", List.of("Allow: CONNECT"));
    }

    /** 408: the whole request head did not arrive within the handshake timeout. */
    public static HandshakeFailure requestTimeout(Duration handshakeTimeout) {
        return new HandshakeFailure(408, "http_request_error", "the request head did not arrive within "
                + Formats.duration(handshakeTimeout), List.of());
    }

    /** 414: the request line is longer than the limit. */
    public static HandshakeFailure uriTooLong(int maxRequestLineBytes) {
        return new HandshakeFailure(414, "http_request_error", "the request line is longer than "
                + maxRequestLineBytes + " bytes", List.of());
    }

    /** 431: a header line, the header count or the whole head is over its limit; the message says which. */
    public static HandshakeFailure headerFieldsTooLarge(String message) {
        return new HandshakeFailure(431, "http_request_error", message, List.of());
    }

    /** 505 for a well-formed HTTP version other than 1.0 and 1.1; {@code version} is quoted and escaped here. */
    public static HandshakeFailure versionNotSupported(CharSequence version) {
        return new HandshakeFailure(505, "http_request_error", "HTTP version " + LogSafe.quote(version, 16)
                + " is not supported; use HTTP/1.1 or HTTP/1.0", List.of());
    }

    /** 502: the resolver failed or returned no address; {@code detail} says how (it is escaped, not quoted). */
    public static HandshakeFailure dnsError(String host, String detail) {
        return new HandshakeFailure(502, "dns_error", "cannot resolve " + host
                + (detail == null || detail.isBlank() ? "" : ": " + detail), List.of());
    }

    /**
     * 502 (not 504: every resolver failure is a 502, timeouts included; docs/policy-and-errors.md#error-responses) with the RFC 9209 type
     * {@code dns_timeout}.
     */
    public static HandshakeFailure dnsTimeout(String host, Duration resolveTimeout) {
        return new HandshakeFailure(502, "dns_timeout", "resolving " + host + " took longer than "
                + Formats.duration(resolveTimeout), List.of());
    }

    /** 502: every address refused the connection. */
    public static HandshakeFailure connectionRefused(String authority) {
        return new HandshakeFailure(502, "connection_refused", "connection to " + authority + " refused", List.of());
    }

    /** 502: the destination could not be reached (unreachable network/host, reset, other I/O errors). */
    public static HandshakeFailure destinationUnavailable(String authority, String detail) {
        return new HandshakeFailure(502, "destination_unavailable", "cannot connect to " + authority
                + (detail == null || detail.isBlank() ? "" : ": " + detail), List.of());
    }

    /** 504: every connect attempt timed out. */
    public static HandshakeFailure connectTimeout(String authority, Duration connectTimeout) {
        return new HandshakeFailure(504, "connection_timeout", "connecting to " + authority + " timed out after "
                + Formats.duration(connectTimeout), List.of());
    }

    /**
     * 503 at accept when handshakes + tunnels reach {@code --max-connections}; with {@code Retry-After} when
     * {@code retryAfterSeconds > 0}.
     */
    public static HandshakeFailure connectionLimit(int maxConnections, int retryAfterSeconds) {
        return new HandshakeFailure(503, "connection_limit_reached", "the proxy is at its limit of "
                + maxConnections + " connections (--max-connections); try again later", retryAfter(retryAfterSeconds));
    }

    /** 503 when one client address already holds its share of the proxy's connections. */
    public static HandshakeFailure clientConnectionLimit(int maxPerClient, int retryAfterSeconds) {
        return new HandshakeFailure(503, "connection_limit_reached", "this client address already has "
                + maxPerClient + " connections open, the most one client may hold (--max-connections-per-client); "
                + "try again later", retryAfter(retryAfterSeconds));
    }

    /** 503 when too many name lookups are in flight; {@code why} names the bound that was reached. */
    public static HandshakeFailure lookupLimit(String why) {
        return new HandshakeFailure(503, "proxy_internal_response", why + "; try again later", retryAfter(1));
    }

    /** 503 for any other local refusal (e.g. the proxy is shutting down), optionally with {@code Retry-After}. */
    public static HandshakeFailure unavailable(String message, int retryAfterSeconds) {
        return new HandshakeFailure(503, "proxy_internal_response", message, retryAfter(retryAfterSeconds));
    }

    /**
     * 407 with {@code Proxy-Authenticate: Basic realm="fyntr"} (docs/auth.md): the proxy requires credentials and
     * the request carried none, or wrong ones; {@code message} says which.
     */
    public static HandshakeFailure proxyAuthenticationRequired(String message) {
        return new HandshakeFailure(407, "http_request_denied", message,
                List.of("Proxy-Authenticate: Basic realm=\"fyntr\""));
    }

    /** 429 with {@code Retry-After}: this client address failed to authenticate too often (docs/auth.md). */
    public static HandshakeFailure tooManyAuthenticationFailures(int failures, int retryAfterSeconds) {
        return new HandshakeFailure(429, "http_request_denied", "this client address sent wrong credentials "
                + failures + " times in a row; try again in " + retryAfterSeconds + " s", retryAfter(retryAfterSeconds));
    }

    /** A compact form for logs: {@code 403 destination_ip_prohibited: 10.1.2.3 is in ...}. */
    @Override
    public String toString() {
        return status + " " + proxyStatusError + ": " + message;
    }

    private static List<String> retryAfter(int seconds) {
        return seconds > 0 ? List.of("Retry-After: " + seconds) : List.of();
    }
}
