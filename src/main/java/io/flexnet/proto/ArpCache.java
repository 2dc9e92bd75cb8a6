package io.flexnet.proto;

/**
 * IPv4 → MAC table with expiry times, in three primitive arrays (open addressing, no objects, no
 * boxing). A key lives within {@link #PROBE} slots of its hash; lookups scan that whole window, so
 * removal needs no tombstones. When a window is full, inserting evicts the entry closest to expiry.
 * Not thread-safe: {@link Arp} guards it.
 */
final class ArpCache {
    /** Probe window: short enough that a lookup is a few cache lines, long enough that collisions rarely evict. */
    static final int PROBE = 8;

    private final int[] ips;
    private final long[] macs;
    private final long[] expires;
    private final int mask;
    private final int shift;
    private int size;

    /** {@code capacity} is rounded up to a power of two, at least {@link #PROBE}. */
    ArpCache(int capacity) {
        int cap = Math.max(PROBE, capacity <= 1 ? 1 : Integer.highestOneBit(capacity - 1) << 1);
        ips = new int[cap];
        macs = new long[cap];
        expires = new long[cap];
        mask = cap - 1;
        shift = 32 - Integer.numberOfTrailingZeros(cap);
    }

    int capacity() { return ips.length; }

    int size() { return size; }

    private int home(int ip) {
        return (ip * 0x9E37_79B9) >>> shift;  // Fibonacci hashing: spreads consecutive addresses
    }

    /** Slot holding {@code ip}, or -1. Address 0 is never stored (it marks an empty slot). */
    int find(int ip) {
        if (ip == 0) return -1;
        int h = home(ip);
        for (int i = 0; i < PROBE; i++) {
            int s = (h + i) & mask;
            if (ips[s] == ip) return s;
        }
        return -1;
    }

    /** MAC of {@code ip}, or -1. Expired entries stay visible until {@link #expire} removes them. */
    long get(int ip) {
        int s = find(ip);
        return s < 0 ? -1 : macs[s];
    }

    long expiresAt(int ip) {
        int s = find(ip);
        return s < 0 ? Long.MIN_VALUE : expires[s];
    }

    /** Inserts or updates; may evict the entry closest to expiry in the window. */
    void put(int ip, long mac, long expiresAt) {
        if (ip == 0) return;
        int s = find(ip);
        if (s < 0) {
            int h = home(ip);
            int victim = -1;
            for (int i = 0; i < PROBE; i++) {
                int t = (h + i) & mask;
                if (ips[t] == 0) {
                    victim = t;
                    break;
                }
                if (victim < 0 || expires[t] - expires[victim] < 0) victim = t;
            }
            s = victim;
            if (ips[s] == 0) size++;
            ips[s] = ip;
        }
        macs[s] = mac;
        expires[s] = expiresAt;
    }

    /** Updates an existing entry only (RFC 826's merge step); true when there was one. */
    boolean refresh(int ip, long mac, long expiresAt) {
        int s = find(ip);
        if (s < 0) return false;
        macs[s] = mac;
        expires[s] = expiresAt;
        return true;
    }

    boolean remove(int ip) {
        int s = find(ip);
        if (s < 0) return false;
        ips[s] = 0;
        size--;
        return true;
    }

    /**
     * Removes entries whose expiry is at or before {@code now}; returns the earliest expiry left, or
     * {@code now + Long.MAX_VALUE / 2} when the table is empty (a time that is far away, without overflow
     * surprises in differences).
     */
    long expire(long now) {
        long next = now + Long.MAX_VALUE / 2;
        for (int s = 0; s < ips.length; s++) {
            if (ips[s] == 0) continue;
            if (expires[s] - now <= 0) {
                ips[s] = 0;
                size--;
            } else if (expires[s] - next < 0) {
                next = expires[s];
            }
        }
        return next;
    }
}
