package io.flexnet.proto.tcp;

/**
 * The receiver's record of out-of-order data: which sequence ranges above RCV.NXT have arrived (their
 * bytes are stored in the receive {@link ByteRing} ahead of its readable end), bounded to a fixed
 * number of ranges so a peer cannot make it grow. It also answers the SACK blocks to report
 * (RFC 2018 §4: the block holding the most recently received segment first, then the most recently
 * reported others).
 *
 * <p>Not thread-safe: the connection's owner serialises access.
 */
public final class Reassembly {
    /** @param maxRanges disjoint ranges it keeps; a segment that would need one more is refused */
    public Reassembly(int maxRanges) { throw new UnsupportedOperationException("not built yet"); }

    /**
     * Records that [start, end) arrived (start after {@code rcvNxt}); merges with neighbours. Returns
     * false, recording nothing, when it would need more ranges than allowed.
     */
    public boolean add(int rcvNxt, int start, int end) { throw new UnsupportedOperationException(); }

    /**
     * RCV.NXT has advanced to {@code rcvNxt} by in-order data; removes what it covers and returns the
     * new in-order end: {@code rcvNxt}, or the end of a stored range that now touches it (the caller
     * commits that many more bytes to the reader and sets RCV.NXT to it).
     */
    public int advance(int rcvNxt) { throw new UnsupportedOperationException(); }

    /** Ranges held. */
    public int ranges() { throw new UnsupportedOperationException(); }

    /** Out-of-order bytes held. */
    public long bytes() { throw new UnsupportedOperationException(); }

    /**
     * Writes up to {@code max} SACK blocks as start/end pairs into {@code out} (out[2i], out[2i+1]),
     * most recent first; returns how many.
     */
    public int sackBlocks(int[] out, int max) { throw new UnsupportedOperationException(); }

    public void clear() { throw new UnsupportedOperationException(); }
}
