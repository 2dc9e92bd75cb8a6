package io.flexnet.pipeline;

import io.flexnet.packet.Counters;

/**
 * Time spent waiting in a queue, in power-of-two nanosecond buckets: bucket b holds values in
 * [2^(b-1), 2^b). Recording is one striped increment (a few ns) so every dequeue can afford it;
 * experiments that need exact percentiles use HdrHistogram on their own measurements.
 */
public final class SojournHistogram {
    public static final int BUCKETS = 64;
    private static final String[] LABELS = new String[BUCKETS];

    static {
        for (int b = 0; b < BUCKETS; b++) LABELS[b] = "lt" + b;
    }

    private final Counters buckets;

    public SojournHistogram(String name) { this.buckets = new Counters(name + ".sojourn", LABELS); }

    public void record(long nanos) {
        buckets.inc(nanos <= 0 ? 0 : 64 - Long.numberOfLeadingZeros(nanos));
    }

    public long count() { return buckets.total(); }

    public long bucket(int b) { return buckets.get(b); }

    /** Upper bound in ns of the bucket holding the given quantile (0..1), or 0 when empty. */
    public long quantileUpperBound(double q) {
        long[] counts = new long[BUCKETS];
        long total = 0;
        for (int b = 0; b < BUCKETS; b++) total += counts[b] = buckets.get(b);
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
