// Connection tracking for filters: a small bounded table saying whether a flow is new or established.
package io.flexnet.interpose;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Flows by (remote address, local address, protocol, local port, remote port), with the directions
 * seen and when last seen. As in Linux's conntrack, a flow is {@code new} until a packet has gone
 * the other way, then {@code established}. The table is fixed at construction (open addressing, a
 * few probes, power-of-two capacity): when the probes find no free or expired slot, the least
 * recently seen of them is evicted and counted, so a flood of new flows costs old idle ones their
 * state but never memory. Idle flows expire after {@code idleNanos} of the stack's time.
 *
 * <p>Striped locks over buckets of eight slots: two workers rarely meet, and a filter
 * without {@code ct state} rules never calls it.
 */
public final class FlowTable {
    public static final int NEW = 1, ESTABLISHED = 2;
    static final int IN = 1, OUT = 2;
    private static final int PROBES = 8;
    private static final int STRIPES = 64;

    private final long[] k1, k2, last;
    private final byte[] dirs;
    private final int mask;
    private final long idleNanos;
    private final Object[] locks = new Object[STRIPES];
    private final AtomicLong evictions = new AtomicLong();

    public FlowTable(int capacity, long idleNanos) {
        if (capacity < PROBES || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two >= " + PROBES + ", got " + capacity);
        }
        if (idleNanos <= 0) throw new IllegalArgumentException("idle timeout must be > 0");
        this.k1 = new long[capacity];
        this.k2 = new long[capacity];
        this.last = new long[capacity];
        this.dirs = new byte[capacity];
        this.mask = capacity - 1;
        this.idleNanos = idleNanos;
        for (int i = 0; i < STRIPES; i++) locks[i] = new Object();
    }

    /**
     * Notes a packet of the flow going {@code dir} ({@link #IN} or {@link #OUT}) at {@code now} and
     * returns its state: {@link #NEW} or {@link #ESTABLISHED}.
     */
    public int track(int dir, int localIp, int remoteIp, int protocol, int localPort, int remotePort, long now) {
        long a = (long) remoteIp << 32 | (localIp & 0xFFFF_FFFFL);
        long b = (long) (protocol & 0xFF) << 32 | (localPort & 0xFFFF) << 16 | (remotePort & 0xFFFF) | 1L << 40;
        // A bucket of PROBES aligned slots, all under one lock: probing never leaves it.
        int base = mix(a * 31 + b) & mask & ~(PROBES - 1);
        synchronized (locks[(base / PROBES) & (STRIPES - 1)]) {
            int victim = -1;
            long oldest = Long.MAX_VALUE;
            for (int i = 0; i < PROBES; i++) {
                int s = base + i;
                boolean live = dirs[s] != 0 && now - last[s] <= idleNanos;
                if (live && k1[s] == a && k2[s] == b) {
                    dirs[s] |= (byte) dir;
                    last[s] = now;
                    return dirs[s] == (IN | OUT) ? ESTABLISHED : NEW;
                }
                if (!live) {
                    if (victim < 0 || oldest != Long.MIN_VALUE) { victim = s; oldest = Long.MIN_VALUE; }
                } else if (last[s] < oldest) {
                    victim = s;
                    oldest = last[s];
                }
            }
            if (oldest != Long.MIN_VALUE) evictions.incrementAndGet();
            k1[victim] = a;
            k2[victim] = b;
            dirs[victim] = (byte) dir;
            last[victim] = now;
            return NEW;
        }
    }

    /** Live flows were pushed out for new ones this many times. */
    public long evictions() { return evictions.get(); }

    public int capacity() { return mask + 1; }

    private static int mix(long x) {
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        x ^= x >>> 33;
        return (int) x;
    }
}
