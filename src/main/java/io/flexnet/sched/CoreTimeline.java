package io.flexnet.sched;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The cores the stack used over time, for plots: a ring of (time, cores granted, granted workers awake)
 * entries, one per change, made at start and overwritten oldest first when full. One writer (the
 * scheduler's thread); readers on any thread copy out what was not overwritten while they read.
 */
public final class CoreTimeline {
    private static final VarHandle COUNT;

    static {
        try {
            COUNT = MethodHandles.lookup().findVarHandle(CoreTimeline.class, "count", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long[] times;
    private final int[] granted;
    private final int[] awake;
    private final int mask;
    /** Entries ever written; release-stored after the entry's fields so a reader sees them complete. */
    @SuppressWarnings("unused") private long count;
    private int lastGranted = -1;
    private int lastAwake = -1;

    /** Keeps at least the last {@code capacity} changes. */
    public CoreTimeline(int capacity) {
        if (capacity < 1 || capacity > 1 << 28) throw new IllegalArgumentException("timeline capacity out of range");
        // A power of two for masking, and one spare slot: the one the writer may be filling.
        int cap = Integer.highestOneBit(capacity) << 1;
        times = new long[cap];
        granted = new int[cap];
        awake = new int[cap];
        mask = cap - 1;
    }

    /** Writer only. Adds an entry if either count changed since the last one. */
    void record(long time, int grantedNow, int awakeNow) {
        if (grantedNow == lastGranted && awakeNow == lastAwake) return;
        lastGranted = grantedNow;
        lastAwake = awakeNow;
        long n = (long) COUNT.getOpaque(this);
        int i = (int) n & mask;
        // The previous count must be visible before this entry's fields start overwriting a slot:
        // a reader that copied a half-written slot then re-reads a count that tells it so.
        VarHandle.storeStoreFence();
        times[i] = time;
        granted[i] = grantedNow;
        awake[i] = awakeNow;
        COUNT.setRelease(this, n + 1);
    }

    public int capacity() { return times.length - 1; }

    /** Entries written since start, including those already overwritten. */
    public long recorded() { return (long) COUNT.getAcquire(this); }

    /** The retained entries, oldest first. */
    public record Snapshot(long[] times, int[] granted, int[] awake) {
        public int size() { return times.length; }

        /** The largest number of cores granted at any entry; 0 when empty. */
        public int maxGranted() {
            int m = 0;
            for (int g : granted) m = Math.max(m, g);
            return m;
        }

        /** Index of the first entry at or after {@code time} with at least {@code cores} granted, or -1. */
        public int firstAtLeast(long time, int cores) {
            for (int i = 0; i < times.length; i++) if (times[i] >= time && granted[i] >= cores) return i;
            return -1;
        }
    }

    /** Copies what is retained. Safe while the scheduler runs: entries overwritten meanwhile are left out. */
    public Snapshot snapshot() {
        int cap = times.length;
        long end = recorded();
        long start = Math.max(0, end - cap);
        int n = (int) (end - start);
        long[] t = new long[n];
        int[] g = new int[n];
        int[] a = new int[n];
        for (int k = 0; k < n; k++) {
            int i = (int) (start + k) & mask;
            t[k] = times[i];
            g[k] = granted[i];
            a[k] = awake[i];
        }
        VarHandle.loadLoadFence();  // the copies above happen before the re-read of count below
        // Entry recorded() may be half-written into the slot of entry recorded() - cap: keep only later.
        long valid = Math.max(start, recorded() - cap + 1);
        int skip = (int) (valid - start);
        if (skip == 0) return new Snapshot(t, g, a);
        return new Snapshot(java.util.Arrays.copyOfRange(t, skip, n), java.util.Arrays.copyOfRange(g, skip, n),
                java.util.Arrays.copyOfRange(a, skip, n));
    }
}
