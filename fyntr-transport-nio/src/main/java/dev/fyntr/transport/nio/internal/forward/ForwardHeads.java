package dev.fyntr.transport.nio.internal.forward;

import dev.fyntr.transport.nio.internal.handshake.PlainRequest;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The heads the proxy sends on for a plain-HTTP exchange (docs/plain-http.md#headers): the request in origin form
 * with {@code Host} from the URI, and the response; both without the hop-by-hop fields (RFC 9110 §7.6.1: those
 * {@code Connection} names, {@code Connection} itself, {@code Proxy-Connection}, {@code Keep-Alive}, {@code TE},
 * {@code Trailer}, {@code Transfer-Encoding}, {@code Upgrade}, {@code Proxy-Authorization} and
 * {@code Proxy-Authenticate}), with {@code Transfer-Encoding: chunked} again when the body is chunked and a
 * {@code Via} field added. Field names go out in lower case. Pure functions, any thread; once per exchange, so they
 * may allocate.
 */
final class ForwardHeads {

    /** Names this hop in {@code Via} (RFC 9110 §7.6.3), as it does in {@code Proxy-Status}. */
    static final String VIA_NAME = "fyntr";

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "proxy-connection", "keep-alive", "te",
            "trailer", "transfer-encoding", "upgrade", "proxy-authorization", "proxy-authenticate");

    private ForwardHeads() {
    }

    /** How a response body is delimited. */
    enum Framing {
        /** No body: HEAD, 1xx, 204, 304, or {@code Content-Length: 0}. */
        NONE,
        /** {@code Content-Length}. */
        LENGTH,
        /** {@code Transfer-Encoding: chunked}, forwarded as it is. */
        CHUNKED,
        /** Until the upstream closes: the client's connection closes too. */
        CLOSE
    }

    /**
     * The request head for the upstream: {@code METHOD /path HTTP/1.x}, {@code Host} from the URI, the client's
     * fields without the hop-by-hop ones and without {@code Host}, then {@code Transfer-Encoding: chunked} for a
     * chunked body and {@code Via}. The client's HTTP version is kept, so that an HTTP/1.0 client never gets a
     * chunked response.
     */
    static byte[] request(PlainRequest r) {
        Set<String> drop = connectionNames(r.headers());
        StringBuilder sb = new StringBuilder(256 + 64 * r.headers().size());
        sb.append(r.method()).append(' ').append(r.originForm()).append(' ').append(r.version()).append("\r\n");
        sb.append("host: ").append(r.hostHeader()).append("\r\n");
        for (Map.Entry<String, String> h : r.headers()) {
            String name = h.getKey();
            if (!name.equals("host") && !HOP_BY_HOP.contains(name) && !drop.contains(name)) {
                sb.append(name).append(": ").append(h.getValue()).append("\r\n");
            }
        }
        if (r.chunked()) {
            sb.append("transfer-encoding: chunked\r\n");
        }
        sb.append("via: ").append(r.version().substring(5)).append(' ').append(VIA_NAME).append("\r\n\r\n");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * The response head for the client: the upstream's status and fields without the hop-by-hop ones (and without
     * {@code Content-Length} when the body is chunked), then {@code Transfer-Encoding: chunked} for a chunked body,
     * {@code Via}, and {@code Connection: close} when the client's connection ends after this response.
     */
    static byte[] response(ResponseHead h, Framing framing, boolean closeAfter) {
        Set<String> drop = connectionNames(h.headers());
        StringBuilder sb = new StringBuilder(256 + 64 * h.headers().size());
        sb.append("HTTP/1.1 ").append(h.status()).append(' ').append(h.reason()).append("\r\n");
        for (Map.Entry<String, String> f : h.headers()) {
            String name = f.getKey();
            if (HOP_BY_HOP.contains(name) || drop.contains(name)
                    || (framing == Framing.CHUNKED && name.equals("content-length"))) {
                continue;
            }
            sb.append(name).append(": ").append(f.getValue()).append("\r\n");
        }
        if (framing == Framing.CHUNKED) {
            sb.append("transfer-encoding: chunked\r\n");
        }
        sb.append("via: ").append(h.version().substring(5)).append(' ').append(VIA_NAME).append("\r\n");
        if (closeAfter) {
            sb.append("connection: close\r\n");
        }
        sb.append("\r\n");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The field names listed in {@code Connection} (lower case): hop-by-hop too. */
    static Set<String> connectionNames(List<Map.Entry<String, String>> headers) {
        Set<String> names = new HashSet<>();
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equals("connection")) {
                for (String token : h.getValue().split(",")) {
                    String t = token.strip().toLowerCase(Locale.ROOT);
                    if (!t.isEmpty()) {
                        names.add(t);
                    }
                }
            }
        }
        return names;
    }

    /** Whether {@code Connection} lists {@code close}. */
    static boolean saysClose(List<Map.Entry<String, String>> headers) {
        return connectionNames(headers).contains("close");
    }
}
