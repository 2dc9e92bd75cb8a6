package io.flexnet.proto;

/**
 * Ceilings on the ICMP errors the stack sends, as Linux keeps them: a token bucket per destination
 * ({@code icmp_ratelimit}, 1000 ms: a burst of six, then one a second) and one for the whole host
 * ({@code icmp_msgs_per_sec} 1000 with a burst of {@code icmp_msgs_burst} 50). An error goes out only
 * when both allow it, so a flood of datagrams to closed ports — spoofed from one source or from many —
 * draws at most a thousand errors a second in all, and a burst of six toward any one host.
 *
 * <p>Per-destination state lives in a fixed table (open addressing, the oldest of a few probed slots
 * replaced), so memory stays bounded whatever the sources; a destination evicted by a flood of others
 * starts again with a fresh burst, which the global bucket still caps. Errors are the slow path:
 * one lock guards the table, and time comes from the caller's context.
 *
 * <pre>{@code
 * stack.icmp().rateLimit(new IcmpRateLimit(2_000_000_000L, 100, 10));   // stricter than Linux
 * }</pre>
 */
public final class IcmpRateLimit {
    /** Linux's defaults: {@code icmp_ratelimit} 1000 ms, {@code icmp_msgs_per_sec} 1000, {@code icmp_msgs_burst} 50. */
    public static final long DEFAULT_INTERVAL_NANOS = 1_000_000_000L;
    public static final int DEFAULT_PER_SECOND = 1000;
    public static final int DEFAULT_BURST = 50;
    /** Linux's {@code XRLIM_BURST_FACTOR}: a destination may receive this many errors back to back. */
    static final int BURST_FACTOR = 6;
    private static final int TABLE = 1024;
    private static final int PROBES = 4;
    private static final long SECOND = 1_000_000_000L;

    private final long interval;
    private final long perSecond;
    private final long burst;
    /** Global credit in billionths of a message, so refills need no division per call. */
    private long credit;
    private long globalLast;
    private boolean started;
    private final int[] dst = new int[TABLE];
    private final long[] tokens = new long[TABLE];
    private final long[] last = new long[TABLE];
    private final boolean[] used = new boolean[TABLE];

    /**
     * @param intervalNanos per destination: one error per interval after a burst of six (0: no per-destination limit)
     * @param perSecond     for the host: errors per second (0: none at all)
     * @param burst         for the host: errors back to back
     */
    public IcmpRateLimit(long intervalNanos, int perSecond, int burst) {
        if (intervalNanos < 0 || perSecond < 0 || burst < 0) {
            throw new IllegalArgumentException("ICMP rate limits must not be negative: interval " + intervalNanos
                    + " ns, " + perSecond + "/s, burst " + burst);
        }
        if (intervalNanos > Long.MAX_VALUE / (BURST_FACTOR * 2)) {
            throw new IllegalArgumentException("ICMP rate-limit interval too long: " + intervalNanos + " ns");
        }
        this.interval = intervalNanos;
        this.perSecond = perSecond;
        this.burst = burst;
    }

    /** Linux's defaults. */
    public static IcmpRateLimit linuxDefaults() {
        return new IcmpRateLimit(DEFAULT_INTERVAL_NANOS, DEFAULT_PER_SECOND, DEFAULT_BURST);
    }

    /** No ceiling at all: every error is sent (for tests that count errors). */
    public static IcmpRateLimit unlimited() { return new IcmpRateLimit(0, Integer.MAX_VALUE, Integer.MAX_VALUE); }

    /** True, and a token spent, when an error to {@code destination} may go out at {@code now}. */
    public synchronized boolean allow(int destination, long now) {
        if (!globalHasCredit(now)) return false;
        if (interval > 0 && !destinationAllows(destination, now)) return false;
        if (perSecond != Integer.MAX_VALUE) credit -= SECOND;
        return true;
    }

    private boolean globalHasCredit(long now) {
        if (perSecond == Integer.MAX_VALUE) return true;
        if (perSecond == 0) return false;
        final long cap = burst * SECOND;
        if (!started) {
            started = true;
            credit = cap;  // a quiet host starts with its whole burst
        } else {
            long delta = Math.max(0, now - globalLast);
            // No longer than it takes to fill the bucket from empty, so the product cannot overflow.
            credit = Math.min(cap, credit + Math.min(delta, cap / perSecond + 1) * perSecond);
        }
        globalLast = now;
        return credit >= SECOND;
    }

    private boolean destinationAllows(int destination, long now) {
        final long cap = BURST_FACTOR * interval;
        final int home = mix(destination) & (TABLE - 1);
        // Slots are replaced, never emptied: a destination is never found past a free slot.
        int k = -1, victim = home;
        for (int i = 0; i < PROBES; i++) {
            int j = (home + i) & (TABLE - 1);
            if (!used[j] || dst[j] == destination) {
                k = j;
                break;
            }
            if (last[j] - last[victim] < 0) victim = j;
        }
        long t;
        if (k >= 0 && used[k]) {
            t = Math.min(cap, tokens[k] + Math.max(0, now - last[k]));
        } else {
            if (k < 0) k = victim;  // the least recently used of the probed slots
            used[k] = true;
            dst[k] = destination;
            t = cap;  // a destination not seen lately gets its whole burst, as Linux's new peers do
        }
        last[k] = now;
        boolean ok = t >= interval;
        tokens[k] = ok ? t - interval : t;
        return ok;
    }

    /** Spreads neighbouring addresses (one subnet) over the table. */
    private static int mix(int ip) {
        int h = ip * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    @Override
    public String toString() {
        return "ICMP errors: " + (interval == 0 ? "no per-destination limit" : "6 then 1 per " + interval / 1_000_000 + " ms per destination")
                + ", " + (perSecond == Integer.MAX_VALUE ? "no global limit" : perSecond + "/s burst " + burst);
    }
}
