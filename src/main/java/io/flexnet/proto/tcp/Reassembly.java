package io.flexnet.proto.tcp;

/**
 * The receiver's record of out-of-order data: which sequence ranges above RCV.NXT have arrived (their
 * bytes are stored in the receive {@link ByteRing} ahead of its readable end), bounded to a fixed
 * number of ranges so a peer cannot make it grow. It also answers the SACK blocks to report
 * (RFC 2018 §4: the block holding the most recently received segment first, then the most recently
 * reported others).
 *
 * <p>Ranges are kept sorted, disjoint and not touching (touching ones merge), in parallel int arrays.
 * Each range carries the stamp of the last segment that landed in it; SACK blocks go out newest stamp
 * first, so the block of the segment that triggered the ACK leads and the others follow in the order
 * they last changed, which is Linux's order too (it moves the updated block to the front).
 *
 * <p>Not thread-safe: the connection's owner serialises access.
 */
public final class Reassembly {
    private final int[] start;
    private final int[] end;
    private final long[] stamp;
    private int count;
    private long bytes;
    private long clock;

    /** @param maxRanges disjoint ranges it keeps; a segment that would need one more is refused */
    public Reassembly(int maxRanges) {
        if (maxRanges <= 0) throw new IllegalArgumentException("maxRanges must be positive, not " + maxRanges);
        start = new int[maxRanges];
        end = new int[maxRanges];
        stamp = new long[maxRanges];
    }

    /**
     * Records that [start, end) arrived (start after {@code rcvNxt}); merges with neighbours. Returns
     * false, recording nothing, when it would need more ranges than allowed. Bytes below
     * {@code rcvNxt} are ignored; an empty range records nothing and returns true.
     */
    public boolean add(int rcvNxt, int s, int e) {
        if (Seq.lt(s, rcvNxt)) s = rcvNxt;
        if (!Seq.lt(s, e)) return true;
        // i: the first range ending at or after s (it touches or overlaps, or lies wholly above)
        int i = 0;
        while (i < count && Seq.lt(end[i], s)) i++;
        // j: one past the last range starting at or before e (so i..j-1 touch or overlap [s, e))
        int j = i;
        while (j < count && Seq.le(start[j], e)) j++;
        if (j == i) {
            if (count == start.length) return false;
            System.arraycopy(start, i, start, i + 1, count - i);
            System.arraycopy(end, i, end, i + 1, count - i);
            System.arraycopy(stamp, i, stamp, i + 1, count - i);
            start[i] = s;
            end[i] = e;
            count++;
            bytes += e - s;
        } else {
            int ns = Seq.min(s, start[i]), ne = Seq.max(e, end[j - 1]);
            for (int k = i; k < j; k++) bytes -= end[k] - start[k];
            bytes += ne - ns;
            start[i] = ns;
            end[i] = ne;
            remove(i + 1, j - i - 1);
        }
        stamp[i] = ++clock;
        return true;
    }

    /**
     * RCV.NXT has advanced to {@code rcvNxt} by in-order data; removes what it covers and returns the
     * new in-order end: {@code rcvNxt}, or the end of a stored range that now touches it (the caller
     * commits that many more bytes to the reader and sets RCV.NXT to it).
     */
    public int advance(int rcvNxt) {
        int gone = 0;
        while (gone < count && Seq.le(end[gone], rcvNxt)) {
            bytes -= end[gone] - start[gone];
            gone++;
        }
        int result = rcvNxt;
        if (gone < count && Seq.le(start[gone], rcvNxt)) {
            bytes -= end[gone] - start[gone];
            result = end[gone];
            gone++;
        }
        remove(0, gone);
        return result;
    }

    /** Ranges held. */
    public int ranges() { return count; }

    /** Out-of-order bytes held. */
    public long bytes() { return bytes; }

    /**
     * Writes up to {@code max} SACK blocks as start/end pairs into {@code out} (out[2i], out[2i+1]),
     * most recent first; returns how many.
     */
    public int sackBlocks(int[] out, int max) {
        int n = Math.min(Math.min(max, count), out.length / 2);
        long below = Long.MAX_VALUE;
        for (int b = 0; b < n; b++) {
            int best = -1;
            for (int k = 0; k < count; k++) {
                if (stamp[k] < below && (best < 0 || stamp[k] > stamp[best])) best = k;
            }
            out[2 * b] = start[best];
            out[2 * b + 1] = end[best];
            below = stamp[best];
        }
        return n;
    }

    /** Range {@code i} in sequence order (0 the lowest): its start. */
    public int rangeStart(int i) { return start[checkRange(i)]; }

    /** Range {@code i} in sequence order: its end (exclusive). */
    public int rangeEnd(int i) { return end[checkRange(i)]; }

    public void clear() {
        count = 0;
        bytes = 0;
    }

    private int checkRange(int i) {
        if (i < 0 || i >= count) throw new IndexOutOfBoundsException("range " + i + " of " + count);
        return i;
    }

    private void remove(int from, int n) {
        if (n == 0) return;
        System.arraycopy(start, from + n, start, from, count - from - n);
        System.arraycopy(end, from + n, end, from, count - from - n);
        System.arraycopy(stamp, from + n, stamp, from, count - from - n);
        count -= n;
    }
}
