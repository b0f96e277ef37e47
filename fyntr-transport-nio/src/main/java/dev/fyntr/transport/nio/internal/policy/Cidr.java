package dev.fyntr.transport.nio.internal.policy;

import dev.fyntr.transport.nio.internal.net.Addresses;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 address range such as {@code 10.0.0.0/8} or {@code fc00::/7}. Immutable; never uses DNS.
 *
 * <p>IPv4-mapped IPv6 is treated as IPv4 on both sides, as docs/policy-and-errors.md#denied-address-ranges says: a range written
 * {@code ::ffff:10.0.0.0/104} is the IPv4 range {@code 10.0.0.0/8}, and {@link #contains} checks an address
 * {@code ::ffff:10.1.2.3} as {@code 10.1.2.3}. Apart from that, an IPv4 range never contains an IPv6 address
 * and vice versa ({@code ::/0} does not cover IPv4).
 */
public final class Cidr {

    private final byte[] network;
    private final int prefixLength;
    private final String text;

    private Cidr(byte[] network, int prefixLength) {
        this.network = network;
        this.prefixLength = prefixLength;
        this.text = Addresses.toText(network) + "/" + prefixLength;
    }

    /**
     * Parses {@code address/prefix}, or a bare address (a single-address range), with surrounding blanks
     * ignored. Host bits set beyond the prefix are rejected rather than silently cleared, because they usually
     * mean a typo ({@code 10.0.0.1/8}).
     *
     * @throws IllegalArgumentException with a message saying what is wrong and what is accepted
     */
    public static Cidr parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty CIDR range; expected e.g. 10.0.0.0/8 or fc00::/7");
        }
        String s = text.strip();
        int slash = s.indexOf('/');
        String addressText = slash < 0 ? s : s.substring(0, slash);
        byte[] address = Addresses.parseLiteral(addressText);
        if (address == null) {
            throw new IllegalArgumentException("'" + s + "' is not a CIDR range: '" + addressText
                    + "' is not an IPv4 or IPv6 address; expected e.g. 10.0.0.0/8 or fc00::/7");
        }
        int max = address.length * 8;
        int prefix = max;
        if (slash >= 0) {
            String prefixText = s.substring(slash + 1);
            if (prefixText.isEmpty() || prefixText.length() > 3
                    || !prefixText.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("'" + s + "' is not a CIDR range: the prefix length must be a number 0-" + max);
            }
            prefix = Integer.parseInt(prefixText);
            if (prefix > max) {
                throw new IllegalArgumentException("'" + s + "' is not a CIDR range: prefix length " + prefix
                        + " is more than " + max);
            }
        }
        byte[] masked = mask(address, prefix);
        if (!Arrays.equals(masked, address)) {
            throw new IllegalArgumentException("'" + s + "' has host bits set beyond /" + prefix
                    + "; did you mean " + Addresses.toText(masked) + "/" + prefix + "?");
        }
        if (prefix >= 96 && Addresses.isMapped(masked)) {
            // ::ffff:a.b.c.d/n is the IPv4 range a.b.c.d/(n-96): addresses are compared as IPv4.
            return new Cidr(Arrays.copyOfRange(masked, 12, 16), prefix - 96);
        }
        return new Cidr(masked, prefix);
    }

    /**
     * Whether the address lies in this range. IPv4-mapped IPv6 addresses are checked as IPv4; an address of
     * the other family is never contained. Allocates nothing beyond {@link InetAddress#getAddress()}.
     */
    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        int offset = 0;
        if (Addresses.isMapped(bytes)) {
            if (network.length != 4) {
                return false; // an IPv4 address in IPv6 clothing: only IPv4 ranges apply
            }
            offset = 12;
        } else if (bytes.length != network.length) {
            return false;
        }
        int fullBytes = prefixLength / 8;
        for (int i = 0; i < fullBytes; i++) {
            if (bytes[offset + i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int m = 0xFF << (8 - rest) & 0xFF;
        return (bytes[offset + fullBytes] & m) == (network[fullBytes] & m);
    }

    /** True for an IPv4 range. */
    public boolean isIpv4() {
        return network.length == 4;
    }

    /** The number of leading bits that are fixed, 0-32 for IPv4 and 0-128 for IPv6. */
    public int prefixLength() {
        return prefixLength;
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int bit = prefix; bit < out.length * 8; bit++) {
            out[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefixLength == prefixLength && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefixLength;
    }

    /** Canonical text, e.g. {@code 10.0.0.0/8} or {@code fc00::/7}; {@link #parse} accepts it back. */
    @Override
    public String toString() {
        return text;
    }
}
