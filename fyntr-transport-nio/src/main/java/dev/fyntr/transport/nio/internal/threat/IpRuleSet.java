package dev.fyntr.transport.nio.internal.threat;

import dev.fyntr.transport.nio.internal.net.Addresses;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Feed IPs and CIDR ranges, looked up by address. CIDR ranges are either nested or disjoint, so a lookup masks
 * the address once per prefix length present in the feed and binary-searches that length's sorted networks:
 * O(P log N) for P distinct prefix lengths (at most 33 for IPv4, 129 for IPv6; a few in practice), and the rule
 * reported is the exact line that matched, most specific first. Immutable once built.
 */
final class IpRuleSet {

    /** A matching rule: its network, prefix length and the feed file it came from. */
    record Match(byte[] network, int prefixLength, int source) {
        /** {@code 192.0.2.7} for a single address, {@code 192.0.2.0/24} for a range. */
        String ruleText() {
            String ip = Addresses.toText(network);
            return prefixLength == network.length * 8 ? ip : ip + "/" + prefixLength;
        }

        boolean singleAddress() {
            return prefixLength == network.length * 8;
        }
    }

    /** Per prefix length 0-32: sorted {@code network << 16 | source}, networks unique. */
    private final long[][] v4;
    /** Prefix lengths present for IPv4, longest first. */
    private final int[] v4Prefixes;
    /** Per prefix length 0-128: sorted by network, unique. */
    private final V6[][] v6;
    private final int[] v6Prefixes;
    private final int size;

    private record V6(long hi, long lo, int source) {
    }

    private static final Comparator<V6> V6_ORDER = (a, b) -> {
        int c = Long.compareUnsigned(a.hi, b.hi);
        return c != 0 ? c : Long.compareUnsigned(a.lo, b.lo);
    };

    private IpRuleSet(long[][] v4, V6[][] v6) {
        this.v4 = v4;
        this.v6 = v6;
        this.v4Prefixes = present(v4.length, p -> v4[p] != null && v4[p].length > 0);
        this.v6Prefixes = present(v6.length, p -> v6[p] != null && v6[p].length > 0);
        int n = 0;
        for (long[] a : v4) {
            n += a == null ? 0 : a.length;
        }
        for (V6[] a : v6) {
            n += a == null ? 0 : a.length;
        }
        this.size = n;
    }

    private static int[] present(int lengths, java.util.function.IntPredicate has) {
        return java.util.stream.IntStream.iterate(lengths - 1, p -> p >= 0, p -> p - 1).filter(has).toArray();
    }

    int size() {
        return size;
    }

    /** The most specific rule containing the address (IPv4-mapped IPv6 is checked as IPv4), or {@code null}. */
    Match find(InetAddress address) {
        byte[] b = address.getAddress(); // one copy; the IPv4-mapped check is done on it, not on a second one
        int v4At = b.length == 4 ? 0 : isIpv4Mapped(b) ? 12 : -1;
        if (v4At >= 0) {
            long a = (b[v4At] & 0xFFL) << 24 | (b[v4At + 1] & 0xFFL) << 16 | (b[v4At + 2] & 0xFFL) << 8
                    | (b[v4At + 3] & 0xFFL);
            for (int p : v4Prefixes) {
                long net = p == 0 ? 0 : a & (0xFFFFFFFFL << (32 - p)) & 0xFFFFFFFFL;
                long[] arr = v4[p];
                int i = lowerBound(arr, net << 16);
                if (i < arr.length && arr[i] >>> 16 == net) {
                    return new Match(toBytes4(net), p, (int) (arr[i] & 0xFFFF));
                }
            }
            return null;
        }
        long hi = toLong(b, 0);
        long lo = toLong(b, 8);
        for (int p : v6Prefixes) {
            long mhi = p >= 64 ? hi : (p == 0 ? 0 : hi & (-1L << (64 - p)));
            long mlo = p <= 64 ? 0 : (p == 128 ? lo : lo & (-1L << (128 - p)));
            V6[] arr = v6[p];
            int i = indexOf(arr, mhi, mlo);
            if (i >= 0) {
                byte[] net = new byte[16];
                putLong(net, 0, mhi);
                putLong(net, 8, mlo);
                return new Match(net, p, arr[i].source);
            }
        }
        return null;
    }

    /** {@code ::ffff:a.b.c.d}: checked as the IPv4 address, like {@link Addresses#canonical}. */
    private static boolean isIpv4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xFF && b[11] == (byte) 0xFF;
    }

    /** Binary search for a network without building a search key. */
    private static int indexOf(V6[] arr, long hi, long lo) {
        int from = 0;
        int to = arr.length - 1;
        while (from <= to) {
            int mid = (from + to) >>> 1;
            V6 v = arr[mid];
            int c = Long.compareUnsigned(v.hi, hi);
            if (c == 0) {
                c = Long.compareUnsigned(v.lo, lo);
            }
            if (c < 0) {
                from = mid + 1;
            } else if (c > 0) {
                to = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    private static int lowerBound(long[] arr, long key) {
        int lo = 0;
        int hi = arr.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (arr[mid] < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static byte[] toBytes4(long v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    private static long toLong(byte[] b, int from) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (b[from + i] & 0xFFL);
        }
        return v;
    }

    private static void putLong(byte[] b, int from, long v) {
        for (int i = 7; i >= 0; i--) {
            b[from + i] = (byte) v;
            v >>>= 8;
        }
    }

    /** Collects rules while feeds load. Single-threaded. */
    static final class Builder {
        private final long[][] v4 = new long[33][];
        private final int[] v4Count = new int[33];
        private final List<List<V6>> v6 = new ArrayList<>();

        Builder() {
            for (int p = 0; p <= 128; p++) {
                v6.add(null);
            }
        }

        /** Adds a range whose host bits are clear (as {@link FeedLineParser} delivers them). */
        void add(byte[] network, int prefixLength, int source) {
            if (network.length == 4) {
                long net = (network[0] & 0xFFL) << 24 | (network[1] & 0xFFL) << 16 | (network[2] & 0xFFL) << 8
                        | (network[3] & 0xFFL);
                long[] arr = v4[prefixLength];
                int n = v4Count[prefixLength];
                if (arr == null) {
                    arr = new long[16];
                } else if (n == arr.length) {
                    arr = Arrays.copyOf(arr, n * 2);
                }
                arr[n] = net << 16 | source;
                v4[prefixLength] = arr;
                v4Count[prefixLength] = n + 1;
            } else {
                List<V6> list = v6.get(prefixLength);
                if (list == null) {
                    list = new ArrayList<>();
                    v6.set(prefixLength, list);
                }
                list.add(new V6(toLong(network, 0), toLong(network, 8), source));
            }
        }

        /** Sorts, drops duplicates (the first feed's source wins) and freezes. */
        IpRuleSet build() {
            long[][] frozen4 = new long[33][];
            for (int p = 0; p <= 32; p++) {
                if (v4[p] == null) {
                    continue;
                }
                long[] arr = Arrays.copyOf(v4[p], v4Count[p]);
                Arrays.sort(arr); // by network, then by source: the lowest source comes first
                int w = 0;
                for (int r = 0; r < arr.length; r++) {
                    if (w == 0 || arr[r] >>> 16 != arr[w - 1] >>> 16) {
                        arr[w++] = arr[r];
                    }
                }
                frozen4[p] = Arrays.copyOf(arr, w);
            }
            V6[][] frozen6 = new V6[129][];
            for (int p = 0; p <= 128; p++) {
                List<V6> list = v6.get(p);
                if (list == null) {
                    continue;
                }
                list.sort(V6_ORDER.thenComparingInt(V6::source));
                List<V6> unique = new ArrayList<>(list.size());
                for (V6 r : list) {
                    if (unique.isEmpty() || V6_ORDER.compare(unique.get(unique.size() - 1), r) != 0) {
                        unique.add(r);
                    }
                }
                frozen6[p] = unique.toArray(new V6[0]);
            }
            return new IpRuleSet(frozen4, frozen6);
        }
    }
}
