package dev.fyntr.transport.nio.internal.policy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** IP literal parsing and canonical forms, without ever touching DNS. */
public final class Addresses {

    private Addresses() {
    }

    /**
     * Parses a strict dotted-quad IPv4 literal ({@code 127.0.0.1}: four decimal parts 0-255, no leading zeros
     * beyond "0") or an IPv6 literal without brackets or zone; returns its 4 or 16 bytes, or {@code null}
     * if the text is neither. Never resolves names.
     */
    public static byte[] parseLiteral(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        if (text.indexOf(':') >= 0) {
            return parseIpv6(text);
        }
        return parseIpv4(text);
    }

    /** The literal as an address, or {@code null} if it is not a literal. */
    public static InetAddress literal(String text) {
        byte[] bytes = parseLiteral(text);
        return bytes == null ? null : Cidr.toInetAddress(bytes);
    }

    /**
     * IPv4-mapped IPv6 ({@code ::ffff:a.b.c.d}) becomes the IPv4 address; everything else, {@code ::1}
     * included, stays as it is.
     */
    public static InetAddress canonical(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] b = address.getAddress();
            for (int i = 0; i < 10; i++) {
                if (b[i] != 0) {
                    return address;
                }
            }
            if (b[10] == (byte) 0xFF && b[11] == (byte) 0xFF) {
                try {
                    return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
                } catch (UnknownHostException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return address;
    }

    static String toText(byte[] bytes) {
        return Cidr.toInetAddress(bytes).getHostAddress();
    }

    private static byte[] parseIpv4(String text) {
        byte[] out = new byte[4];
        int part = 0;
        int value = -1;
        int digits = 0;
        for (int i = 0; i <= text.length(); i++) {
            char c = i == text.length() ? '.' : text.charAt(i);
            if (c >= '0' && c <= '9') {
                if (digits > 0 && value == 0) {
                    return null; // leading zero: ambiguous (octal in some resolvers)
                }
                value = (value < 0 ? 0 : value * 10) + (c - '0');
                digits++;
                if (value > 255) {
                    return null;
                }
            } else if (c == '.') {
                if (digits == 0 || part == 4) {
                    return null;
                }
                out[part++] = (byte) value;
                value = -1;
                digits = 0;
            } else {
                return null;
            }
        }
        return part == 4 ? out : null;
    }

    private static byte[] parseIpv6(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = c == ':' || c == '.' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!ok) {
                return null; // no zones, no brackets, no names: keeps InetAddress away from DNS
            }
        }
        try {
            InetAddress a = InetAddress.getByName(text.indexOf(':') >= 0 ? "[" + text + "]" : text);
            byte[] b = a.getAddress();
            if (b.length == 4) {
                // The JDK turns ::ffff:a.b.c.d into an Inet4Address; keep the 16-byte form for ranges.
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xFF;
                mapped[11] = (byte) 0xFF;
                System.arraycopy(b, 0, mapped, 12, 4);
                return mapped;
            }
            return b;
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
