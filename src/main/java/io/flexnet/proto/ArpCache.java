package io.flexnet.proto;

/**
 * IPv4 → MAC neighbour table with Linux's reachability states, in primitive arrays (open addressing,
 * no objects, no boxing). A key lives within {@link #PROBE} slots of its hash; lookups scan that whole
 * window, so removal needs no tombstones. When a window is full, inserting evicts the entry whose timer
 * is soonest. Not thread-safe: {@link Arp} guards it and runs the state machine.
 *
 * <p>Each entry has a state, a timer (when the state next changes), the time its hardware address last
 * changed (for the lock time), and a probe count:
 * <ul>
 * <li>{@link #INCOMPLETE}: being resolved, no address yet; the timer is the next broadcast request, and
 *     {@link #updated} holds when a frame last wanted it (resolution stops once none has for a while).</li>
 * <li>{@link #REACHABLE}: confirmed lately; the timer is when that confirmation lapses.</li>
 * <li>{@link #STALE}: usable, unconfirmed; the timer is when an unused entry is forgotten.</li>
 * <li>{@link #DELAY}: used while stale; the timer is when probing starts unless confirmed first.</li>
 * <li>{@link #PROBING}: being probed; the timer is the next probe (unicast, then broadcast) or failure.</li>
 * <li>{@link #PERMANENT}: configured by hand; never probed, never forgotten.</li>
 * </ul>
 */
final class ArpCache {
    /** Probe window: short enough that a lookup is a few cache lines, long enough that collisions rarely evict. */
    static final int PROBE = 8;
    static final byte EMPTY = 0, REACHABLE = 1, STALE = 2, DELAY = 3, PROBING = 4, PERMANENT = 5, INCOMPLETE = 6;
    /** What {@link #fresh} answers for an entry that has an address but needs the state machine. */
    static final long NEEDS_ATTENTION = -2;

    private final int[] ips;
    private final long[] macs;
    private final byte[] states;
    private final long[] timers;
    private final long[] updated;
    private final int[] probes;
    /** The VLAN requests and probes for the entry go out on, or -1. */
    private final int[] vlans;
    private final int mask;
    private final int shift;
    private int size;

    /** {@code capacity} is rounded up to a power of two, at least {@link #PROBE}. */
    ArpCache(int capacity) {
        int cap = Math.max(PROBE, capacity <= 1 ? 1 : Integer.highestOneBit(capacity - 1) << 1);
        ips = new int[cap];
        macs = new long[cap];
        states = new byte[cap];
        timers = new long[cap];
        updated = new long[cap];
        probes = new int[cap];
        vlans = new int[cap];
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

    /**
     * The transmit path's question: the MAC of {@code ip} when it may be used as it is (confirmed and
     * not lapsed at {@code now}, or permanent), {@link #NEEDS_ATTENTION} when it has a MAC but its state
     * must move first, -1 when unknown or still being resolved. Reads only, so it can run under an
     * optimistic read.
     */
    long fresh(int ip, long now) {
        int s = find(ip);
        if (s < 0) return -1;
        byte st = states[s];
        if (st == INCOMPLETE) return -1;
        if (st == PERMANENT || (st == REACHABLE && now - timers[s] < 0)) return macs[s];
        return NEEDS_ATTENTION;
    }

    /** MAC of {@code ip} whatever its state, or -1 (unknown, or still being resolved). */
    long get(int ip) {
        int s = find(ip);
        return s < 0 || states[s] == INCOMPLETE ? -1 : macs[s];
    }

    /** A slot for {@code ip}: its own, or a new one (evicting the soonest timer of a full window, never a permanent entry if avoidable). */
    int insert(int ip) {
        int s = find(ip);
        if (s >= 0) return s;
        int h = home(ip);
        int victim = -1;
        for (int i = 0; i < PROBE; i++) {
            int t = (h + i) & mask;
            if (ips[t] == 0) {
                victim = t;
                break;
            }
            if (victim < 0 || evictBefore(t, victim)) victim = t;
        }
        if (ips[victim] == 0) size++;
        ips[victim] = ip;
        states[victim] = STALE;
        probes[victim] = 0;
        vlans[victim] = -1;
        return victim;
    }

    private boolean evictBefore(int a, int b) {
        boolean pa = states[a] == PERMANENT, pb = states[b] == PERMANENT;
        if (pa != pb) return pb;
        return timers[a] - timers[b] < 0;
    }

    void set(int slot, long mac, byte state, long timer, long updatedAt) {
        macs[slot] = mac;
        states[slot] = state;
        timers[slot] = timer;
        updated[slot] = updatedAt;
        probes[slot] = 0;
    }

    void state(int slot, byte state, long timer) {
        states[slot] = state;
        timers[slot] = timer;
    }

    int ip(int slot) { return ips[slot]; }
    long mac(int slot) { return macs[slot]; }
    byte state(int slot) { return states[slot]; }
    long timer(int slot) { return timers[slot]; }
    long updated(int slot) { return updated[slot]; }
    int probes(int slot) { return probes[slot]; }
    int vlan(int slot) { return vlans[slot]; }
    void vlan(int slot, int vlan) { vlans[slot] = vlan; }
    void updated(int slot, long t) { updated[slot] = t; }
    void probes(int slot, int n) { probes[slot] = n; }

    void removeSlot(int slot) {
        if (ips[slot] == 0) return;
        ips[slot] = 0;
        states[slot] = EMPTY;
        size--;
    }

    boolean remove(int ip) {
        int s = find(ip);
        if (s < 0) return false;
        removeSlot(s);
        return true;
    }

    static String stateName(byte state) {
        return switch (state) {
            case REACHABLE -> "reachable";
            case STALE -> "stale";
            case DELAY -> "delay";
            case PROBING -> "probe";
            case PERMANENT -> "permanent";
            case INCOMPLETE -> "incomplete";
            default -> "empty";
        };
    }
}
