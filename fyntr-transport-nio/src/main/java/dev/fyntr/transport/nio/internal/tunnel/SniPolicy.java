package dev.fyntr.transport.nio.internal.tunnel;

import dev.fyntr.transport.nio.SniCheck;
import dev.fyntr.transport.nio.internal.net.ConnectTarget;
import dev.fyntr.transport.nio.internal.net.Formats;
import dev.fyntr.transport.nio.internal.net.HostNames;
import dev.fyntr.transport.nio.internal.net.LogHandoff;
import dev.fyntr.transport.nio.internal.net.LogSafe;
import dev.fyntr.transport.nio.internal.net.RateLimitedLog;
import dev.fyntr.transport.nio.internal.threat.ThreatGuard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The SNI check (docs/threats-and-socks5.md#the-sni-check): judges what a tunnel's {@link ClientHelloPeek} found
 * against the CONNECT target. A host name that differs from the CONNECT host, or any name sent to an IP-literal
 * CONNECT, is a mismatch, unless the name is (a subdomain of) an {@code --allow-domain}: the operator vouches for
 * those names. A mismatch, and a ClientHello that cannot be read, log one WARN line (at most one a second per kind
 * and proxy, with a count of what was suppressed) and, in {@link SniCheck#ENFORCE}, reset the tunnel. The threat
 * feeds are applied to a name that is not the CONNECT host, as to the host itself: a match logs, and with the
 * action {@code block} resets the tunnel. Non-TLS bytes and ClientHellos without a name pass (DEBUG).
 *
 * <p>Names are compared in the one canonical form of host names ({@link HostNames}), which the CONNECT host is in
 * already: ASCII lower case, without the root's trailing dot. A name that is not a host name in that sense (a byte
 * outside ASCII, a character other than a letter, digit, {@code -} or dot, an empty or over-long label) never
 * matches.
 *
 * <p>Immutable apart from the rate limits (thread-safe); called on the event loop once per tunnel.
 */
public final class SniPolicy {

    private static final Logger LOG = LoggerFactory.getLogger(SniPolicy.class);

    private final SniCheck mode;
    private final ThreatGuard threats;
    private final List<String> allowDomains;
    private final RateLimitedLog mismatches;
    private final RateLimitedLog unreadable;

    /**
     * @param allowDomains the policy's {@code --allow-domain} entries, canonical (lower case, no leading or trailing
     *                     dot), each with its subdomains
     */
    public SniPolicy(SniCheck mode, ThreatGuard threats, List<String> allowDomains) {
        this(mode, threats, allowDomains, RateLimitedLog.warnings(LOG), RateLimitedLog.warnings(LOG));
    }

    SniPolicy(SniCheck mode, ThreatGuard threats, List<String> allowDomains, RateLimitedLog mismatches,
              RateLimitedLog unreadable) {
        this.mode = Objects.requireNonNull(mode, "mode");
        this.threats = Objects.requireNonNull(threats, "threats");
        this.allowDomains = List.copyOf(allowDomains);
        this.mismatches = mismatches;
        this.unreadable = unreadable;
    }

    /** Whether tunnels peek at their first bytes at all. */
    boolean enabled() {
        return mode != SniCheck.OFF;
    }

    /** Whether a tunnel holds its client's first bytes until the peek has decided ({@link SniCheck#ENFORCE}). */
    boolean holds() {
        return mode == SniCheck.ENFORCE;
    }

    /**
     * Judges a peek that has decided, logs what deserves it and counts mismatches and refusals.
     *
     * @return {@code null} to let the tunnel go on, else why it must be reset
     */
    String judge(ClientHelloPeek peek, ConnectTarget target, InetSocketAddress client, long flow, Counters counters) {
        String reason = switch (peek.result()) {
            case SNI -> judgeName(peek.hostName(), peek.ech(), target, client, flow, counters);
            case MALFORMED, TOO_LONG, TRUNCATED -> judgeUnreadable(peek, target, client, flow);
            case NOT_TLS, NOT_CLIENT_HELLO, NO_SNI -> {
                if (LOG.isDebugEnabled()) {
                    String what = peek.result() == ClientHelloPeek.Result.NO_SNI ? "a TLS ClientHello without SNI"
                            : peek.result() == ClientHelloPeek.Result.NOT_TLS ? "not TLS" : "TLS, but not a ClientHello";
                    String line = "flow " + flow + " " + target.authority() + ": the client's first bytes are " + what
                            + "; nothing to check";
                    LogHandoff.submit(() -> LOG.debug(line));
                }
                yield null;
            }
            case EMPTY, PENDING -> null;
        };
        if (reason != null) {
            counters.sniRefusals++;
        }
        return reason;
    }

    private String judgeName(String raw, boolean ech, ConnectTarget target, InetSocketAddress client, long flow,
                             Counters counters) {
        String name = canonicalName(raw);
        if (name != null && !target.isLiteral() && name.equals(target.host())) {
            return null; // the name the handshake already checked
        }
        String blocked = name == null ? null : threats.checkServerName(name, target, client);
        if (name != null && matchesAllowDomain(name)) {
            if (LOG.isDebugEnabled()) {
                String line = "flow " + flow + " " + target.authority() + ": the ClientHello names " + name
                        + ", an allowed domain; not a mismatch";
                LogHandoff.submit(() -> LOG.debug(line));
            }
            return blocked;
        }
        counters.sniMismatches++;
        String shown = name != null ? name : LogSafe.quote(raw, 100);
        String why = name == null ? "invalid_name" : target.isLiteral() ? "ip_literal" : "different_name";
        String action = mode == SniCheck.ENFORCE ? "enforce" : "warn";
        mismatches.warn(() -> "sni_check=mismatch action=" + action + " reason=" + why + " connect="
                + target.authority() + " sni=" + shown + (ech ? " ech=true" : "") + " client="
                + Formats.endpoint(client) + " flow=" + flow);
        if (blocked != null) {
            return blocked;
        }
        if (mode != SniCheck.ENFORCE) {
            return null;
        }
        return "the TLS ClientHello names " + shown + (target.isLiteral()
                ? " on a CONNECT to the IP literal " + target.host() : ", not the CONNECT host " + target.host());
    }

    private String judgeUnreadable(ClientHelloPeek peek, ConnectTarget target, InetSocketAddress client, long flow) {
        String result = peek.result().name().toLowerCase(Locale.ROOT);
        String detail = peek.result() == ClientHelloPeek.Result.TOO_LONG
                ? "no end of the ClientHello within " + ClientHelloPeek.LIMIT + " bytes (one TLS record)"
                : peek.detail();
        String action = mode == SniCheck.ENFORCE ? "enforce" : "warn";
        unreadable.warn(() -> "sni_check=unreadable action=" + action + " result=" + result + " connect="
                + target.authority() + " detail=" + LogSafe.quote(detail, 200) + " client=" + Formats.endpoint(client)
                + " flow=" + flow);
        return mode == SniCheck.ENFORCE ? "the TLS ClientHello cannot be read (" + detail + ")" : null;
    }

    /** Whether the name is an allowed domain or a subdomain of one, on a label boundary. */
    private boolean matchesAllowDomain(String name) {
        for (String d : allowDomains) {
            if (name.equals(d) || (name.length() > d.length() && name.endsWith(d)
                    && name.charAt(name.length() - d.length() - 1) == '.')) {
                return true;
            }
        }
        return false;
    }

    /**
     * The name in the one canonical form of host names ({@link HostNames#canonical}: lower case, no trailing dot,
     * labels of {@code a-z 0-9 -}), which the CONNECT host is in already; {@code null} when it is not a host name.
     * TLS carries ASCII names only (RFC 6066): a name with any other byte is none, and is not IDNA-converted.
     */
    static String canonicalName(String raw) {
        for (int i = 0; i < raw.length(); i++) {
            if (raw.charAt(i) >= 0x80) {
                return null;
            }
        }
        try {
            return HostNames.canonical(raw);
        } catch (HostNames.InvalidHostNameException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "SNI check " + mode.name().toLowerCase(Locale.ROOT);
    }
}
