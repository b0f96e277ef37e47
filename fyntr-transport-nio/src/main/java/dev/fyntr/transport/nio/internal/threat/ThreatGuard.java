package dev.fyntr.transport.nio.internal.threat;

import dev.fyntr.transport.nio.ThreatAction;
import dev.fyntr.transport.nio.ThreatFeedException;
import dev.fyntr.transport.nio.internal.net.Addresses;
import dev.fyntr.transport.nio.internal.net.ConnectTarget;
import dev.fyntr.transport.nio.internal.net.HandshakeFailure;
import dev.fyntr.transport.nio.internal.net.LogHandoff;
import dev.fyntr.transport.nio.internal.net.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Applies the threat feeds to each request (docs/threats-and-socks5.md#what-is-checked): the requested host before resolution, every resolved
 * address after. Each match logs one structured WARN line,
 * <pre>
 * threat_match=true action=warn match_type=domain host=api.evil.example matched=evil.example feed=bad.txt client=127.0.0.1:50432
 * </pre>
 * ({@code match_type} is {@code domain}, {@code ip} or {@code cidr}; address matches add {@code address=}).
 * With {@link ThreatAction#BLOCK} the request is refused with 403 and a message naming the rule:
 * {@code http_request_denied} for a domain rule (the request was refused by configuration; RFC 9209 has no
 * "destination name prohibited"), {@code destination_ip_prohibited} for an IP or CIDR rule.
 *
 * <p>Independently of any feed, a host with a label mixing Latin and Cyrillic or Greek letters logs a
 * {@code mixed_script=true} warning; it is never blocked for that.
 *
 * <p>Thread-safe; the feeds can be swapped for freshly read ones by {@link #reload()} (SIGHUP) while requests
 * are checked, each check seeing either the old or the new feeds. Called on the event loop, where a check costs O(labels) plus
 * O(prefix lengths × log n) per address and allocates only when something matches.
 */
public final class ThreatGuard {

    private static final Logger LOG = LoggerFactory.getLogger(ThreatGuard.class);

    private static final ThreatGuard NONE = new ThreatGuard(null, ThreatAction.WARN, ThreatGuard::warnLater);

    private volatile ThreatFeeds feeds;
    private final ThreatAction action;
    private final Consumer<String> warnings;

    ThreatGuard(ThreatFeeds feeds, ThreatAction action, Consumer<String> warnings) {
        this.feeds = feeds;
        this.action = Objects.requireNonNull(action, "action");
        this.warnings = warnings;
    }

    /** Match lines are written off the event loop, so that a slow log cannot slow the proxy. */
    private static void warnLater(String line) {
        LogHandoff.submit(() -> LOG.warn(line));
    }

    /** No feeds: only the mixed-script warning is active. */
    public static ThreatGuard none() {
        return NONE;
    }

    /**
     * Loads the feeds; with no file, {@link #none()} (a {@code BLOCK} action without feeds is the builder's
     * error to report, since only it knows the flag names).
     *
     * @throws ThreatFeedException naming the file that cannot be read, or every file when none holds a usable entry
     */
    public static ThreatGuard load(List<Path> files, ThreatAction action) throws ThreatFeedException {
        if (files.isEmpty()) {
            return NONE;
        }
        return new ThreatGuard(ThreatFeeds.load(files), action, ThreatGuard::warnLater);
    }

    /** Whether any feed is loaded. */
    public boolean hasFeeds() {
        return feeds != null;
    }

    /**
     * Checks the requested host before resolution. IP-literal targets are left to {@link #checkAddresses}.
     *
     * @return the 403 to answer (action block and a match), else {@code null}
     */
    public HandshakeFailure checkHost(ConnectTarget target, InetSocketAddress client) {
        if (target.isLiteral()) {
            return null;
        }
        String host = target.host();
        MixedScript.Finding mixed = MixedScript.firstMixedLabel(host);
        if (mixed != null) {
            warnings.accept("mixed_script=true host=" + host + " label=" + mixed.label() + " scripts="
                    + mixed.scripts() + " client=" + format(client) + " (possible look-alike name; not blocked)");
        }
        ThreatFeeds feeds = this.feeds;
        if (feeds == null) {
            return null;
        }
        ThreatFeeds.DomainMatch match = feeds.findDomain(host);
        if (match == null) {
            return null;
        }
        warnings.accept("threat_match=true action=" + actionText() + " match_type=domain host=" + host
                + " matched=" + match.entry() + " feed=" + feedText(match.file()) + " client=" + format(client));
        if (action != ThreatAction.BLOCK) {
            return null;
        }
        return new HandshakeFailure(403, "http_request_denied", host + " is blocked: it matches the threat feed entry "
                + match.entry() + " (" + fileName(match.file()) + ")", List.of());
    }

    /**
     * Checks the server name (SNI) of the TLS ClientHello a tunnel's client sent, when it is not the requested
     * host (which {@link #checkHost} checked), against the domain entries, as {@link #checkHost} checks the host:
     * a match logs one line with {@code source=sni} and the name,
     * <pre>
     * threat_match=true action=warn match_type=domain source=sni host=cdn.example sni=api.evil.example matched=evil.example feed=bad.txt client=127.0.0.1:50432
     * </pre>
     * and with action block the tunnel is to be closed.
     *
     * @param serverName the name in canonical form (ASCII lower case, no trailing dot)
     * @return why the tunnel must be closed (action block and a match), else {@code null}
     */
    public String checkServerName(String serverName, ConnectTarget target, InetSocketAddress client) {
        ThreatFeeds feeds = this.feeds;
        if (feeds == null) {
            return null;
        }
        ThreatFeeds.DomainMatch match = feeds.findDomain(serverName);
        if (match == null) {
            return null;
        }
        warnings.accept("threat_match=true action=" + actionText() + " match_type=domain source=sni host="
                + target.host() + " sni=" + serverName + " matched=" + match.entry() + " feed="
                + feedText(match.file()) + " client=" + format(client));
        if (action != ThreatAction.BLOCK) {
            return null;
        }
        return "the TLS server name " + serverName + " is blocked: it matches the threat feed entry " + match.entry()
                + " (" + fileName(match.file()) + ")";
    }

    /**
     * Checks every resolved address (or the literal of an IP-literal target, passed as the only address).
     * With action warn, every matching address is logged; with block, the first match refuses the request.
     *
     * @return the 403 to answer (action block and a match), else {@code null}
     */
    public HandshakeFailure checkAddresses(ConnectTarget target, List<InetAddress> addresses,
                                           InetSocketAddress client) {
        ThreatFeeds feeds = this.feeds;
        if (feeds == null || feeds.rangeCount() == 0) {
            return null;
        }
        for (InetAddress a : addresses) {
            IpRuleSet.Match match = feeds.findAddress(a);
            if (match == null) {
                continue;
            }
            String address = Addresses.toText(Addresses.canonical(a));
            String rule = match.ruleText();
            Path file = feeds.file(match.source());
            warnings.accept("threat_match=true action=" + actionText() + " match_type="
                    + (match.singleAddress() ? "ip" : "cidr") + " host=" + target.host() + " address=" + address
                    + " matched=" + rule + " feed=" + feedText(file) + " client=" + format(client));
            if (action == ThreatAction.BLOCK) {
                String what = target.isLiteral() ? address : target.host() + " (" + address + ")";
                return HandshakeFailure.destinationDenied(what + " is blocked: it matches the threat feed "
                        + (match.singleAddress() ? "address " : "range ") + rule + " (" + fileName(file) + ")");
            }
        }
        return null;
    }

    /**
     * The feed domain that {@code asciiHost} equals or is a subdomain of, or {@code null}; no logging, no
     * action. For benchmarks and diagnostics: requests go through {@link #checkHost}.
     */
    public String matchingDomain(String asciiHost) {
        ThreatFeeds feeds = this.feeds;
        ThreatFeeds.DomainMatch m = feeds == null ? null : feeds.findDomain(asciiHost);
        return m == null ? null : m.entry();
    }

    /** Whether a feed IP or CIDR rule contains the address; no logging, no action (see {@link #matchingDomain}). */
    public boolean matchesAddress(InetAddress address) {
        ThreatFeeds feeds = this.feeds;
        return feeds != null && feeds.findAddress(address) != null;
    }

    /**
     * Reads the feed files again and, when that works, swaps them in; when it does not, keeps the feeds in use
     * and throws. Without feeds, does nothing. Runs on the caller's thread (reading a large feed takes a second).
     *
     * @return {@link #describe()} of the feeds now in use
     * @throws ThreatFeedException as {@link #load}; the previous feeds stay in use
     */
    public synchronized String reload() throws ThreatFeedException {
        ThreatFeeds current = feeds;
        if (current == null) {
            return describe();
        }
        feeds = ThreatFeeds.load(current.files());
        return describe();
    }

    /** One line for the startup log. */
    public String describe() {
        ThreatFeeds feeds = this.feeds;
        return feeds == null ? "threat feeds: none" : "threat feeds: " + feeds.describe() + ", action " + actionText();
    }

    ThreatFeeds feeds() {
        return feeds;
    }

    private String actionText() {
        return action == ThreatAction.BLOCK ? "block" : "warn";
    }

    private static String fileName(Path file) {
        Path name = file.getFileName();
        return name == null ? file.toString() : name.toString();
    }

    /** The file name as a log token: bare when it is a plain token, else quoted and escaped. */
    private static String feedText(Path file) {
        String name = fileName(file);
        boolean plain = !name.isEmpty() && name.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-');
        return plain ? name : LogSafe.quote(name, 100);
    }

    private static String format(InetSocketAddress a) {
        if (a == null || a.getAddress() == null) {
            return "?";
        }
        String host = Addresses.toText(a.getAddress());
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
