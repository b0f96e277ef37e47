package dev.fyntr.transport.nio.internal.net;

import java.net.InetAddress;

/**
 * A validated CONNECT destination (docs/policy-and-errors.md#targets).
 *
 * @param host    a DNS name in the one canonical form of {@link HostNames#canonical} (ASCII, lower case, without
 *                the trailing dot), or the canonical text of an IP literal
 *                ({@code 192.0.2.1}, {@code 2001:db8::1}; RFC 5952 for IPv6, without brackets)
 * @param port    1-65535
 * @param literal the address when the target is an IP literal (never resolved), else {@code null}.
 *                An IPv4-mapped literal {@code [::ffff:192.0.2.1]} is the IPv4 address.
 */
public record ConnectTarget(String host, int port, InetAddress literal) {

    public ConnectTarget {
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("empty host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535: " + port);
        }
    }

    /** Whether the target is an IP literal, which is never resolved. */
    public boolean isLiteral() {
        return literal != null;
    }

    /** The target for logs and messages: {@code example.com:443}, {@code 192.0.2.1:443}, {@code [::1]:443}. */
    public String authority() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return authority();
    }

    /**
     * Parses the request target of a CONNECT in authority form, {@code host:port}.
     *
     * @throws HandshakeFailureException with a 400 for a missing or bad port, a URL, an unbracketed IPv6
     *                                   literal, whitespace or control characters, user info, an empty host,
     *                                   a bad DNS label, or a numeric-looking name that is not a strict dotted
     *                                   quad ({@code 127.1}, {@code 0x7f000001}, {@code 2130706433},
     *                                   {@code 0177.0.0.1}: resolvers turn those into addresses that would
     *                                   bypass the IP policy)
     */
    public static ConnectTarget parse(String authorityForm) throws HandshakeFailureException {
        String t = authorityForm;
        if (t == null || t.isEmpty()) {
            throw fail("", "it is empty");
        }
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c <= 0x20 || c == 0x7F || Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                throw fail(t, "it contains whitespace or a control character");
            }
        }
        if (t.contains("://")) {
            throw fail(t, "a URL is not a CONNECT target");
        }
        if (t.indexOf('/') >= 0 || t.indexOf('?') >= 0 || t.indexOf('#') >= 0) {
            throw fail(t, "it contains a path, query or fragment");
        }
        if (t.indexOf('@') >= 0) {
            throw fail(t, "user info ('user@') is not accepted");
        }
        if (t.charAt(0) == '[') {
            int close = t.indexOf(']');
            if (close < 0) {
                throw fail(t, "the '[' of the IPv6 literal is not closed");
            }
            String inner = t.substring(1, close);
            if (inner.indexOf('%') >= 0) {
                throw fail(t, "IPv6 zone ids are not accepted");
            }
            byte[] bytes = inner.indexOf(':') >= 0 ? Addresses.parseLiteral(inner) : null;
            if (bytes == null) {
                throw fail(t, "the text in brackets is not an IPv6 address");
            }
            if (close + 1 >= t.length() || t.charAt(close + 1) != ':') {
                throw fail(t, "the port is missing");
            }
            int port = parsePort(t, t.substring(close + 2));
            return new ConnectTarget(Addresses.toText(bytes), port, Addresses.literal(inner));
        }
        if (t.indexOf('[') >= 0 || t.indexOf(']') >= 0) {
            throw fail(t, "brackets are only allowed around an IPv6 literal");
        }
        int colon = t.lastIndexOf(':');
        if (colon < 0) {
            throw fail(t, "the port is missing");
        }
        String host = t.substring(0, colon);
        if (host.indexOf(':') >= 0) {
            throw fail(t, "an IPv6 literal must be in brackets, e.g. [2001:db8::1]:443");
        }
        int port = parsePort(t, t.substring(colon + 1));
        return of(host, port, t);
    }

    /**
     * Validates a host and port given separately (SOCKS5 domain names, tests): a DNS name
     * ({@link HostNames#canonical}) or a strict dotted quad; IPv6 literals without brackets.
     *
     * @throws HandshakeFailureException with a 400, as {@link #parse}
     */
    public static ConnectTarget of(String host, int port) throws HandshakeFailureException {
        String shown = (host == null ? "" : host) + ":" + port;
        if (port < 1 || port > 65535) {
            throw fail(shown, "port " + port + " is out of range 1-65535");
        }
        if (host != null && host.indexOf(':') >= 0) {
            byte[] bytes = host.indexOf('%') >= 0 ? null : Addresses.parseLiteral(host);
            if (bytes == null) {
                throw fail(shown, "the host is not an IPv6 address");
            }
            return new ConnectTarget(Addresses.toText(bytes), port, Addresses.literal(host));
        }
        return of(host == null ? "" : host, port, shown);
    }

    /**
     * A target given as an address (SOCKS5 IPv4/IPv6 requests), like {@link #parse} of its bracketed text: the
     * host is the canonical text of the address given ({@code ::ffff:192.0.2.1} for a mapped one), the
     * literal is the address without any host name, IPv4 for a mapped one. No lookup is made.
     *
     * @throws HandshakeFailureException with a 400 if the port is out of range
     */
    public static ConnectTarget ofAddress(InetAddress address, int port) throws HandshakeFailureException {
        byte[] bytes = address.getAddress();
        InetAddress literal = Addresses.toInetAddressWithoutName(bytes);
        if (port < 1 || port > 65535) {
            throw fail(Addresses.toText(bytes) + ":" + port, "port " + port + " is out of range 1-65535");
        }
        return new ConnectTarget(Addresses.toText(bytes), port, literal);
    }

    private static ConnectTarget of(String host, int port, String shown) throws HandshakeFailureException {
        String name;
        try {
            name = HostNames.canonical(host);
        } catch (HostNames.InvalidHostNameException e) {
            throw fail(shown, e.getMessage());
        }
        if (HostNames.looksNumeric(name)) {
            byte[] v4 = numericHostAddress(host, name);
            if (v4 == null) {
                throw fail(shown, "a numeric host must be a dotted-quad IPv4 address such as 192.0.2.1"
                        + " (forms like 127.1, 0x7f000001 or 0177.0.0.1 are refused)");
            }
            return new ConnectTarget(Addresses.toText(v4), port, Addresses.literal(name));
        }
        return new ConnectTarget(name, port, null);
    }

    /**
     * The address of a host name that {@link HostNames#looksNumeric looks numeric}: a strict dotted quad written
     * in ASCII ({@code 192.0.2.1}, one trailing dot allowed), else {@code null}, and the name must be refused
     * ({@code 127.1}, {@code 0x7f000001}, full-width digits: a resolver would read them as some address).
     *
     * @param written   the name as the client wrote it
     * @param canonical its {@link HostNames#canonical} form
     */
    public static byte[] numericHostAddress(String written, String canonical) {
        byte[] v4 = HostNames.isAscii(written) ? Addresses.parseLiteral(canonical) : null;
        return v4 != null && v4.length == 4 ? v4 : null;
    }

    private static int parsePort(String target, String text) throws HandshakeFailureException {
        if (text.isEmpty()) {
            throw fail(target, "the port is missing");
        }
        if (text.length() > 5 || !HostNames.allDigits(text, 0, text.length())) {
            throw fail(target, "the port must be a number 1-65535");
        }
        int port = Integer.parseInt(text);
        if (port < 1 || port > 65535) {
            throw fail(target, "port " + port + " is out of range 1-65535");
        }
        return port;
    }

    private static HandshakeFailureException fail(CharSequence target, String reason) {
        return new HandshakeFailureException(HandshakeFailure.badTarget(target, reason));
    }
}
