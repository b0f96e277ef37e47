package dev.fyntr.transport.nio.internal.threat;

import java.util.Arrays;

/**
 * A compact set of ASCII domain names with a label-boundary suffix lookup: {@code evil.example} matches
 * {@code evil.example} and {@code api.evil.example}, never {@code notevil.example}.
 *
 * <p>Why not a {@code HashSet<String>}: a million entries cost about 100 MB there (a String, its array and a
 * map node each), and probing every suffix of a host would allocate a substring per label. Here the names sit
 * back to back in one byte arena ({@code [length][source hi][source lo][bytes...]}) and an open-addressing
 * table of (hash, arena offset) pairs indexes them; the hash runs right to left, so one pass over the host
 * yields the hash of every suffix and a lookup costs one probe sequence per label, O(labels), with no
 * allocation. Keeping the full hash in the slot means a probe touches the arena (a likely cache miss in a
 * 30 MB table) only when the hashes agree, almost always a real match.
 *
 * <p>Filled by one thread while loading, then only read: safe to share once published (the proxy publishes it
 * through a final field before its event loop starts).
 */
final class DomainSet {

    private static final int HEADER_BYTES = 3;
    private static final int FNV_OFFSET = 0x811C9DC5;
    private static final int FNV_PRIME = 0x01000193;

    private byte[] arena;
    private int arenaSize;
    /** {@code hash << 32 | (arena offset + 1)} of each entry; 0 = empty. Power-of-two length, at most half full. */
    private long[] slots;
    private int size;

    DomainSet() {
        arena = new byte[4096];
        slots = new long[256];
    }

    int size() {
        return size;
    }

    /** Bytes held, for the load report. */
    long footprintBytes() {
        return (long) arena.length + 8L * slots.length;
    }

    /**
     * Adds a name, already in the canonical form of {@code HostNames.canonicalDomain}; returns false if it was there.
     *
     * @param source which feed file it came from, 0-65535
     */
    boolean add(String domain, int source) {
        int n = domain.length();
        if (n == 0 || n > 255 || source < 0 || source > 0xFFFF) {
            throw new IllegalArgumentException("bad entry: length " + n + ", source " + source);
        }
        int h = FNV_OFFSET;
        for (int i = n - 1; i >= 0; i--) {
            h = (h ^ domain.charAt(i)) * FNV_PRIME;
        }
        if (find(domain, 0, h) >= 0) {
            return false;
        }
        if ((size + 1) * 2L > slots.length) {
            rehash(slots.length * 2);
        }
        int off = allocate(HEADER_BYTES + n);
        arena[off] = (byte) n;
        arena[off + 1] = (byte) (source >>> 8);
        arena[off + 2] = (byte) source;
        for (int i = 0; i < n; i++) {
            arena[off + HEADER_BYTES + i] = (byte) domain.charAt(i);
        }
        insert(off, h);
        size++;
        return true;
    }

    /**
     * The entry that {@code host} equals or is a subdomain of, as an arena offset for {@link #domainAt} and
     * {@link #sourceAt}; -1 if none. When several match, the shortest (broadest) one is returned.
     *
     * @param host ASCII lower case without trailing dot, as {@code ConnectTarget} validates it
     */
    int findSuffix(String host) {
        if (size == 0) {
            return -1;
        }
        int h = FNV_OFFSET;
        for (int i = host.length() - 1; i >= 0; i--) {
            h = (h ^ host.charAt(i)) * FNV_PRIME;
            if (i == 0 || host.charAt(i - 1) == '.') {
                int found = find(host, i, h);
                if (found >= 0) {
                    return found;
                }
            }
        }
        return -1;
    }

    String domainAt(int offset) {
        int n = arena[offset] & 0xFF;
        return new String(arena, offset + HEADER_BYTES, n, java.nio.charset.StandardCharsets.US_ASCII);
    }

    int sourceAt(int offset) {
        return (arena[offset + 1] & 0xFF) << 8 | (arena[offset + 2] & 0xFF);
    }

    /** Drops the arena's unused tail once loading is done. */
    void trim() {
        arena = Arrays.copyOf(arena, Math.max(1, arenaSize));
    }

    /** Arena offset of the entry equal to {@code s[from..]}, whose right-to-left hash is {@code h}; or -1. */
    private int find(String s, int from, int h) {
        int n = s.length() - from;
        int mask = slots.length - 1;
        for (int i = mix(h) & mask; ; i = (i + 1) & mask) { // bounded: the table is never more than half full
            long slot = slots[i];
            if (slot == 0) {
                return -1;
            }
            if ((int) (slot >>> 32) != h) {
                continue;
            }
            int off = (int) slot - 1;
            if ((arena[off] & 0xFF) == n && regionMatches(off + HEADER_BYTES, s, from, n)) {
                return off;
            }
        }
    }

    private boolean regionMatches(int at, String s, int from, int n) {
        for (int i = 0; i < n; i++) {
            if (arena[at + i] != (byte) s.charAt(from + i)) {
                return false;
            }
        }
        return true;
    }

    private void insert(int offset, int h) {
        int mask = slots.length - 1;
        int i = mix(h) & mask;
        while (slots[i] != 0) {
            i = (i + 1) & mask;
        }
        slots[i] = (long) h << 32 | ((offset + 1) & 0xFFFFFFFFL);
    }

    private void rehash(int capacity) {
        long[] old = slots;
        slots = new long[capacity];
        for (long slot : old) {
            if (slot != 0) {
                insert((int) slot - 1, (int) (slot >>> 32));
            }
        }
    }

    private int allocate(int bytes) {
        if (arenaSize + (long) bytes > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("threat feeds too large: more than 2 GB of domain names");
        }
        if (arenaSize + bytes > arena.length) {
            long grown = Math.max((long) arena.length * 2, (long) arenaSize + bytes);
            arena = Arrays.copyOf(arena, (int) Math.min(grown, Integer.MAX_VALUE - 16));
        }
        int off = arenaSize;
        arenaSize += bytes;
        return off;
    }

    /** Murmur3's finaliser: FNV's low bits alone cluster badly for names sharing a long suffix. */
    private static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        h ^= h >>> 16;
        return h;
    }
}
