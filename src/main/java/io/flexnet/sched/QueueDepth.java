package io.flexnet.sched;

/**
 * The paper's Listing 3: every period, average each queue's depth over the last {@code window} periods;
 * above the threshold, wake the queue's worker on a newly granted core. Queue {@code q} belongs to worker
 * {@code q % workers}; a worker with several queues answers to the deepest average among them.
 *
 * <p>Listing 3 only ever grants. With {@code revokeBelow} a worker is also parked again when its
 * queues' average falls below it, so the cores follow the load down as well as up. No decision is made
 * before the window has filled.
 */
public final class QueueDepth implements CorePolicy {
    private final double grantAbove;
    private final double revokeBelow;
    private final int window;
    private int[] history;
    private long[] sums;
    private int cursor;
    private int filled;

    /** Listing 3 as printed: grant when the average depth over {@code window} periods exceeds {@code threshold}. */
    public QueueDepth(double threshold, int window) { this(threshold, Double.NEGATIVE_INFINITY, window); }

    /** Grants above {@code grantAbove}, revokes below {@code revokeBelow} (which must be lower). */
    public QueueDepth(double grantAbove, double revokeBelow, int window) {
        if (window < 1) throw new IllegalArgumentException("window must be >= 1 period");
        if (!(revokeBelow < grantAbove)) throw new IllegalArgumentException("revokeBelow must be < grantAbove");
        this.grantAbove = grantAbove;
        this.revokeBelow = revokeBelow;
        this.window = window;
    }

    @Override
    public void start(Signals s, Cores cores) {
        history = new int[s.queues() * window];
        sums = new long[s.queues()];
        cursor = 0;
        filled = 0;
    }

    @Override
    public void onPeriod(Signals s, Cores cores) {
        final int[] h = history;
        final int queues = s.queues();
        for (int q = 0; q < queues; q++) {
            int i = q * window + cursor;
            int d = s.depth(q);
            sums[q] += d - h[i];
            h[i] = d;
        }
        if (++cursor == window) cursor = 0;
        if (filled < window && ++filled < window) return;
        final int workers = s.workers();
        for (int w = 0; w < workers && w < queues; w++) {
            long deepest = 0;
            for (int q = w; q < queues; q += workers) deepest = Math.max(deepest, sums[q]);
            double avg = (double) deepest / window;
            if (avg > grantAbove) {
                if (!s.granted(w)) cores.grant(w);
            } else if (avg < revokeBelow && s.granted(w)) {
                cores.revoke(w);
            }
        }
    }

    public double threshold() { return grantAbove; }
    public int window() { return window; }
}
