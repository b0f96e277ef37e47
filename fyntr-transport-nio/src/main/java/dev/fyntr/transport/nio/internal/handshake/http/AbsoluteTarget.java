package dev.fyntr.transport.nio.internal.handshake.http;

import dev.fyntr.transport.nio.internal.net.ConnectTarget;
import dev.fyntr.transport.nio.internal.net.HandshakeFailure;
import dev.fyntr.transport.nio.internal.net.HandshakeFailureException;
import dev.fyntr.transport.nio.internal.net.LogSafe;

import java.util.Locale;

/**
 * The request target of a plain-HTTP request in absolute form (RFC 9112 §3.2.2), split into the origin to dial,
 * the origin-form path to send it and the {@code Host} value (docs/plain-http.md#what-is-accepted).
 *
 * @param target     host and port, validated like a CONNECT target (port 80 when the URI names none)
 * @param originForm path and query, {@code /} when empty
 * @param hostHeader the URI's authority as the origin is told it: the port only when it is not 80
 */
public record AbsoluteTarget(ConnectTarget target, String originForm, String hostHeader) {

    /** The port of an {@code http} URI that names none. */
    public static final int DEFAULT_PORT = 80;

    /**
     * Parses {@code http://host[:port][/path][?query]}.
     *
     * @throws HandshakeFailureException 501 for {@code https://} (the proxy never originates TLS: use CONNECT);
     *                                   400 for origin form ({@code /x}), another scheme, user info, a fragment,
     *                                   non-ASCII characters, or a bad host or port
     */
    public static AbsoluteTarget parse(String uri) throws HandshakeFailureException {
        if (uri.startsWith("/") || uri.equals("*")) {
            throw bad(uri, "this is a proxy: the request line must carry the absolute URI (GET http://host/path"
                    + " HTTP/1.1), as clients send it when the proxy is set as HTTP_PROXY");
        }
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c <= 0x20 || c >= 0x7F) {
                throw bad(uri, "a URI must be ASCII without spaces or control characters (percent-encode the rest)");
            }
        }
        int colon = uri.indexOf(':');
        String scheme = colon > 0 ? uri.substring(0, colon).toLowerCase(Locale.ROOT) : "";
        if (scheme.equals("https") && uri.startsWith("//", colon + 1)) {
            throw new HandshakeFailureException(HandshakeFailure.notImplemented("this proxy does not originate TLS: "
                    + LogSafe.quote(uri, 100) + " is an https URI; use CONNECT (set the proxy as HTTPS_PROXY)"));
        }
        if (!scheme.equals("http") || !uri.startsWith("//", colon + 1)) {
            throw bad(uri, "only http:// URIs are forwarded (https goes through CONNECT)");
        }
        if (uri.indexOf('#') >= 0) {
            throw bad(uri, "a fragment ('#') is never sent to a server");
        }
        int start = colon + 3;
        int end = start;
        while (end < uri.length() && uri.charAt(end) != '/' && uri.charAt(end) != '?') {
            end++;
        }
        String authority = uri.substring(start, end);
        if (authority.indexOf('@') >= 0) {
            throw bad(uri, "user info ('user@') is not accepted in a URI");
        }
        if (authority.isEmpty()) {
            throw bad(uri, "the host is missing");
        }
        String rest = uri.substring(end);
        String originForm = rest.isEmpty() ? "/" : rest.charAt(0) == '?' ? "/" + rest : rest;
        boolean hasPort = authority.endsWith("]") ? false : authority.lastIndexOf(':') > authority.lastIndexOf(']');
        String withPort = !hasPort ? authority + ":" + DEFAULT_PORT
                : authority.endsWith(":") ? authority + DEFAULT_PORT : authority;
        ConnectTarget target;
        try {
            target = ConnectTarget.parse(withPort);
        } catch (HandshakeFailureException e) {
            throw bad(uri, "bad host or port (" + e.failure().message() + ")");
        }
        String host = target.host().indexOf(':') >= 0 ? "[" + target.host() + "]" : target.host();
        return new AbsoluteTarget(target, originForm, target.port() == DEFAULT_PORT ? host : host + ":" + target.port());
    }

    private static HandshakeFailureException bad(String uri, String why) {
        return new HandshakeFailureException(HandshakeFailure.badRequest("bad request URI " + LogSafe.quote(uri, 100)
                + ": " + why));
    }
}
