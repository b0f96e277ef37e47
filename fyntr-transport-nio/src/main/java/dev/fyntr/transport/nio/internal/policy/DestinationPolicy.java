package dev.fyntr.transport.nio.internal.policy;

import dev.fyntr.transport.nio.internal.net.Addresses;
import dev.fyntr.transport.nio.internal.net.ConnectTarget;
import dev.fyntr.transport.nio.internal.net.HandshakeFailure;
import dev.fyntr.transport.nio.internal.net.HostNames;

import java.net.InetAddress;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which CONNECT (and SOCKS5) destinations are allowed (docs/policy-and-errors.md#destination-policy). Immutable, so
 * any thread may use it; never resolves names (the caller resolves once and passes the answers, so the addresses
 * checked are the addresses dialled: no DNS rebinding).
 *
 * <p>An IPv6 address that carries an IPv4 address (NAT64 {@code 64:ff9b::/96}, 6to4 {@code 2002::/16},
 * IPv4-compatible {@code ::/96}, SIIT {@code ::ffff:0:0:0/96}; IPv4-mapped is turned into IPv4 first) is judged as
 * that IPv4 address, and the allowed and denied ranges match either form. Rules, in order, for each address:
 * <ol>
 * <li>in an allowed range ({@code --allow-cidr}) → usable, whatever the denied ranges say;</li>
 * <li>in a denied range ({@code --deny-cidr}), or denied by the default table ({@link SpecialPurposeRanges}: the
 *     IANA special-purpose registries, the most specific row deciding) → the whole request is refused with 403,
 *     unless the host is, or is a subdomain of, an {@code --allow-domain}: then only this address is dropped;</li>
 * <li>otherwise → usable.</li>
 * </ol>
 * No usable address → 403. Usable addresses keep the resolver's order, without duplicates, at most
 * {@value #MAX_ADDRESSES}; they are dialled as they are (a NAT64 address stays the NAT64 address).
 */
public final class DestinationPolicy {

    /** At most this many addresses are dialled. */
    public static final int MAX_ADDRESSES = 32;

    /** Ends every address denial: what to do about it. */
    private static final String ALLOW_HINT = "; use --allow-cidr to allow it";

    /** Beyond this many ports, messages list the first ones and the count. */
    private static final int PORTS_LISTED = 20;

    private final BitSet ports = new BitSet(65536);
    private final List<Integer> portList;
    private final List<Cidr> allowCidrs;
    private final List<Cidr> denyCidrs;
    private final List<String> allowDomains;

    /**
     * @param allowedPorts destination ports, 1-65535 (the 443 default is the caller's business: the builder adds it)
     * @param allowCidrs   ranges allowed even when denied
     * @param denyCidrs    ranges denied in addition to the default ones ({@link SpecialPurposeRanges})
     * @param allowDomains domains whose denied addresses are dropped instead of failing the request; read with
     *                     {@link HostNames#canonicalDomain} and matched on label boundaries
     */
    public DestinationPolicy(List<Integer> allowedPorts, List<Cidr> allowCidrs, List<Cidr> denyCidrs,
                             List<String> allowDomains) {
        TreeSet<Integer> sorted = new TreeSet<>();
        for (Integer p : allowedPorts) {
            if (p == null || p < 1 || p > 65535) {
                throw new IllegalArgumentException("allowed port must be 1-65535: " + p);
            }
            sorted.add(p);
            ports.set(p);
        }
        this.portList = List.copyOf(sorted);
        this.allowCidrs = List.copyOf(allowCidrs);
        this.denyCidrs = List.copyOf(denyCidrs);
        Set<String> domains = new LinkedHashSet<>();
        for (String d : allowDomains) {
            try { // the form every requested host is in (HostNames), so that they compare as strings
                domains.add(HostNames.canonicalDomain(Objects.requireNonNull(d, "allowDomains entry").strip()));
            } catch (HostNames.InvalidHostNameException e) {
                throw new IllegalArgumentException("bad allowed domain '" + d + "': " + e.getMessage());
            }
        }
        this.allowDomains = List.copyOf(domains);
    }

    /** The policy a proxy was configured with. */
    public static DestinationPolicy from(PolicyConfig config) {
        return new DestinationPolicy(config.allowedPorts(), config.allowCidrs(), config.denyCidrs(),
                config.allowDomains());
    }

    /**
     * Checked before DNS. {@code null} when the port is allowed, else a 403 naming the allowed ports, or, with
     * none allowed, saying how to allow one.
     */
    public HandshakeFailure checkPort(int port) {
        if (port >= 1 && port <= 65535 && ports.get(port)) {
            return null;
        }
        if (portList.isEmpty()) {
            return HandshakeFailure.portDenied("port " + port + " is not allowed; no port is allowed:"
                    + " allow one with --allow-port " + port + " (allowPorts in the builder)");
        }
        return HandshakeFailure.portDenied("port " + port + " is not allowed; allowed ports: " + portsText());
    }

    /**
     * Checks a target's addresses: the literal for an IP-literal target ({@code resolved} is ignored), else
     * every resolved address. The caller answers an empty resolution itself (502); if it passes one anyway,
     * the decision is a 502 {@code dns_error}.
     */
    public Decision check(ConnectTarget target, List<InetAddress> resolved) {
        if (target.isLiteral()) {
            InetAddress a = Addresses.canonical(target.literal());
            String denied = denial(a);
            if (denied != null) {
                return Decision.deny(HandshakeFailure.destinationDenied(denied + ALLOW_HINT));
            }
            return new Decision(List.of(a), null);
        }
        if (resolved.isEmpty()) {
            return Decision.deny(HandshakeFailure.dnsError(target.host(), "no address"));
        }
        boolean domainAllowed = matchesAllowDomain(target.host());
        LinkedHashSet<InetAddress> usable = new LinkedHashSet<>();
        String firstDropped = null;
        for (InetAddress raw : resolved) {
            InetAddress a = Addresses.canonical(raw);
            String denied = denial(a);
            if (denied == null) {
                if (usable.size() < MAX_ADDRESSES) {
                    usable.add(a);
                }
                continue;
            }
            if (!domainAllowed) {
                return Decision.deny(HandshakeFailure.destinationDenied(target.host() + ": " + denied + ALLOW_HINT));
            }
            if (firstDropped == null) {
                firstDropped = denied;
            }
        }
        if (usable.isEmpty()) {
            // Only reachable with an allow-domain match: every answer was dropped.
            return Decision.deny(HandshakeFailure.destinationDenied("every address of " + target.host()
                    + " is in a denied range, e.g. " + firstDropped + ALLOW_HINT));
        }
        return new Decision(List.copyOf(usable), null);
    }

    /**
     * Why the address may not be used, e.g. {@code 10.1.2.3 is in the denied range 10.0.0.0/8} or
     * {@code 64:ff9b::7f00:1 carries 127.0.0.1, which is in the denied range 127.0.0.0/8}; {@code null} if it may.
     */
    String denial(InetAddress address) {
        byte[] bytes = address.getAddress();
        SpecialPurposeRanges.Row row = SpecialPurposeRanges.find(bytes);
        byte[] carried = row == null ? null : row.carriedIpv4(bytes);
        for (Cidr c : allowCidrs) {
            if (c.contains(bytes) || (carried != null && c.contains(carried))) {
                return null;
            }
        }
        for (Cidr c : denyCidrs) {
            if (c.contains(bytes)) {
                return inRange(bytes, c);
            }
            if (carried != null && c.contains(carried)) {
                return carries(bytes, carried, c);
            }
        }
        if (row == null || row.verdict() == SpecialPurposeRanges.Verdict.ALLOW) {
            return null;
        }
        if (carried == null) {
            return inRange(bytes, row.range());
        }
        SpecialPurposeRanges.Row inner = SpecialPurposeRanges.find(carried);
        return inner != null && inner.verdict() == SpecialPurposeRanges.Verdict.DENY
                ? carries(bytes, carried, inner.range()) : null;
    }

    /** Whether the host is an allowed domain or a subdomain of one, on a label boundary. */
    boolean matchesAllowDomain(String host) {
        for (String d : allowDomains) {
            if (host.equals(d) || (host.length() > d.length() && host.endsWith(d)
                    && host.charAt(host.length() - d.length() - 1) == '.')) {
                return true;
            }
        }
        return false;
    }

    /** One line for the startup log. */
    public String describe() {
        return "destination policy: " + (portList.isEmpty() ? "no port allowed" : (portList.size() == 1 ? "port " : "ports ")
                + portsText()) + "; denied ranges: " + SpecialPurposeRanges.deniedCount() + " default + " + denyCidrs.size()
                + " extra; allowed ranges: " + allowCidrs.size() + "; allowed domains: " + allowDomains.size()
                + (allowDomains.isEmpty() ? "" : " (" + String.join(", ", allowDomains.subList(0,
                Math.min(5, allowDomains.size()))) + (allowDomains.size() > 5 ? ", ..." : "") + ")");
    }

    @Override
    public String toString() {
        return describe();
    }

    private String portsText() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < portList.size() && i < PORTS_LISTED; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(portList.get(i));
        }
        if (portList.size() > PORTS_LISTED) {
            sb.append(" and ").append(portList.size() - PORTS_LISTED).append(" more");
        }
        return sb.toString();
    }

    private static String inRange(byte[] address, Cidr range) {
        return Addresses.toText(address) + " is in the denied range " + range;
    }

    private static String carries(byte[] address, byte[] ipv4, Cidr range) {
        return Addresses.toText(address) + " carries " + Addresses.toText(ipv4) + ", which is in the denied range "
                + range;
    }

    /**
     * The outcome of {@link #check}: either the addresses to dial (non-empty, checked, deduplicated, at most
     * {@value #MAX_ADDRESSES}, IPv4-mapped ones as IPv4) or the failure to answer.
     */
    public record Decision(List<InetAddress> usable, HandshakeFailure failure) {

        public Decision {
            usable = List.copyOf(usable);
            if ((failure == null) == usable.isEmpty()) {
                throw new IllegalArgumentException("a decision has either usable addresses or a failure");
            }
        }

        static Decision deny(HandshakeFailure failure) {
            return new Decision(List.of(), failure);
        }

        /** Whether the request may go on. */
        public boolean allowed() {
            return failure == null;
        }
    }
}
