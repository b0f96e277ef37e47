package dev.fyntr.transport.nio.internal.net;


import java.net.IDN;
import java.net.InetAddress;
import java.util.Locale;

/**
 * A validated CONNECT destination (docs/policy-and-errors.md#targets).
 *
 * @param host    an ASCII lower-case DNS name without trailing dot, or the canonical text of an IP literal
 *                ({@code 192.0.2.1}, {@code 2001:db8::1}; RFC 5952 for IPv6, without brackets)
 * @param port    1-65535
 * @param literal the address when the target is an IP literal (never resolved), else {@code null}.
 *                An IPv4-mapped literal {@code [::ffff:192.0.2.1]} is the IPv4 address.
 */
public record ConnectTarget(String host, int port, InetAddress literal) {

    private static final int MAX_NAME_LENGTH = 253;
    private static final int MAX_LABEL_LENGTH = 63;

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
     * Validates a host and port given separately (SOCKS5 domain names, tests): a DNS name (IDNA → ASCII lower
     * case) or a strict dotted quad; IPv6 literals without brackets.
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
        if (host.isEmpty()) {
            throw fail(shown, "the host is empty");
        }
        boolean ascii = host.chars().allMatch(c -> c < 0x80);
        String name;
        if (ascii) {
            name = host.toLowerCase(Locale.ROOT);
        } else {
            try {
                name = IDN.toASCII(host).toLowerCase(Locale.ROOT);
            } catch (IllegalArgumentException e) {
                throw fail(shown, "the host is not a valid internationalized domain name");
            }
        }
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1); // one trailing dot: the root, same name
        }
        if (name.isEmpty()) {
            throw fail(shown, "the host is empty");
        }
        if (looksNumeric(name)) {
            byte[] v4 = ascii ? Addresses.parseLiteral(name) : null;
            if (v4 == null || v4.length != 4) {
                throw fail(shown, "a numeric host must be a dotted-quad IPv4 address such as 192.0.2.1"
                        + " (forms like 127.1, 0x7f000001 or 0177.0.0.1 are refused)");
            }
            return new ConnectTarget(Addresses.toText(v4), port, Addresses.literal(name));
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw fail(shown, "the host name is longer than " + MAX_NAME_LENGTH + " characters");
        }
        int start = 0;
        while (start <= name.length()) {
            int dot = name.indexOf('.', start);
            int end = dot < 0 ? name.length() : dot;
            checkLabel(shown, name, start, end);
            if (dot < 0) {
                break;
            }
            start = dot + 1;
        }
        return new ConnectTarget(name, port, null);
    }

    private static void checkLabel(String shown, String name, int start, int end) throws HandshakeFailureException {
        int length = end - start;
        if (length == 0) {
            throw fail(shown, "the host has an empty label");
        }
        String label = name.substring(start, end);
        if (length > MAX_LABEL_LENGTH) {
            throw fail(shown, "the label " + LogSafe.quote(label, 20) + " is longer than " + MAX_LABEL_LENGTH
                    + " characters");
        }
        for (int i = start; i < end; i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
            if (!ok) {
                throw fail(shown, "the label " + LogSafe.quote(label, 70)
                        + " may only contain letters, digits and '-'");
            }
        }
        if (name.charAt(start) == '-' || name.charAt(end - 1) == '-') {
            throw fail(shown, "the label " + LogSafe.quote(label, 70) + " starts or ends with '-'");
        }
    }

    /**
     * Whether a resolver could read the name as an IPv4 address: its last label is all decimal digits, or
     * {@code 0x} followed by hex digits (the WHATWG URL "ends in a number" rule). No top-level domain is numeric.
     */
    private static boolean looksNumeric(String name) {
        String last = name.substring(name.lastIndexOf('.') + 1);
        if (last.isEmpty()) {
            return false;
        }
        if (last.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return true;
        }
        return last.length() >= 2 && last.charAt(0) == '0' && last.charAt(1) == 'x'
                && last.chars().skip(2).allMatch(c -> Character.digit(c, 16) >= 0);
    }

    private static int parsePort(String target, String text) throws HandshakeFailureException {
        if (text.isEmpty()) {
            throw fail(target, "the port is missing");
        }
        if (text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
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
