package dev.fyntr.bench.jmh;

import java.io.BufferedWriter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A seeded, synthetic threat feed for {@link ThreatFeedBench}: {@code domains} distinct domain entries plus
 * one address rule per 100 domains, and lookups that are hits or misses <em>by construction</em>, so that a
 * benchmark never measures the wrong path by accident.
 *
 * <p>Shape of the entries, and why:
 * <ul>
 * <li>Domain {@code i} is {@code [letters.]letters<i>.tld}. The decimal index ends its second-level label, so
 *     every entry is distinct, and no entry is a suffix of another (each lookup hit has exactly one answer).</li>
 * <li>Hits are 1 to 4 extra labels in front of an entry ({@code cdn.x.evil123.com}). Misses use the same TLDs
 *     but a second-level label of letters only, which no entry has, so every label is probed and none hits.</li>
 * <li>Lines mix the formats real block lists use: plain names, {@code ||name^}, hosts-file
 *     {@code 0.0.0.0 name}, trailing comments, and {@code #}/{@code !} comment lines.</li>
 * <li>Address rules: half single IPv4 addresses and a fifth IPv4 CIDR ranges (/16 to /28), all with a first
 *     octet of 1-100; a fifth single IPv6 addresses and a tenth IPv6 /48s, all in {@code 2001:db8:0-7fff::/48}.
 *     Address misses lie outside both: IPv4 first octets 150-220, IPv6 third group 8000-ffff.</li>
 * </ul>
 * Everything derives from the seed, so the same arguments always write the same bytes.
 */
final class SyntheticThreatFeed {

    static final String[] TLDS = {"com", "net", "org", "io", "xyz", "info", "ru", "cn", "top", "site"};
    private static final String[] COMMON_LABELS = {"www", "api", "cdn", "static", "m", "img", "login", "mail"};

    private final String[] domains;
    /** IPv4 rules: {@code address << 8 | prefix}, prefix 32 for a single address. */
    private final long[] v4Rules;
    /** IPv6 rules: the first 64 bits, the last 64 bits, and the prefix (128 or 48). */
    private final long[] v6Hi;
    private final long[] v6Lo;
    private final int[] v6Prefix;

    private SyntheticThreatFeed(String[] domains, long[] v4Rules, long[] v6Hi, long[] v6Lo, int[] v6Prefix) {
        this.domains = domains;
        this.v4Rules = v4Rules;
        this.v6Hi = v6Hi;
        this.v6Lo = v6Lo;
        this.v6Prefix = v6Prefix;
    }

    /** Generates {@code domainCount} domains and {@code max(2, domainCount / 100)} distinct address rules. */
    static SyntheticThreatFeed generate(int domainCount, long seed) {
        if (domainCount < 1) {
            throw new IllegalArgumentException("at least one domain: " + domainCount);
        }
        SplittableRandom r = new SplittableRandom(seed);
        String[] domains = new String[domainCount];
        StringBuilder b = new StringBuilder(40);
        for (int i = 0; i < domainCount; i++) {
            b.setLength(0);
            if (r.nextInt(4) == 0) {
                letters(r, b).append('.');
            }
            letters(r, b).append(i).append('.').append(TLDS[r.nextInt(TLDS.length)]);
            domains[i] = b.toString();
        }
        int rules = Math.max(2, domainCount / 100); // at least one rule per family
        int v6Count = Math.max(1, rules * 3 / 10);
        int v4Count = rules - v6Count;
        long[] v4 = new long[v4Count];
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < v4Count; ) { // bounded: the space (100 × 2^24 addresses) dwarfs the count
            boolean range = i % 7 >= 5; // 2 in 7 of the IPv4 rules are ranges: a fifth of all rules
            int prefix = range ? 16 + r.nextInt(13) : 32;
            long address = (1L + r.nextInt(100)) << 24 | r.nextInt(1 << 24);
            long network = address & (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
            if (seen.add(network << 8 | prefix)) {
                v4[i++] = network << 8 | prefix;
            }
        }
        long[] hi = new long[v6Count];
        long[] lo = new long[v6Count];
        int[] prefixes = new int[v6Count];
        seen.clear();
        for (int i = 0; i < v6Count; ) {
            boolean range = i % 3 == 2;
            long third = r.nextInt(0x8000);
            long h = 0x20010DB8_00000000L | third << 16 | (range ? 0 : r.nextInt(1 << 16));
            long l = range ? 0 : r.nextLong();
            if (seen.add((h * 31 + l) * 131 + (range ? 48 : 128))) {
                hi[i] = h;
                lo[i] = l;
                prefixes[i] = range ? 48 : 128;
                i++;
            }
        }
        return new SyntheticThreatFeed(domains, v4, hi, lo, prefixes);
    }

    int domainCount() {
        return domains.length;
    }

    String domain(int i) {
        return domains[i];
    }

    int addressRuleCount() {
        return v4Rules.length + v6Hi.length;
    }

    /** Writes the feed as UTF-8; returns the number of entry lines written (comments excluded). */
    long write(Path file) throws IOException {
        long entries = 0;
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("# synthetic threat feed written by dev.fyntr.bench.jmh.SyntheticThreatFeed\n");
            w.write("! adblock-style header comment\n\n");
            for (int i = 0; i < domains.length; i++) {
                String d = domains[i];
                switch (i & 3) {
                    case 0 -> w.write(d);
                    case 1 -> w.write("||" + d + "^");
                    case 2 -> w.write("0.0.0.0 " + d);
                    default -> w.write(d + " # listed " + i);
                }
                w.write('\n');
                entries++;
                if (i % 100_000 == 99_999) {
                    w.write("# section " + (i + 1) / 100_000 + "\n");
                }
            }
            for (long rule : v4Rules) {
                int prefix = (int) (rule & 0xFF);
                w.write(v4Text(rule >>> 8));
                w.write(prefix == 32 ? "\n" : "/" + prefix + "\n");
                entries++;
            }
            for (int i = 0; i < v6Hi.length; i++) {
                w.write(v6Text(v6Hi[i], v6Lo[i]));
                w.write(v6Prefix[i] == 128 ? "\n" : "/" + v6Prefix[i] + "\n");
                entries++;
            }
        }
        return entries;
    }

    /** Host names, and for each the feed entry it must match ({@code null} for misses). */
    record Hosts(String[] hosts, String[] expected) {
    }

    /** {@code n} hits: 1 to 4 labels in front of a random entry. */
    Hosts hits(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        String[] hosts = new String[n];
        String[] expected = new String[n];
        StringBuilder b = new StringBuilder(64);
        for (int i = 0; i < n; i++) {
            String entry = domains[r.nextInt(domains.length)];
            b.setLength(0);
            for (int labels = 1 + r.nextInt(4); labels > 0; labels--) {
                if (r.nextBoolean()) {
                    b.append(COMMON_LABELS[r.nextInt(COMMON_LABELS.length)]);
                } else {
                    letters(r, b);
                }
                b.append('.');
            }
            hosts[i] = b.append(entry).toString();
            expected[i] = entry;
        }
        return new Hosts(hosts, expected);
    }

    /** {@code n} misses of 2 to 5 labels, with the feed's TLDs and a letters-only second-level label. */
    Hosts misses(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        String[] hosts = new String[n];
        StringBuilder b = new StringBuilder(64);
        for (int i = 0; i < n; i++) {
            b.setLength(0);
            for (int labels = r.nextInt(4); labels > 0; labels--) {
                if (r.nextBoolean()) {
                    b.append(COMMON_LABELS[r.nextInt(COMMON_LABELS.length)]);
                } else {
                    letters(r, b);
                }
                b.append('.');
            }
            letters(r, b).append('.').append(TLDS[r.nextInt(TLDS.length)]);
            hosts[i] = b.toString();
        }
        return new Hosts(hosts, new String[n]);
    }

    /** {@code n} addresses each inside a random rule of one family (a listed address, or inside a range). */
    InetAddress[] addressHits(int n, long seed, boolean ipv6) {
        SplittableRandom r = new SplittableRandom(seed);
        InetAddress[] out = new InetAddress[n];
        for (int i = 0; i < n; i++) {
            if (!ipv6) {
                long rule = v4Rules[r.nextInt(v4Rules.length)];
                int prefix = (int) (rule & 0xFF);
                long host = prefix == 32 ? 0 : r.nextInt() & (0xFFFFFFFFL >>> prefix);
                out[i] = v4((rule >>> 8) | host);
            } else {
                int k = r.nextInt(v6Hi.length);
                out[i] = v6Prefix[k] == 128 ? v6(v6Hi[k], v6Lo[k]) : v6(v6Hi[k] | r.nextInt(1 << 16), r.nextLong());
            }
        }
        return out;
    }

    /** {@code n} addresses of one family outside every rule. */
    InetAddress[] addressMisses(int n, long seed, boolean ipv6) {
        SplittableRandom r = new SplittableRandom(seed);
        InetAddress[] out = new InetAddress[n];
        for (int i = 0; i < n; i++) {
            out[i] = !ipv6
                    ? v4((150L + r.nextInt(71)) << 24 | r.nextInt(1 << 24))
                    : v6(0x20010DB8_00000000L | (0x8000L + r.nextInt(0x8000)) << 16 | r.nextInt(1 << 16), r.nextLong());
        }
        return out;
    }

    private static StringBuilder letters(SplittableRandom r, StringBuilder b) {
        for (int n = 4 + r.nextInt(9); n > 0; n--) {
            b.append((char) ('a' + r.nextInt(26)));
        }
        return b;
    }

    private static String v4Text(long a) {
        return (a >>> 24 & 0xFF) + "." + (a >>> 16 & 0xFF) + "." + (a >>> 8 & 0xFF) + "." + (a & 0xFF);
    }

    /** RFC 4291's full form (eight groups, no {@code ::}), which every parser accepts. */
    private static String v6Text(long hi, long lo) {
        StringBuilder b = new StringBuilder(39);
        for (int g = 0; g < 8; g++) {
            long word = g < 4 ? hi : lo;
            b.append(g == 0 ? "" : ":").append(Long.toHexString(word >>> (48 - 16 * (g % 4)) & 0xFFFF));
        }
        return b.toString();
    }

    private static InetAddress v4(long a) {
        return byAddress(new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a});
    }

    private static InetAddress v6(long hi, long lo) {
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (hi >>> (56 - 8 * i));
            b[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        return byAddress(b);
    }

    private static InetAddress byAddress(byte[] b) {
        try {
            return InetAddress.getByAddress(b); // raw bytes: never a DNS query
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes always make an address", e);
        }
    }
}
