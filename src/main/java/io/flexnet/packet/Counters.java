package io.flexnet.packet;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A fixed set of named counters, striped per thread (see {@link Stripe}): increments are plain stores
 * to the calling thread's own cache lines; reads sum all stripes. Made once when a stage is built;
 * counting allocates nothing.
 *
 * <p>On the per-packet path the caller passes its stripe, found once per worker rather than once per
 * increment (a layer has it from its {@code LayerContext}); {@link #inc(int)} looks the calling thread's
 * stripe up each time, for code off that path.
 */
public final class Counters {
    private static final VarHandle CELL = MethodHandles.arrayElementVarHandle(long[].class);
    /** Longs of padding after each stripe's cells, so two stripes never share a cache line. */
    private static final int PAD = 8;

    private final String name;
    private final String[] labels;
    private final int stride;
    private final long[] cells;

    public Counters(String name, String... labels) {
        this.name = name;
        this.labels = labels.clone();
        this.stride = ((labels.length + 7) & ~7) + PAD;
        this.cells = new long[(Stripe.STRIPES + 1) * stride + PAD];
    }

    public String name() { return name; }
    public int size() { return labels.length; }
    public String label(int i) { return labels[i]; }

    /** Index of a label, or -1. For wiring at build time, not per packet. */
    public int indexOf(String label) {
        for (int i = 0; i < labels.length; i++) if (labels[i].equals(label)) return i;
        return -1;
    }

    /** Counts one on the calling thread's stripe (a lookup per call: off the per-packet path). */
    public void inc(int counter) { add(Stripe.current(), counter, 1); }

    public void add(int counter, long delta) { add(Stripe.current(), counter, delta); }

    /**
     * Counts one on {@code stripe}, which must be the calling thread's own ({@link Stripe#current()}
     * read earlier on this thread) or {@link Stripe#SHARED}: two threads writing one stripe lose counts.
     */
    public void inc(int stripe, int counter) { add(stripe, counter, 1); }

    /** As {@link #inc(int, int)}, by {@code delta}. */
    public void add(int stripe, int counter, long delta) {
        final int s = stripe;
        int i = PAD + s * stride + counter;
        if (s != Stripe.SHARED) {
            // Single writer per stripe: a plain read-modify-write is exact; opaque store so a
            // concurrent reader sees a value that was really written (no tearing, no hoisting).
            CELL.setOpaque(cells, i, cells[i] + delta);
        } else {
            CELL.getAndAdd(cells, i, delta);
        }
    }

    /** Sum over all stripes, each read opaquely: exact once writers are quiet, close while they run. */
    public long get(int counter) {
        long sum = 0;
        for (int s = 0; s <= Stripe.STRIPES; s++) {
            sum += (long) CELL.getOpaque(cells, PAD + s * stride + counter);
        }
        return sum;
    }

    public long get(String label) {
        int i = indexOf(label);
        if (i < 0) throw new IllegalArgumentException(name + " has no counter '" + label + "'");
        return get(i);
    }

    public long total() {
        long t = 0;
        for (int i = 0; i < labels.length; i++) t += get(i);
        return t;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name).append('{');
        for (int i = 0; i < labels.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(labels[i]).append('=').append(get(i));
        }
        return sb.append('}').toString();
    }
}
