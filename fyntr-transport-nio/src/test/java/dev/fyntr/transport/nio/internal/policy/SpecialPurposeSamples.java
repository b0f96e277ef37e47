package dev.fyntr.transport.nio.internal.policy;

import dev.fyntr.transport.nio.internal.net.Addresses;

import java.util.ArrayList;
import java.util.List;

/**
 * One sample address for every row of the special-purpose table, written out by hand from the registries (not derived
 * from {@link SpecialPurposeRanges}, so that a wrong row in the table shows), with what the default policy must answer.
 * Shared by the unit tests of this package and the end-to-end tests of the proxy.
 */
public final class SpecialPurposeSamples {

    /** What the default policy answers. */
    public enum Outcome {
        /** 403: the address is in {@link Sample#deniedRange()}. */
        DENIED,
        /** 403: the address carries {@link Sample#carried()}, which is in {@link Sample#deniedRange()}. */
        CARRIES_DENIED,
        /** Usable. */
        ALLOWED
    }

    /**
     * @param row         the table row the address samples (its most specific row)
     * @param address     the address, as a client would write it
     * @param outcome     what the default policy answers
     * @param carried     the IPv4 address it carries, for {@link Outcome#CARRIES_DENIED}
     * @param deniedRange the range the 403 names, for the two denials
     */
    public record Sample(String row, String address, Outcome outcome, String carried, String deniedRange) {

        /** Whether the policy refuses it. */
        public boolean denied() {
            return outcome != Outcome.ALLOWED;
        }

        /** Whether it is IPv6 (as written: an IPv4-mapped address is IPv6 text for a client). */
        public boolean ipv6() {
            return address.indexOf(':') >= 0;
        }

        /** The address as the proxy writes it (canonical text; an IPv4-mapped one as IPv4). */
        public String shown() {
            return Addresses.toText(Addresses.canonical(Addresses.literal(address)));
        }

        /** The reason of the 403, without the {@code ; use --allow-cidr to allow it} that follows; null when allowed. */
        public String reason() {
            return switch (outcome) {
                case DENIED -> shown() + " is in the denied range " + deniedRange;
                case CARRIES_DENIED -> shown() + " carries " + carried + ", which is in the denied range " + deniedRange;
                case ALLOWED -> null;
            };
        }

        @Override
        public String toString() {
            return address + " (" + row + ")";
        }
    }

    /** One sample for each row of the table, in the table's order. */
    public static final List<Sample> ROWS = List.of(
            // IPv4 registry
            denied("0.0.0.0/8", "0.1.2.3"),
            denied("0.0.0.0/32", "0.0.0.0"),
            denied("10.0.0.0/8", "10.1.2.3"),
            denied("100.64.0.0/10", "100.100.100.100"),
            denied("127.0.0.0/8", "127.0.0.1"),
            denied("169.254.0.0/16", "169.254.169.254"),
            denied("172.16.0.0/12", "172.31.255.254"),
            denied("192.0.0.0/24", "192.0.0.100"),
            denied("192.0.0.0/29", "192.0.0.1"),
            denied("192.0.0.8/32", "192.0.0.8"),
            allowed("192.0.0.9/32", "192.0.0.9"),
            allowed("192.0.0.10/32", "192.0.0.10"),
            denied("192.0.0.170/32", "192.0.0.170"),
            denied("192.0.0.171/32", "192.0.0.171"),
            denied("192.0.2.0/24", "192.0.2.1"),
            allowed("192.31.196.0/24", "192.31.196.1"),
            allowed("192.52.193.0/24", "192.52.193.1"),
            denied("192.88.99.0/24", "192.88.99.1"),
            denied("192.88.99.2/32", "192.88.99.2"),
            denied("192.168.0.0/16", "192.168.1.1"),
            allowed("192.175.48.0/24", "192.175.48.6"),
            denied("198.18.0.0/15", "198.18.0.1"),
            denied("198.51.100.0/24", "198.51.100.7"),
            denied("203.0.113.0/24", "203.0.113.9"),
            denied("240.0.0.0/4", "240.0.0.1"),
            denied("255.255.255.255/32", "255.255.255.255"),
            // IPv6 registry
            denied("::1/128", "::1"),
            denied("::/128", "::"),
            new Sample("::ffff:0:0/96", "::ffff:127.0.0.1", Outcome.DENIED, null, "127.0.0.0/8"),
            carries("64:ff9b::/96", "64:ff9b::7f00:1", "127.0.0.1", "127.0.0.0/8"),
            denied("64:ff9b:1::/48", "64:ff9b:1::7f00:1"),
            denied("100::/64", "100::1"),
            denied("100:0:0:1::/64", "100:0:0:1::1"),
            denied("2001::/23", "2001:100::1"),
            denied("2001::/32", "2001:0:4136:e378:8000:63bf:3fff:fdd2"),
            allowed("2001:1::1/128", "2001:1::1"),
            allowed("2001:1::2/128", "2001:1::2"),
            allowed("2001:1::3/128", "2001:1::3"),
            denied("2001:2::/48", "2001:2::1"),
            allowed("2001:3::/32", "2001:3::1"),
            allowed("2001:4:112::/48", "2001:4:112::1"),
            denied("2001:10::/28", "2001:10::1"),
            allowed("2001:20::/28", "2001:20::1"),
            allowed("2001:30::/28", "2001:30::1"),
            denied("2001:db8::/32", "2001:db8::1"),
            carries("2002::/16", "2002:7f00:1::1", "127.0.0.1", "127.0.0.0/8"),
            allowed("2620:4f:8000::/48", "2620:4f:8000::6"),
            denied("3fff::/20", "3fff::1"),
            denied("5f00::/16", "5f00::1"),
            denied("fc00::/7", "fd00::1"),
            denied("fe80::/10", "fe80::1"),
            // Fyntr's own rows
            denied("224.0.0.0/4", "224.0.0.251"),
            carries("::/96", "::7f00:1", "127.0.0.1", "127.0.0.0/8"),
            carries("::ffff:0:0:0/96", "::ffff:0:7f00:1", "127.0.0.1", "127.0.0.0/8"),
            denied("fec0::/10", "fec0::1"),
            denied("ff00::/8", "ff02::1"));

    /**
     * More addresses: the listing at the top of issue 13, the far ends of some ranges, an address of a denied block
     * beside its exceptions, and public IPv4 addresses in each form that carries one (allowed).
     */
    public static final List<Sample> MORE = List.of(
            denied("198.18.0.0/15", "198.19.255.255"),
            denied("192.0.0.0/24", "192.0.0.255"),
            denied("2001::/23", "2001:1::4"),
            denied("2001::/23", "2001:1ff:ffff::1"),
            denied("3fff::/20", "3fff:fff:ffff::1"),
            carries("::/96", "::a00:1", "10.0.0.1", "10.0.0.0/8"),
            carries("64:ff9b::/96", "64:ff9b::a00:1", "10.0.0.1", "10.0.0.0/8"),
            carries("64:ff9b::/96", "64:ff9b::a9fe:a9fe", "169.254.169.254", "169.254.0.0/16"),
            carries("64:ff9b::/96", "64:ff9b::c000:aa", "192.0.0.170", "192.0.0.170/32"),
            carries("2002::/16", "2002:a9fe:a9fe::1", "169.254.169.254", "169.254.0.0/16"),
            carries("2002::/16", "2002:c0a8:101:5::1", "192.168.1.1", "192.168.0.0/16"),
            carries("2002::/16", "2002:0:0::1", "0.0.0.0", "0.0.0.0/32"),
            carries("::ffff:0:0:0/96", "::ffff:0:a9fe:a9fe", "169.254.169.254", "169.254.0.0/16"),
            allowed("64:ff9b::/96", "64:ff9b::8.8.8.8"),
            allowed("64:ff9b::/96", "64:ff9b::c000:9"),
            allowed("2002::/16", "2002:0808:0808::1"),
            allowed("::/96", "::8.8.8.8"),
            allowed("::ffff:0:0:0/96", "::ffff:0:8.8.8.8"),
            allowed("::ffff:0:0/96", "::ffff:8.8.8.8"),
            allowed(null, "8.8.8.8"),
            allowed(null, "2606:4700::1111"),
            allowed(null, "2003::1"),
            allowed(null, "fbff::1"),
            allowed(null, "fe00::1"));

    /** Every sample. */
    public static List<Sample> all() {
        List<Sample> all = new ArrayList<>(ROWS);
        all.addAll(MORE);
        return all;
    }

    private SpecialPurposeSamples() {
    }

    private static Sample denied(String row, String address) {
        return new Sample(row, address, Outcome.DENIED, null, row);
    }

    private static Sample allowed(String row, String address) {
        return new Sample(row, address, Outcome.ALLOWED, null, null);
    }

    private static Sample carries(String row, String address, String carried, String deniedRange) {
        return new Sample(row, address, Outcome.CARRIES_DENIED, carried, deniedRange);
    }
}
