package io.flexnet.pipeline;

import io.flexnet.packet.Counters;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Time spent waiting in a queue, in power-of-two nanosecond buckets: bucket b holds values in
 * [2^(b-1), 2^b), and the exact sum of all of them, so the mean sojourn is exact (what Little's law
 * needs: a queue's mean length is its arrival rate times this mean). Recording is an increment and an
 * add, so every dequeue can afford it; experiments that need exact percentiles use HdrHistogram on
 * their own measurements.
 *
 * <p>A queue with one consumer records from one thread only, so its buckets are plain cells written
 * with opaque stores (no per-thread stripe to look up); a queue with several consumers records into
 * per-thread stripes ({@link Counters}).
 */
public final class SojournHistogram {
    public static final int BUCKETS = 64;
    private static final String[] LABELS = new String[BUCKETS];
    private static final VarHandle CELL = MethodHandles.arrayElementVarHandle(long[].class);

    private static final String[] LABELS_AND_SUM = new String[BUCKETS + 1];
    private static final int SUM = BUCKETS;

    static {
        for (int b = 0; b < BUCKETS; b++) LABELS[b] = "lt" + b;
        System.arraycopy(LABELS, 0, LABELS_AND_SUM, 0, BUCKETS);
        LABELS_AND_SUM[SUM] = "sum-ns";
    }

    /** Single recording thread: the buckets, then the sum; null when several threads record. */
    private final long[] cells;
    /** Several recording threads: striped buckets; null when one thread records. */
    private final Counters striped;

    /** A histogram any number of threads may record into. */
    public SojournHistogram(String name) { this(name, false); }

    /** With {@code singleWriter}, only one thread at a time may {@link #record} (a queue's one consumer). */
    public SojournHistogram(String name, boolean singleWriter) {
        this.cells = singleWriter ? new long[BUCKETS + 1] : null;
        this.striped = singleWriter ? null : new Counters(name + ".sojourn", LABELS_AND_SUM);
    }

    public void record(long nanos) {
        int b = nanos <= 0 ? 0 : 64 - Long.numberOfLeadingZeros(nanos);
        final long[] c = cells;
        final long v = Math.max(0, nanos);
        if (c != null) {
            CELL.setOpaque(c, b, c[b] + 1);
            CELL.setOpaque(c, SUM, c[SUM] + v);
        } else {
            int stripe = io.flexnet.packet.Stripe.current();
            striped.inc(stripe, b);
            striped.add(stripe, SUM, v);
        }
    }

    /**
     * Records into the single writer's cells {@code c} (from {@link #singleWriterCells}): what a queue's
     * one consumer calls inline, one pointer fewer than {@link #record}.
     */
    static void record(long[] c, long nanos) {
        int b = nanos <= 0 ? 0 : 64 - Long.numberOfLeadingZeros(nanos);
        CELL.setOpaque(c, b, c[b] + 1);
        CELL.setOpaque(c, SUM, c[SUM] + Math.max(0, nanos));
    }

    /** The cells a single writer records into; null when several threads record. */
    long[] singleWriterCells() { return cells; }

    /** The sum of every sojourn recorded, in nanoseconds. */
    public long sumNanos() { return cells != null ? (long) CELL.getOpaque(cells, SUM) : striped.get(SUM); }

    /** The mean sojourn in nanoseconds, exact; 0 when none was recorded. */
    public double meanNanos() {
        long n = count();
        return n == 0 ? 0 : (double) sumNanos() / n;
    }

    public long bucket(int b) {
        return cells != null ? (long) CELL.getOpaque(cells, b) : striped.get(b);
    }

    public long count() {
        long t = 0;
        for (int b = 0; b < BUCKETS; b++) t += bucket(b);
        return t;
    }

    /** Upper bound in ns of the bucket holding the given quantile (0..1), or 0 when empty. */
    public long quantileUpperBound(double q) {
        long[] counts = new long[BUCKETS];
        long total = 0;
        for (int b = 0; b < BUCKETS; b++) total += counts[b] = bucket(b);
        if (total == 0) return 0;
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int b = 0; b < BUCKETS; b++) {
            seen += counts[b];
            if (seen >= rank && counts[b] > 0) return b == 0 ? 0 : (b >= 63 ? Long.MAX_VALUE : 1L << b);
        }
        return Long.MAX_VALUE;
    }
}
