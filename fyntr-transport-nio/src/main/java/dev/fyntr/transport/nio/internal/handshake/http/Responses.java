package dev.fyntr.transport.nio.internal.handshake.http;

import dev.fyntr.transport.nio.internal.net.HandshakeFailure;
import dev.fyntr.transport.nio.internal.net.LogSafe;

import java.nio.charset.StandardCharsets;

/**
 * The proxy's own HTTP responses, as bytes ready to write. Pure functions, any thread. Handshake-time only,
 * so allocating a fresh array per call is fine and keeps callers from sharing a mutable constant.
 */
public final class Responses {

    private static final byte[] ESTABLISHED =
            "HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** Names this hop in {@code Proxy-Status} (RFC 9209 §2: an sf-token identifying the intermediary). */
    public static final String PROXY_NAME = "fyntr";

    private Responses() {
    }

    /** {@code HTTP/1.1 200 Connection Established\r\n\r\n}: then the tunnel starts. */
    public static byte[] established() {
        return ESTABLISHED.clone();
    }

    /**
     * A complete HTTP/1.1 error response that ends the connection:
     * <pre>
     * HTTP/1.1 403 Forbidden
     * Proxy-Status: fyntr; error=destination_ip_prohibited; details="10.1.2.3 is in ..."
     * Content-Type: text/plain; charset=utf-8
     * Content-Length: 74
     * Connection: close
     * (extra headers, e.g. Allow: CONNECT)
     *
     * 10.1.2.3 is in ...
     * </pre>
     * Lines end in CRLF; the body is the message and one LF.
     */
    public static byte[] error(HandshakeFailure f) {
        byte[] body = (f.message() + "\n").getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(256 + f.message().length() * 2);
        sb.append("HTTP/1.1 ").append(f.status()).append(' ').append(reasonPhrase(f.status())).append("\r\n");
        sb.append("Proxy-Status: ").append(PROXY_NAME).append("; error=").append(f.proxyStatusError())
                .append("; details=").append(sfString(f.message())).append("\r\n");
        sb.append("Content-Type: text/plain; charset=utf-8\r\n");
        sb.append("Content-Length: ").append(body.length).append("\r\n");
        sb.append("Connection: close\r\n");
        for (String h : f.extraHeaders()) {
            sb.append(h).append("\r\n");
        }
        sb.append("\r\n");
        byte[] head = sb.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[head.length + body.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(body, 0, out, head.length, body.length);
        return out;
    }

    /** The standard reason phrase of a status the proxy sends (RFC 9110 §15), or {@code Error}. */
    public static String reasonPhrase(int status) {
        return switch (status) {
            case 200 -> "Connection Established";
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 405 -> "Method Not Allowed";
            case 407 -> "Proxy Authentication Required";
            case 408 -> "Request Timeout";
            case 414 -> "URI Too Long";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 505 -> "HTTP Version Not Supported";
            default -> "Error";
        };
    }

    /**
     * RFC 8941 §3.3.3 sf-string: in double quotes, {@code \} and {@code "} escaped by a backslash, only
     * printable ASCII allowed. Anything else (never present in a sanitized message) becomes {@code ?}.
     */
    static String sfString(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (LogSafe.isPrintableAscii(c)) {
                sb.append(c);
            } else {
                sb.append('?');
            }
        }
        return sb.append('"').toString();
    }
}
