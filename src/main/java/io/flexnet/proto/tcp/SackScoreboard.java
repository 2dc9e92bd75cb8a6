package io.flexnet.proto.tcp;

/**
 * The sender's SACK scoreboard (RFC 6675): which ranges above SND.UNA the receiver has reported
 * holding, bounded to a fixed number of ranges, with the RFC's IsLost, NextSeg and pipe. Sequence
 * numbers are {@link Seq} ints; sizes in bytes; {@code mss} is the sender's segment size.
 *
 * <p>Bytes, not segments: the scoreboard does not know where the sender cut its segments, so
 * IsLost's "DupThresh discontiguous SACKed sequences" counts SACKed <em>ranges</em> above the
 * sequence number (each holds at least one segment; full segments are caught by the byte rule).
 * Within a hole every byte has the same SACKed bytes above it, so IsLost is decided per hole and
 * SetPipe and NextSeg walk holes, not octets. DupThresh is 3.
 *
 * <p>When the bound is reached and a block needs a range of its own, the highest range gives way
 * (or the block is dropped if it would be the highest): the low holes, which recovery repairs first,
 * keep their evidence, and forgetting a SACK only makes the sender retransmit more, never less.
 *
 * <p>Not thread-safe: the connection's owner serialises access.
 */
public final class SackScoreboard {
    /** RFC 6675 DupThresh. */
    public static final int DUP_THRESH = 3;

    private final int[] start;
    private final int[] end;
    private int count;
    private long sacked;

    /** @param maxRanges disjoint SACKed ranges it keeps (when full, the highest gives way; see the class comment) */
    public SackScoreboard(int maxRanges) {
        if (maxRanges <= 0) throw new IllegalArgumentException("maxRanges must be positive, not " + maxRanges);
        start = new int[maxRanges];
        end = new int[maxRanges];
    }

    /**
     * Records the SACK blocks of one ACK (start/end pairs in {@code blocks}, {@code n} of them), ignoring
     * blocks at or below {@code sndUna} or above {@code sndNxt} (RFC 2883 D-SACKs and bogus blocks);
     * returns the bytes newly SACKed. A block straddling {@code sndUna} counts from {@code sndUna}.
     */
    public long update(int sndUna, int sndNxt, int[] blocks, int n) {
        long added = 0;
        for (int b = 0; b < n; b++) {
            int s = blocks[2 * b], e = blocks[2 * b + 1];
            if (!Seq.lt(s, e) || Seq.le(e, sndUna) || Seq.gt(e, sndNxt)) continue;
            if (Seq.lt(s, sndUna)) s = sndUna;
            added += insert(s, e);
        }
        return added;
    }

    /** Forgets everything below the cumulative ACK. */
    public void ackedTo(int sndUna) {
        int gone = 0;
        while (gone < count && Seq.le(end[gone], sndUna)) {
            sacked -= end[gone] - start[gone];
            gone++;
        }
        remove(0, gone);
        if (count > 0 && Seq.lt(start[0], sndUna)) {
            sacked -= sndUna - start[0];
            start[0] = sndUna;
        }
    }

    /** RFC 6675 IsLost(seq): DupThresh discontiguous SACKed segments, or more than (DupThresh-1)·mss bytes, above it. */
    public boolean isLost(int seq, int mss) {
        long bytesAbove = 0;
        int rangesAbove = 0;
        for (int k = count - 1; k >= 0 && Seq.gt(end[k], seq + 1); k--) {
            bytesAbove += end[k] - Seq.max(start[k], seq + 1);
            rangesAbove++;
        }
        return lost(bytesAbove, rangesAbove, mss);
    }

    public boolean isSacked(int seq) {
        for (int k = 0; k < count; k++) {
            if (Seq.inRange(start[k], seq, end[k])) return true;
            if (Seq.lt(seq, start[k])) return false;
        }
        return false;
    }

    /**
     * RFC 6675 NextSeg rule (1): the first unSACKed sequence number at or after {@code from} and below
     * the highest SACKed byte that {@link #isLost} holds lost, or {@code -1L} when none. (Rules 2-4
     * belong to the sender, which knows its unsent data.) Returned as a long so -1 is out of band:
     * the sequence number as {@link Seq#unsigned}, which the caller casts back to int.
     *
     * <p>Only the first unSACKed byte need be tried: fewer SACKed bytes lie above any later one, so
     * if it is not lost, nothing after it is.
     */
    public long nextLost(int from, int sndUna, int mss) { return nextLost(from, sndUna, mss, sndUna); }

    /**
     * As {@link #nextLost(int, int, int)}, with every unSACKed byte below {@code lostBelow} held lost
     * as well (time-based detection, RFC 8985, marks holes lost that fewer SACKs stand above).
     */
    public long nextLost(int from, int sndUna, int mss, int lostBelow) {
        int x = Seq.max(from, sndUna);
        for (int k = 0; k < count; k++) {
            if (Seq.inRange(start[k], x, end[k])) { x = end[k]; continue; }
            if (Seq.lt(x, start[k])) break;
        }
        if (count == 0 || !Seq.lt(x, end[count - 1])) return -1L;
        return Seq.lt(x, lostBelow) || isLost(x, mss) ? Seq.unsigned(x) : -1L;
    }

    /**
     * RFC 6675 SetPipe: bytes in flight between {@code sndUna} and {@code sndNxt}, counting unSACKed
     * bytes not held lost once, and retransmitted bytes below {@code highRxt} once more.
     * {@code highRxt} is exclusive: the sequence number after the last retransmitted byte
     * ({@code sndUna} when nothing has been retransmitted).
     */
    public long pipe(int sndUna, int sndNxt, int highRxt, int mss) { return pipe(sndUna, sndNxt, highRxt, mss, sndUna); }

    /** As {@link #pipe(int, int, int, int)}, holes below {@code lostBelow} held lost (not in flight). */
    public long pipe(int sndUna, int sndNxt, int highRxt, int mss, int lostBelow) {
        long pipe = 0;
        long above = sacked;           // SACKed bytes above the hole being looked at
        int pos = sndUna;
        for (int k = 0; k < count; k++) {
            if (Seq.gt(start[k], pos)) {
                int holeEnd = Seq.min(start[k], sndNxt);
                pipe += Seq.le(holeEnd, lostBelow) ? retransmitted(pos, holeEnd, highRxt)
                        : holeInFlight(pos, holeEnd, above, count - k, highRxt, mss);
            }
            above -= end[k] - start[k];
            pos = Seq.max(pos, end[k]);
        }
        if (Seq.lt(pos, sndNxt)) pipe += holeInFlight(pos, sndNxt, 0, 0, highRxt, mss);
        return pipe;
    }

    /** The end of the highest SACKed range, or {@code sndUna} when none. */
    public int highestSacked(int sndUna) {
        return count == 0 ? sndUna : Seq.max(end[count - 1], sndUna);
    }

    /** Bytes SACKed above SND.UNA. */
    public long sackedBytes() { return sacked; }

    public int ranges() { return count; }

    public void clear() {
        count = 0;
        sacked = 0;
    }

    private static boolean lost(long bytesAbove, int rangesAbove, int mss) {
        return rangesAbove >= DUP_THRESH || bytesAbove > (long) (DUP_THRESH - 1) * mss;
    }

    private static long holeInFlight(int a, int b, long sackedAbove, int rangesAbove, int highRxt, int mss) {
        if (!Seq.lt(a, b)) return 0;
        long n = lost(sackedAbove, rangesAbove, mss) ? 0 : b - a;    // (a) not lost: still in flight
        if (Seq.gt(highRxt, a)) n += Seq.min(b, highRxt) - a;        // (b) retransmitted: in flight again
        return n;
    }

    /** Bytes of the lost hole [a, b) retransmitted (below {@code highRxt}): in flight again. */
    private static long retransmitted(int a, int b, int highRxt) {
        return Seq.lt(a, b) && Seq.gt(highRxt, a) ? Seq.min(b, highRxt) - a : 0;
    }

    /** Merges [s, e) in; returns the bytes it added. */
    private long insert(int s, int e) {
        int i = 0;
        while (i < count && Seq.lt(end[i], s)) i++;
        int j = i;
        while (j < count && Seq.le(start[j], e)) j++;
        if (j == i) {
            if (count == start.length) {
                if (i == count) return 0;                 // it would be the highest: it gives way
                count--;                                  // the highest range gives way to it
                sacked -= end[count] - start[count];
            }
            System.arraycopy(start, i, start, i + 1, count - i);
            System.arraycopy(end, i, end, i + 1, count - i);
            start[i] = s;
            end[i] = e;
            count++;
            sacked += e - s;
            return e - s;
        }
        long before = 0;
        for (int k = i; k < j; k++) before += end[k] - start[k];
        int ns = Seq.min(s, start[i]), ne = Seq.max(e, end[j - 1]);
        start[i] = ns;
        end[i] = ne;
        remove(i + 1, j - i - 1);
        long added = (long) (ne - ns) - before;
        sacked += added;
        return added;
    }

    private void remove(int from, int n) {
        if (n == 0) return;
        System.arraycopy(start, from + n, start, from, count - from - n);
        System.arraycopy(end, from + n, end, from, count - from - n);
        count -= n;
    }
}
