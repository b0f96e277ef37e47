package dev.fyntr.transport.nio.internal.handshake;

import dev.fyntr.transport.nio.internal.net.ConnectTarget;

import java.util.List;
import java.util.Map;

/**
 * A validated plain-HTTP request head in absolute form ({@code GET http://example.com/x HTTP/1.1}), as the
 * parser leaves it for the forwarding side (docs/plain-http.md). Immutable.
 *
 * @param method        the method token, as sent
 * @param target        the origin: host (canonical) and port (80 when the URI names none)
 * @param originForm    the path and query to send upstream, {@code /} when the URI has no path
 * @param hostHeader    the {@code Host} value sent upstream, taken from the URI (the port only when it is not 80)
 * @param version       {@code HTTP/1.1} or {@code HTTP/1.0}
 * @param headers       every header field in order, names in lower case, values trimmed
 * @param contentLength the body's length from {@code Content-Length}, or -1 when there is none
 * @param chunked       whether the body is {@code Transfer-Encoding: chunked}
 * @param keepAlive     whether the client wants the connection kept open after the response
 */
public record PlainRequest(String method, ConnectTarget target, String originForm, String hostHeader, String version,
                           List<Map.Entry<String, String>> headers, long contentLength, boolean chunked,
                           boolean keepAlive) {

    public PlainRequest {
        headers = List.copyOf(headers);
    }

    /** Whether a body follows the head. */
    public boolean hasBody() {
        return chunked || contentLength > 0;
    }

    /** Whether the response to this request has no body whatever its headers say (RFC 9110 §9.3.2). */
    public boolean isHead() {
        return method.equals("HEAD");
    }

    /** The first value of a header field (name in lower case), or {@code null}. */
    public String header(String lowerCaseName) {
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equals(lowerCaseName)) {
                return h.getValue();
            }
        }
        return null;
    }
}
