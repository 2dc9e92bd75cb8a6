package io.flexnet.proto.tcp;

/**
 * The sender's SACK scoreboard (RFC 6675): which ranges above SND.UNA the receiver has reported
 * holding, bounded to a fixed number of ranges, with the RFC's IsLost, NextSeg and pipe. Sequence
 * numbers are {@link Seq} ints; sizes in bytes; {@code mss} is the sender's segment size.
 *
 * <p>Not thread-safe: the connection's owner serialises access.
 */
public final class SackScoreboard {
    /** @param maxRanges disjoint SACKed ranges it keeps (older ones above the highest are merged or dropped) */
    public SackScoreboard(int maxRanges) { throw new UnsupportedOperationException("not built yet"); }

    /**
     * Records the SACK blocks of one ACK (start/end pairs in {@code blocks}, {@code n} of them), ignoring
     * blocks at or below {@code sndUna} or above {@code sndNxt} (RFC 2883 D-SACKs and bogus blocks);
     * returns the bytes newly SACKed.
     */
    public long update(int sndUna, int sndNxt, int[] blocks, int n) { throw new UnsupportedOperationException(); }

    /** Forgets everything below the cumulative ACK. */
    public void ackedTo(int sndUna) { throw new UnsupportedOperationException(); }

    /** RFC 6675 IsLost(seq): DupThresh discontiguous SACKed segments, or more than (DupThresh-1)·mss bytes, above it. */
    public boolean isLost(int seq, int mss) { throw new UnsupportedOperationException(); }

    public boolean isSacked(int seq) { throw new UnsupportedOperationException(); }

    /**
     * RFC 6675 NextSeg rule (1): the first unSACKed sequence number at or after {@code from} and below
     * the highest SACKed byte that {@link #isLost} holds lost, or {@code -1L} when none. (Rules 2-4
     * belong to the sender, which knows its unsent data.) Returned as a long so -1 is out of band.
     */
    public long nextLost(int from, int sndUna, int mss) { throw new UnsupportedOperationException(); }

    /**
     * RFC 6675 SetPipe: bytes in flight between {@code sndUna} and {@code sndNxt}, counting unSACKed
     * bytes not held lost once, and retransmitted bytes below {@code highRxt} once more.
     */
    public long pipe(int sndUna, int sndNxt, int highRxt, int mss) { throw new UnsupportedOperationException(); }

    /** The end of the highest SACKed range, or {@code sndUna} when none. */
    public int highestSacked(int sndUna) { throw new UnsupportedOperationException(); }

    /** Bytes SACKed above SND.UNA. */
    public long sackedBytes() { throw new UnsupportedOperationException(); }

    public int ranges() { throw new UnsupportedOperationException(); }

    public void clear() { throw new UnsupportedOperationException(); }
}
