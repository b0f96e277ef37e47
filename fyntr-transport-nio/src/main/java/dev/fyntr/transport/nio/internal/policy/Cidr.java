package dev.fyntr.transport.nio.internal.policy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 address range such as {@code 10.0.0.0/8} or {@code fc00::/7}. Immutable.
 *
 * <p>An IPv4 range never contains an IPv6 address and vice versa; callers unmap IPv4-mapped IPv6 addresses
 * ({@code ::ffff:a.b.c.d}) first, see {@link Addresses#canonical(InetAddress)}.
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
     * Parses {@code address/prefix}, or a bare address (a single-address range). Host bits set beyond the
     * prefix are rejected rather than silently cleared, because they usually mean a typo.
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
            if (prefixText.isEmpty() || prefixText.length() > 3 || !prefixText.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("'" + s + "' is not a CIDR range: the prefix length must be a number 0-" + max);
            }
            prefix = Integer.parseInt(prefixText);
            if (prefix > max) {
                throw new IllegalArgumentException("'" + s + "' is not a CIDR range: prefix length " + prefix + " > " + max);
            }
        }
        byte[] masked = mask(address, prefix);
        if (!Arrays.equals(masked, address)) {
            throw new IllegalArgumentException("'" + s + "' has host bits set beyond /" + prefix
                    + "; did you mean " + Addresses.toText(masked) + "/" + prefix + "?");
        }
        return new Cidr(masked, prefix);
    }

    /** Whether the address lies in this range. An address of the other family is never contained. */
    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length != network.length) {
            return false;
        }
        int fullBytes = prefixLength / 8;
        for (int i = 0; i < fullBytes; i++) {
            if (bytes[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int m = 0xFF << (8 - rest) & 0xFF;
        return (bytes[fullBytes] & m) == (network[fullBytes] & m);
    }

    /** True for an IPv4 range. */
    public boolean isIpv4() {
        return network.length == 4;
    }

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

    @Override
    public String toString() {
        return text;
    }

    static InetAddress toInetAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes", e);
        }
    }

    static boolean isV4(InetAddress a) {
        return a instanceof Inet4Address;
    }

    static boolean isV6(InetAddress a) {
        return a instanceof Inet6Address;
    }
}
