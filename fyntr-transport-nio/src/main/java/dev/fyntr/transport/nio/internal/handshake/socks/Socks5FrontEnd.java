package dev.fyntr.transport.nio.internal.handshake.socks;

import dev.fyntr.api.spi.FlowInfo;
import dev.fyntr.transport.nio.internal.auth.AuthDecision;
import dev.fyntr.transport.nio.internal.auth.ProxyAuthenticator;
import dev.fyntr.transport.nio.internal.handshake.FrontEnd;
import dev.fyntr.transport.nio.internal.net.Addresses;
import dev.fyntr.transport.nio.internal.net.ConnectTarget;
import dev.fyntr.transport.nio.internal.net.HandshakeFailure;
import dev.fyntr.transport.nio.internal.net.HandshakeFailureException;
import dev.fyntr.transport.nio.internal.net.HostNames;
import dev.fyntr.transport.nio.internal.net.LogSafe;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * SOCKS5 (RFC 1928) as a {@link FrontEnd}: method negotiation, then a CONNECT request for an IPv4, IPv6 or
 * domain-name destination (docs/threats-and-socks5.md#protocol). Without an auth file the only method is "no
 * authentication" (0x00); with one, the only method is username/password (0x02, RFC 1929, docs/auth.md#socks5),
 * checked against the same users as HTTP's {@code Proxy-Authorization}.
 *
 * <pre>
 * client: 05 NMETHODS METHODS...            proxy: 05 00   (or 05 FF: no acceptable method, then close)
 * client: 05 CMD 00 ATYP DST.ADDR DST.PORT  proxy: 05 REP 00 ATYP BND.ADDR BND.PORT
 *
 * with authentication:
 * client: 05 NMETHODS METHODS...            proxy: 05 02   (or 05 FF when 02 is not offered, then close)
 * client: 01 ULEN UNAME PLEN PASSWD         proxy: 01 00   (or 01 01: refused, then close)
 * client: 05 CMD 00 ATYP ...                (as above)
 * </pre>
 *
 * <p>Reply codes: 0x00 success, carrying the upstream socket's local address; 0x01 general failure (a
 * malformed request, the connection limit, the handshake timeout); 0x02 refused by policy or a
 * threat feed; 0x03 network unreachable; 0x04 host unreachable, for a DNS failure, an unreachable host and
 * also a connect timeout (RFC 1928's "TTL expired", 0x06, is about IP hop limits, and clients print it
 * verbatim, which misleads; the proxy's log line has the precise cause); 0x05 connection refused; 0x07
 * command not supported (BIND, UDP ASSOCIATE, anything else); 0x08 address type not supported, also for
 * domain names a resolver would read as an address ({@code 127.1}, {@code 0x7f000001}, {@code 2130706433},
 * full-width digits), so that the IP policy cannot be bypassed through the resolver.
 *
 * <p>Failures that arise before the greeting was answered (the connection limit is checked at accept, and
 * the handshake timeout may strike first) are answered {@code 05 00} followed by the failure reply: a client
 * reads the method selection, sends its request and then reads the failure, so it reports "general failure"
 * rather than a bare disconnect, and the proxy never has to read the request. A SOCKS4 client gets the SOCKS4
 * "request rejected" reply; any other first byte gets no reply, just the close.
 */
public final class Socks5FrontEnd implements FrontEnd {

    public static final int SUCCEEDED = 0x00;
    public static final int GENERAL_FAILURE = 0x01;
    public static final int NOT_ALLOWED = 0x02;
    public static final int NETWORK_UNREACHABLE = 0x03;
    public static final int HOST_UNREACHABLE = 0x04;
    public static final int CONNECTION_REFUSED = 0x05;
    public static final int COMMAND_NOT_SUPPORTED = 0x07;
    public static final int ADDRESS_TYPE_NOT_SUPPORTED = 0x08;

    private static final byte VERSION = 5;
    private static final int NO_AUTHENTICATION = 0x00;
    private static final int USERNAME_PASSWORD = 0x02;
    private static final byte AUTH_VERSION = 1;
    private static final int NO_ACCEPTABLE_METHOD = 0xFF;
    private static final int CMD_CONNECT = 1;
    private static final int ATYP_IPV4 = 1;
    private static final int ATYP_DOMAIN = 3;
    private static final int ATYP_IPV6 = 4;

    private enum Phase {
        GREETING, METHODS, AUTH_HEAD, AUTH_USER, AUTH_PASSWORD, AUTHENTICATING, REQUEST, DOMAIN_LENGTH, ADDRESS, DONE,
        FAILED
    }

    private final boolean requireAuthentication;
    /** The RFC 1929 credentials until they are checked. */
    private String user;
    private char[] password;

    /** The longest piece parsed at once: a 255-byte domain name and the port. */
    private final byte[] acc = new byte[255 + 2];
    private int have;
    private int need = 2;
    private Phase phase = Phase.GREETING;
    private int addressType;
    private boolean greeted;
    private byte[] interim;
    private ConnectTarget target;
    private HandshakeFailure failure;
    /** The reply for {@link #failure} when parsing chose it (0x07, 0x08, 05 FF …); null: map the status. */
    private byte[] parseFailureReply;

    /** Without authentication: method 0x00 only. */
    public Socks5FrontEnd() {
        this(false);
    }

    /** @param requireAuthentication offer username/password (0x02) only, instead of "no authentication" */
    public Socks5FrontEnd(boolean requireAuthentication) {
        this.requireAuthentication = requireAuthentication;
    }

    @Override
    public Progress feed(ByteBuffer in) {
        if (phase == Phase.AUTHENTICATING) {
            return Progress.AUTHENTICATE;
        }
        // Bounded: each pass consumes at least one byte or ends the handshake.
        while (phase != Phase.DONE && phase != Phase.FAILED && phase != Phase.AUTHENTICATING && in.hasRemaining()) {
            int take = Math.min(need - have, in.remaining());
            in.get(acc, have, take);
            have += take;
            if (have == need) {
                step();
            }
        }
        return switch (phase) {
            case DONE -> Progress.COMPLETE;
            case FAILED -> Progress.FAILED;
            case AUTHENTICATING -> Progress.AUTHENTICATE;
            default -> Progress.NEED_MORE;
        };
    }

    private void step() {
        int n = need;
        have = 0;
        switch (phase) {
            case GREETING -> greeting();
            case METHODS -> methods(n);
            case AUTH_HEAD -> {
                if (acc[0] != AUTH_VERSION) {
                    authFailed("the SOCKS5 username/password request has version 0x" + hex(acc[0] & 0xFF)
                            + "; RFC 1929 is version 0x01");
                    return;
                }
                phase = Phase.AUTH_USER;
                need = (acc[1] & 0xFF) + 1; // the name and PLEN
            }
            case AUTH_USER -> {
                user = new String(acc, 0, n - 1, StandardCharsets.UTF_8);
                int length = acc[n - 1] & 0xFF;
                if (length == 0) {
                    password = new char[0];
                    phase = Phase.AUTHENTICATING;
                } else {
                    phase = Phase.AUTH_PASSWORD;
                    need = length;
                }
            }
            case AUTH_PASSWORD -> {
                java.nio.CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(acc, 0, n));
                password = java.util.Arrays.copyOf(chars.array(), chars.limit());
                java.util.Arrays.fill(chars.array(), '\0');
                java.util.Arrays.fill(acc, (byte) 0);
                phase = Phase.AUTHENTICATING;
            }
            case REQUEST -> request();
            case DOMAIN_LENGTH -> {
                int length = acc[0] & 0xFF;
                if (length == 0) {
                    fail(GENERAL_FAILURE, "the SOCKS5 request has an empty domain name");
                } else {
                    phase = Phase.ADDRESS;
                    need = length + 2;
                }
            }
            case ADDRESS -> address(n);
            default -> throw new IllegalStateException(phase.name());
        }
    }

    private void greeting() {
        int version = acc[0] & 0xFF;
        if (version != VERSION) {
            phase = Phase.FAILED;
            if (version == 4) {
                failure = HandshakeFailure.badRequest("SOCKS4 is not supported; use SOCKS5 (e.g. curl --socks5-hostname)");
                parseFailureReply = new byte[] {0, 0x5B, 0, 0, 0, 0, 0, 0}; // SOCKS4: request rejected
            } else {
                failure = HandshakeFailure.badRequest("not a SOCKS5 greeting: the first byte is 0x"
                        + hex(version) + (version == 'C' ? " (an HTTP CONNECT? use the HTTP port)" : ""));
                parseFailureReply = new byte[0];
            }
            return;
        }
        int methods = acc[1] & 0xFF;
        if (methods == 0) {
            noAcceptableMethod("none");
            return;
        }
        phase = Phase.METHODS;
        need = methods;
    }

    private void methods(int count) {
        int wanted = requireAuthentication ? USERNAME_PASSWORD : NO_AUTHENTICATION;
        for (int i = 0; i < count; i++) {
            if ((acc[i] & 0xFF) == wanted) {
                greeted = true;
                interim = new byte[] {VERSION, (byte) wanted};
                phase = requireAuthentication ? Phase.AUTH_HEAD : Phase.REQUEST;
                need = requireAuthentication ? 2 : 4;
                return;
            }
        }
        StringBuilder offered = new StringBuilder();
        for (int i = 0; i < count && i < 8; i++) {
            offered.append(i == 0 ? "0x" : ", 0x").append(hex(acc[i] & 0xFF));
        }
        noAcceptableMethod(count > 8 ? offered + ", ..." : offered.toString());
    }

    private void noAcceptableMethod(String offered) {
        phase = Phase.FAILED;
        failure = requireAuthentication
                ? HandshakeFailure.proxyAuthenticationRequired("no acceptable SOCKS5 authentication method: this proxy"
                + " requires username/password (0x02); the client offered " + offered)
                : HandshakeFailure.badRequest("no acceptable SOCKS5 authentication method: this proxy offers only"
                + " 'no authentication' (0x00); the client offered " + offered);
        parseFailureReply = new byte[] {VERSION, (byte) NO_ACCEPTABLE_METHOD};
    }

    private void request() {
        if ((acc[0] & 0xFF) != VERSION) {
            fail(GENERAL_FAILURE, "the SOCKS5 request has version 0x" + hex(acc[0] & 0xFF));
            return;
        }
        int command = acc[1] & 0xFF;
        if (command != CMD_CONNECT) {
            String name = switch (command) {
                case 2 -> "BIND";
                case 3 -> "UDP ASSOCIATE";
                default -> "0x" + hex(command);
            };
            fail(COMMAND_NOT_SUPPORTED, "SOCKS5 command " + name + " is not supported; only CONNECT");
            return;
        }
        // acc[2] is RSV: RFC 1928 says 0, and nothing depends on it; be liberal in what we accept.
        addressType = acc[3] & 0xFF;
        switch (addressType) {
            case ATYP_IPV4 -> {
                phase = Phase.ADDRESS;
                need = 4 + 2;
            }
            case ATYP_IPV6 -> {
                phase = Phase.ADDRESS;
                need = 16 + 2;
            }
            case ATYP_DOMAIN -> {
                phase = Phase.DOMAIN_LENGTH;
                need = 1;
            }
            default -> fail(ADDRESS_TYPE_NOT_SUPPORTED, "SOCKS5 address type 0x" + hex(addressType)
                    + " is not supported; use IPv4 (1), domain name (3) or IPv6 (4)");
        }
    }

    private void address(int n) {
        int port = (acc[n - 2] & 0xFF) << 8 | (acc[n - 1] & 0xFF);
        String host;
        if (addressType == ATYP_DOMAIN) {
            try {
                host = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(acc, 0, n - 2)).toString();
            } catch (CharacterCodingException e) {
                fail(GENERAL_FAILURE, "the SOCKS5 domain name " + LogSafe.quote(acc, 0, n - 2, 100)
                        + " is not valid UTF-8");
                return;
            }
            // An IPv6 literal written as a name ("::1") is left to ConnectTarget, which reads it as one.
            if (host.indexOf(':') < 0 && !domainNameChecked(host)) {
                return;
            }
        } else {
            byte[] ip = new byte[n - 2];
            System.arraycopy(acc, 0, ip, 0, ip.length);
            host = Addresses.toText(ip);
        }
        try {
            target = ConnectTarget.of(host, port);
            phase = Phase.DONE;
        } catch (HandshakeFailureException e) {
            phase = Phase.FAILED;
            failure = e.failure();
            parseFailureReply = reply(GENERAL_FAILURE);
        }
    }

    /**
     * Checks a domain name as every front end does ({@link HostNames#canonical}); false after failing the
     * handshake. A numeric-looking name that is not a strict ASCII dotted quad gets 0x08: a resolver would read
     * {@code 127.1}, {@code 0x7f000001} or full-width digits as an address, bypassing the IP policy. A strict
     * dotted quad becomes an IP-literal target, which the IP policy sees.
     */
    private boolean domainNameChecked(String host) {
        String name;
        try {
            name = HostNames.canonical(host);
        } catch (HostNames.InvalidHostNameException e) {
            fail(GENERAL_FAILURE, "the SOCKS5 domain name " + LogSafe.quote(host, 100) + " is not a host name: "
                    + e.getMessage());
            return false;
        }
        if (HostNames.looksNumeric(name) && ConnectTarget.numericHostAddress(host, name) == null) {
            fail(ADDRESS_TYPE_NOT_SUPPORTED, "the SOCKS5 domain name " + LogSafe.quote(host, 100)
                    + " looks like an IP address; send an address as ATYP IPv4 or IPv6 in canonical form"
                    + " (forms like 127.1, 0x7f000001 or 2130706433 are refused)");
            return false;
        }
        return true;
    }

    private void authFailed(String message) {
        phase = Phase.FAILED;
        failure = HandshakeFailure.proxyAuthenticationRequired(message);
        parseFailureReply = new byte[] {AUTH_VERSION, 1};
    }

    @Override
    public AuthDecision authenticate(ProxyAuthenticator authenticator, InetSocketAddress client,
                                     Consumer<AuthDecision> later) {
        if (phase != Phase.AUTHENTICATING) {
            throw new IllegalStateException("no SOCKS5 credentials to check in phase " + phase);
        }
        char[] p = password;
        password = null;
        return authenticator.check(client, user, p, later);
    }

    @Override
    public void authenticated() {
        if (phase != Phase.AUTHENTICATING) {
            throw new IllegalStateException("no SOCKS5 credentials were checked in phase " + phase);
        }
        interim = new byte[] {AUTH_VERSION, 0};
        phase = Phase.REQUEST;
        need = 4;
    }

    private void fail(int replyCode, String message) {
        phase = Phase.FAILED;
        failure = HandshakeFailure.badRequest(message);
        parseFailureReply = reply(replyCode);
    }

    @Override
    public byte[] takeInterimReply() {
        byte[] r = interim;
        interim = null;
        return r;
    }

    @Override
    public ConnectTarget target() {
        if (phase != Phase.DONE) {
            throw new IllegalStateException("the SOCKS5 request is not complete");
        }
        return target;
    }

    @Override
    public HandshakeFailure failure() {
        if (phase != Phase.FAILED) {
            throw new IllegalStateException("the SOCKS5 handshake has not failed");
        }
        return failure;
    }

    @Override
    public byte[] successReply(InetSocketAddress upstreamLocal) {
        byte[] ip = upstreamLocal.getAddress().getAddress();
        byte[] out = new byte[4 + ip.length + 2];
        out[0] = VERSION;
        out[1] = SUCCEEDED;
        out[3] = (byte) (upstreamLocal.getAddress() instanceof Inet4Address ? ATYP_IPV4 : ATYP_IPV6);
        System.arraycopy(ip, 0, out, 4, ip.length);
        out[4 + ip.length] = (byte) (upstreamLocal.getPort() >>> 8);
        out[5 + ip.length] = (byte) upstreamLocal.getPort();
        return out;
    }

    @Override
    public byte[] failureReply(HandshakeFailure f) {
        if (f == failure && parseFailureReply != null) {
            return parseFailureReply.clone();
        }
        if (phase == Phase.AUTHENTICATING) {
            password = null;
            return new byte[] {AUTH_VERSION, 1}; // RFC 1929: any non-zero status is a failure; then we close
        }
        byte[] r = reply(replyCode(f));
        if (greeted) {
            return r;
        }
        byte[] out = new byte[2 + r.length];
        out[0] = VERSION;
        out[1] = NO_AUTHENTICATION;
        System.arraycopy(r, 0, out, 2, r.length);
        return out;
    }

    @Override
    public String protocol() {
        return "SOCKS5";
    }

    @Override
    public FlowInfo.FrontEnd kind() {
        return FlowInfo.FrontEnd.SOCKS5;
    }

    /** The SOCKS5 reply code for a failure that arose after parsing (policy, resolver, dialler, limits). */
    public static int replyCode(HandshakeFailure f) {
        return switch (f.status()) {
            case 403 -> NOT_ALLOWED;
            case 502 -> switch (f.proxyStatusError()) {
                case "connection_refused" -> CONNECTION_REFUSED;
                case "destination_unavailable" -> f.message().contains("Network is unreachable")
                        ? NETWORK_UNREACHABLE : HOST_UNREACHABLE;
                default -> HOST_UNREACHABLE; // dns_error, dns_timeout
            };
            case 504 -> HOST_UNREACHABLE; // see the class comment: not 0x06 "TTL expired"
            default -> GENERAL_FAILURE;  // 400, 408, 503 and anything new
        };
    }

    /** {@code 05 REP 00 01 0.0.0.0:0}: a failure reply carries no meaningful bound address. */
    static byte[] reply(int code) {
        return new byte[] {VERSION, (byte) code, 0, ATYP_IPV4, 0, 0, 0, 0, 0, 0};
    }

    private static String hex(int b) {
        return String.format(Locale.ROOT, "%02x", b);
    }

    @Override
    public String toString() {
        return "SOCKS5 " + phase + (target != null ? " " + target : "") + (failure != null ? " " + failure : "");
    }
}
