package dev.fyntr.transport.nio.internal.policy;

import dev.fyntr.transport.nio.internal.net.Addresses;
import dev.fyntr.transport.nio.internal.net.LogSafe;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 address range such as {@code 10.0.0.0/8} or {@code fc00::/7}. Immutable; never uses DNS.
 *
 * <p>IPv4-mapped IPv6 is treated as IPv4 on both sides, as docs/policy-and-errors.md#denied-address-ranges says: a range written
 * {@code ::ffff:10.0.0.0/104} is the IPv4 range {@code 10.0.0.0/8}, and {@link #contains(InetAddress)} checks an address
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
     * mean a typo ({@code 10.0.0.1/8}). Strict ASCII: digits are {@code 0-9} and hex digits {@code 0-9 a-f A-F};
     * text with any other character (Arabic-Indic or full-width digits, say) is refused with a message that
     * names the character.
     *
     * @throws IllegalArgumentException with a message saying what is wrong and what is accepted
     */
    public static Cidr parse(String text) {
        return parse(text, true);
    }

    /**
     * {@link #parse} without reading an IPv4-mapped range as IPv4: {@code ::ffff:0:0/96} stays that IPv6 range.
     * For the special-purpose table, which lists the range as the registry writes it.
     */
    static Cidr parseAsWritten(String text) {
        return parse(text, false);
    }

    private static Cidr parse(String text, boolean mappedAsIpv4) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty CIDR range; expected e.g. 10.0.0.0/8 or fc00::/7");
        }
        String s = text.strip();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                throw new IllegalArgumentException(LogSafe.quote(s, 100) + " is not a CIDR range: character "
                        + (i + 1) + " is " + String.format("U+%04X", (int) c) + ", which is not ASCII; write"
                        + " addresses and prefix lengths with the ASCII digits 0-9 (and a-f in IPv6), e.g. 10.0.0.0/8");
            }
        }
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
            prefix = 0;
            for (int i = 0; i < prefixText.length(); i++) {
                prefix = prefix * 10 + (prefixText.charAt(i) - '0');
            }
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
        if (mappedAsIpv4 && prefix >= 96 && Addresses.isMapped(masked)) {
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
        if (Addresses.isMapped(bytes)) {
            // An IPv4 address in IPv6 clothing: only IPv4 ranges apply.
            return network.length == 4 && prefixMatches(bytes, 12);
        }
        return bytes.length == network.length && prefixMatches(bytes, 0);
    }

    /**
     * Whether 4 or 16 raw bytes lie in this range, taken as they are: 16 bytes are only ever in an IPv6 range
     * and 4 bytes in an IPv4 one, IPv4-mapped or not.
     */
    public boolean contains(byte[] address) {
        return address.length == network.length && prefixMatches(address, 0);
    }

    private boolean prefixMatches(byte[] bytes, int offset) {
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
