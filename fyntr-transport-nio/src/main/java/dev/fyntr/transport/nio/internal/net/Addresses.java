package dev.fyntr.transport.nio.internal.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * IP literal parsing and canonical text, without ever touching DNS: every parser here is written out by hand
 * instead of calling {@link InetAddress#getByName}, whose behaviour on odd input (a name that merely looks
 * numeric) is to ask the resolver.
 */
public final class Addresses {

    private Addresses() {
    }

    /**
     * Parses a strict dotted-quad IPv4 literal ({@code 127.0.0.1}: exactly four decimal parts 0-255, no leading
     * zeros) or an IPv6 literal (RFC 4291 text form, without brackets or zone, optionally ending in a dotted
     * quad); returns its 4 or 16 bytes, or {@code null} if the text is neither. Strict ASCII: the digits are
     * {@code 0-9} and the hex digits {@code 0-9 a-f A-F}, nothing else (no other script's digits, no full-width
     * forms). IPv4-mapped IPv6 text stays 16 bytes here, so that ranges such as {@code ::ffff:0:0/96} can be
     * parsed; see {@link #canonical}.
     */
    public static byte[] parseLiteral(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        if (text.indexOf(':') >= 0) {
            return parseIpv6(text);
        }
        return parseIpv4(text, 0, text.length());
    }

    /**
     * The literal as an address, or {@code null} if it is not a literal. An IPv4-mapped IPv6 literal comes
     * back as the {@link java.net.Inet4Address} (the JDK does that for any 16-byte mapped address).
     */
    public static InetAddress literal(String text) {
        byte[] bytes = parseLiteral(text);
        return bytes == null ? null : toInetAddress(bytes);
    }

    /**
     * IPv4-mapped IPv6 ({@code ::ffff:a.b.c.d}) becomes the IPv4 address; everything else, {@code ::1} and the
     * deprecated IPv4-compatible {@code ::a.b.c.d} included, stays as it is.
     */
    public static InetAddress canonical(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] b = address.getAddress();
            if (isMapped(b)) {
                return toInetAddress(new byte[] {b[12], b[13], b[14], b[15]});
            }
        }
        return address;
    }

    /** Whether 16 bytes are an IPv4-mapped IPv6 address ({@code ::ffff:0:0/96}). */
    public static boolean isMapped(byte[] b) {
        if (b.length != 16) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xFF && b[11] == (byte) 0xFF;
    }

    /**
     * Canonical text of an address: dotted quad for IPv4; RFC 5952 for IPv6 (lower case, no leading zeros,
     * the longest run of two or more zero groups shortened to {@code ::}, the first one on a tie, and
     * {@code ::ffff:a.b.c.d} for IPv4-mapped addresses). The JDK's {@code getHostAddress()} writes
     * {@code 0:0:0:0:0:0:0:1}, which nobody types.
     */
    public static String toText(InetAddress address) {
        return toText(address.getAddress());
    }

    /** {@link #toText(InetAddress)} for 4 or 16 raw bytes. */
    public static String toText(byte[] b) {
        if (b.length == 4) {
            return (b[0] & 0xFF) + "." + (b[1] & 0xFF) + "." + (b[2] & 0xFF) + "." + (b[3] & 0xFF);
        }
        if (b.length != 16) {
            throw new IllegalArgumentException("an address has 4 or 16 bytes, not " + b.length);
        }
        if (isMapped(b)) {
            return "::ffff:" + (b[12] & 0xFF) + "." + (b[13] & 0xFF) + "." + (b[14] & 0xFF) + "." + (b[15] & 0xFF);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (b[2 * i] & 0xFF) << 8 | (b[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLength = 1; // a single zero group is never shortened (RFC 5952 §4.2.2)
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }

    /**
     * The address of 4 or 16 bytes, without a host name (so neither its {@code toString()} nor a log line can
     * trigger or show a lookup). 16 IPv4-mapped bytes give the IPv4 address, as in the JDK.
     */
    public static InetAddress toInetAddressWithoutName(byte[] bytes) {
        return toInetAddress(bytes);
    }

    static InetAddress toInetAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes", e);
        }
    }

    /**
     * The value of an ASCII hex digit ({@code 0-9 a-f A-F}), or -1 for anything else. Unlike
     * {@link Character#digit(char, int)}, which also takes Arabic-Indic, Devanagari or full-width digits and the
     * full-width letters U+FF41-U+FF46 (a-f), so that a literal written with them would not be what its text says.
     */
    public static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** Strict dotted quad in text[from, to), or null. */
    private static byte[] parseIpv4(String text, int from, int to) {
        byte[] out = new byte[4];
        int part = 0;
        int value = 0;
        int digits = 0;
        for (int i = from; i <= to; i++) {
            char c = i == to ? '.' : text.charAt(i);
            if (c >= '0' && c <= '9') {
                if (digits == 1 && value == 0) {
                    return null; // leading zero: octal to some resolvers (0177.0.0.1 = 127.0.0.1)
                }
                value = value * 10 + (c - '0');
                digits++;
                if (value > 255) {
                    return null;
                }
            } else if (c == '.') {
                if (digits == 0 || part == 4) {
                    return null;
                }
                out[part++] = (byte) value;
                value = 0;
                digits = 0;
            } else {
                return null;
            }
        }
        return part == 4 ? out : null;
    }

    /** RFC 4291 §2.2 text form, no zone, or null. */
    private static byte[] parseIpv6(String text) {
        int n = text.length();
        if (n < 2 || n > 45) { // 45 = longest form, ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255
            return null;
        }
        byte[] out = new byte[16];
        int groups = 0;       // 16-bit groups written so far
        int gapAt = -1;       // group index where "::" stands
        int i = 0;
        if (text.startsWith("::")) {
            gapAt = 0;
            i = 2;
            if (i == n) {
                return out; // "::"
            }
        } else if (text.charAt(0) == ':') {
            return null;
        }
        while (i < n) {
            int start = i;
            int value = 0;
            for (int h; i < n && i - start < 5 && (h = hexDigit(text.charAt(i))) >= 0; i++) {
                value = value << 4 | h;
            }
            if (i < n && text.charAt(i) == '.') {
                // Trailing dotted quad: takes the last two groups.
                if (groups > 6) {
                    return null;
                }
                byte[] v4 = parseIpv4(text, start, n);
                if (v4 == null) {
                    return null;
                }
                System.arraycopy(v4, 0, out, groups * 2, 4);
                groups += 2;
                i = n;
                break;
            }
            int digits = i - start;
            if (digits == 0 || digits > 4 || groups == 8) {
                return null;
            }
            out[groups * 2] = (byte) (value >>> 8);
            out[groups * 2 + 1] = (byte) value;
            groups++;
            if (i == n) {
                break;
            }
            if (text.charAt(i) != ':') {
                return null;
            }
            i++;
            if (i < n && text.charAt(i) == ':') {
                if (gapAt >= 0) {
                    return null; // only one "::"
                }
                gapAt = groups;
                i++;
                if (i == n) {
                    break;
                }
            } else if (i == n) {
                return null; // trailing single ':'
            }
        }
        if (gapAt < 0) {
            return groups == 8 ? out : null;
        }
        if (groups == 8) {
            return null; // "::" must stand for at least one group
        }
        int tail = groups - gapAt;
        System.arraycopy(out, gapAt * 2, out, 16 - tail * 2, tail * 2);
        Arrays.fill(out, gapAt * 2, 16 - tail * 2, (byte) 0);
        return out;
    }
}
