package dev.fyntr.transport.nio.internal.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The ranges the default policy denies, and why: every row of the IANA IPv4 and IPv6 Special-Purpose Address
 * Registries with the registry's "Globally Reachable" column, plus the five rows Fyntr adds (multicast, site-local,
 * and the two IPv6 forms that carry an IPv4 address without being in the registries). docs/policy-and-errors.md
 * shows the same table; {@code SpecialPurposeRangesTest} checks that the two agree and that a sample address of
 * every row gets the row's verdict.
 *
 * <p>How the table is read ({@link #find}): the most specific row that contains an address decides. So a globally
 * reachable row inside a denied one is an exception to it, as in the registry (192.0.0.9/32 inside 192.0.0.0/24),
 * and {@code ::} and {@code ::1} are themselves, not IPv4-compatible addresses. A row's {@link Verdict}:
 * <ul>
 * <li>{@link Verdict#DENY}: the registry says the range is not globally reachable ("False"), or gives no value
 *     ("N/A", or a terminated row), or the range is one Fyntr denies on its own;</li>
 * <li>{@link Verdict#ALLOW}: the registry says "True";</li>
 * <li>{@link Verdict#CARRIES_IPV4}: the address carries an IPv4 address at {@link Row#ipv4Offset()}, and is judged as
 *     that IPv4 address (NAT64, 6to4, IPv4-mapped, IPv4-compatible, SIIT).</li>
 * </ul>
 * Immutable; any thread.
 */
final class SpecialPurposeRanges {

    /**
     * The registry versions this table follows. Both registries carried "Last Updated 2025-10-09" in the copies we
     * compared against (third-party snapshots found through a search index; the iana.org pages themselves could not
     * be fetched from the machine this was written on); each row was checked against the RFC it cites.
     */
    static final String REGISTRY_VERSION = "IANA IPv4 and IPv6 Special-Purpose Address Registries, 2025-10-09";

    /** The registry's "Globally Reachable" column. */
    enum Reachable {
        TRUE("True"), FALSE("False"), NOT_APPLICABLE("N/A"), NOT_LISTED("not in the registry");

        private final String text;

        Reachable(String text) {
            this.text = text;
        }

        /** As docs/policy-and-errors.md writes it. */
        String text() {
            return text;
        }
    }

    /** What the default policy does with an address whose most specific row this is. */
    enum Verdict {
        DENY("denied"), ALLOW("allowed"), CARRIES_IPV4("judged as the IPv4 address it carries");

        private final String text;

        Verdict(String text) {
            this.text = text;
        }

        /** As docs/policy-and-errors.md writes it. */
        String text() {
            return text;
        }
    }

    /**
     * One range.
     *
     * @param range       the range as the registry writes it (an IPv4-mapped range stays IPv6)
     * @param name        the registry's name, or ours for a row it does not have
     * @param rfc         the defining RFC(s)
     * @param reachable   the registry's "Globally Reachable" column
     * @param verdict     what the default policy does
     * @param ipv4Offset  for {@link Verdict#CARRIES_IPV4}, where the 4 bytes of the IPv4 address start; else -1
     */
    record Row(Cidr range, String name, String rfc, Reachable reachable, Verdict verdict, int ipv4Offset) {

        /** The IPv4 address this row's address carries (4 bytes), or {@code null} for a row that carries none. */
        byte[] carriedIpv4(byte[] address) {
            return ipv4Offset < 0 ? null : Arrays.copyOfRange(address, ipv4Offset, ipv4Offset + 4);
        }
    }

    private static final Reachable T = Reachable.TRUE;
    private static final Reachable F = Reachable.FALSE;
    private static final Reachable NA = Reachable.NOT_APPLICABLE;
    private static final Reachable OURS = Reachable.NOT_LISTED;

    /** Every row, IPv4 then IPv6, each family in the registry's order, Fyntr's own rows last. */
    static final List<Row> ROWS = List.of(
            // IANA IPv4 Special-Purpose Address Registry
            deny("0.0.0.0/8", "\"This network\"", "RFC 791 §3.2", F),
            deny("0.0.0.0/32", "\"This host on this network\"", "RFC 1122 §3.2.1.3", F),
            deny("10.0.0.0/8", "Private-Use", "RFC 1918", F),
            deny("100.64.0.0/10", "Shared Address Space", "RFC 6598", F),
            deny("127.0.0.0/8", "Loopback", "RFC 1122 §3.2.1.3", F),
            deny("169.254.0.0/16", "Link Local", "RFC 3927", F),
            deny("172.16.0.0/12", "Private-Use", "RFC 1918", F),
            deny("192.0.0.0/24", "IETF Protocol Assignments", "RFC 6890 §2.1", F),
            deny("192.0.0.0/29", "IPv4 Service Continuity Prefix", "RFC 7335", F),
            deny("192.0.0.8/32", "IPv4 dummy address", "RFC 7600", F),
            allow("192.0.0.9/32", "Port Control Protocol Anycast", "RFC 7723"),
            allow("192.0.0.10/32", "Traversal Using Relays around NAT Anycast", "RFC 8155"),
            deny("192.0.0.170/32", "NAT64/DNS64 Discovery", "RFC 8880, RFC 7050 §2.2", F),
            deny("192.0.0.171/32", "NAT64/DNS64 Discovery", "RFC 8880, RFC 7050 §2.2", F),
            deny("192.0.2.0/24", "Documentation (TEST-NET-1)", "RFC 5737", F),
            allow("192.31.196.0/24", "AS112-v4", "RFC 7535"),
            allow("192.52.193.0/24", "AMT", "RFC 7450"),
            deny("192.88.99.0/24", "Deprecated (6to4 Relay Anycast)", "RFC 7526", NA),
            deny("192.88.99.2/32", "6a44-relay anycast address", "RFC 6751", F),
            deny("192.168.0.0/16", "Private-Use", "RFC 1918", F),
            allow("192.175.48.0/24", "Direct Delegation AS112 Service", "RFC 7534"),
            deny("198.18.0.0/15", "Benchmarking", "RFC 2544", F),
            deny("198.51.100.0/24", "Documentation (TEST-NET-2)", "RFC 5737", F),
            deny("203.0.113.0/24", "Documentation (TEST-NET-3)", "RFC 5737", F),
            deny("240.0.0.0/4", "Reserved", "RFC 1112 §4", F),
            deny("255.255.255.255/32", "Limited Broadcast", "RFC 8190, RFC 919 §7", F),
            // IANA IPv6 Special-Purpose Address Registry
            deny("::1/128", "Loopback Address", "RFC 4291", F),
            deny("::/128", "Unspecified Address", "RFC 4291", F),
            carries("::ffff:0:0/96", "IPv4-mapped Address", "RFC 4291", F, 12),
            carries("64:ff9b::/96", "IPv4-IPv6 Translat.", "RFC 6052", T, 12),
            deny("64:ff9b:1::/48", "IPv4-IPv6 Translat.", "RFC 8215", F),
            deny("100::/64", "Discard-Only Address Block", "RFC 6666", F),
            deny("100:0:0:1::/64", "Dummy IPv6 Prefix", "RFC 9780", F),
            deny("2001::/23", "IETF Protocol Assignments", "RFC 2928", F),
            deny("2001::/32", "TEREDO", "RFC 4380, RFC 8190", NA),
            allow("2001:1::1/128", "Port Control Protocol Anycast", "RFC 7723"),
            allow("2001:1::2/128", "Traversal Using Relays around NAT Anycast", "RFC 8155"),
            allow("2001:1::3/128", "DNS-SD Service Registration Protocol Anycast", "RFC 9665"),
            deny("2001:2::/48", "Benchmarking", "RFC 5180, RFC Errata 1752", F),
            allow("2001:3::/32", "AMT", "RFC 7450"),
            allow("2001:4:112::/48", "AS112-v6", "RFC 7535"),
            deny("2001:10::/28", "Deprecated (previously ORCHID)", "RFC 4843", NA),
            allow("2001:20::/28", "ORCHIDv2", "RFC 7343"),
            allow("2001:30::/28", "Drone Remote ID Protocol Entity Tags (DETs) Prefix", "RFC 9374"),
            deny("2001:db8::/32", "Documentation", "RFC 3849", F),
            carries("2002::/16", "6to4", "RFC 3056", NA, 2),
            allow("2620:4f:8000::/48", "Direct Delegation AS112 Service", "RFC 7534"),
            deny("3fff::/20", "Documentation", "RFC 9637", F),
            deny("5f00::/16", "Segment Routing (SRv6) SIDs", "RFC 9602", F),
            deny("fc00::/7", "Unique-Local", "RFC 4193, RFC 8190", F),
            deny("fe80::/10", "Link-Local Unicast", "RFC 4291", F),
            // Not in the special-purpose registries
            deny("224.0.0.0/4", "Multicast", "RFC 5771", OURS),
            carries("::/96", "IPv4-compatible (deprecated)", "RFC 4291 §2.5.5.1", OURS, 12),
            carries("::ffff:0:0:0/96", "IPv4-translated (SIIT)", "RFC 2765 §2.1", OURS, 12),
            deny("fec0::/10", "Site-Local (deprecated)", "RFC 3879", OURS),
            deny("ff00::/8", "Multicast", "RFC 4291 §2.7", OURS));

    /** Rows by prefix length, longest first, so that the first match is the most specific. */
    private static final List<Row> MOST_SPECIFIC_FIRST;

    static {
        List<Row> sorted = new ArrayList<>(ROWS);
        sorted.sort((a, b) -> Integer.compare(b.range().prefixLength(), a.range().prefixLength()));
        MOST_SPECIFIC_FIRST = List.copyOf(sorted);
    }

    private SpecialPurposeRanges() {
    }

    /**
     * The most specific row containing the address (4 or 16 bytes, taken as they are), or {@code null} when no row
     * does (an ordinary public address).
     */
    static Row find(byte[] address) {
        for (Row r : MOST_SPECIFIC_FIRST) {
            if (r.range().contains(address)) {
                return r;
            }
        }
        return null;
    }

    /** How many rows are denied. */
    static int deniedCount() {
        int n = 0;
        for (Row r : ROWS) {
            if (r.verdict() == Verdict.DENY) {
                n++;
            }
        }
        return n;
    }

    private static Row deny(String range, String name, String rfc, Reachable reachable) {
        if (reachable == Reachable.TRUE) {
            throw new AssertionError("a globally reachable range is not denied by default: " + range);
        }
        return new Row(Cidr.parseAsWritten(range), name, rfc, reachable, Verdict.DENY, -1);
    }

    private static Row allow(String range, String name, String rfc) {
        return new Row(Cidr.parseAsWritten(range), name, rfc, Reachable.TRUE, Verdict.ALLOW, -1);
    }

    private static Row carries(String range, String name, String rfc, Reachable reachable, int ipv4Offset) {
        return new Row(Cidr.parseAsWritten(range), name, rfc, reachable, Verdict.CARRIES_IPV4, ipv4Offset);
    }
}
