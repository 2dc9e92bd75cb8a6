package io.flexnet.proto.tcp.cc;

/**
 * One connection's congestion state, read and written by its {@link CongestionControl}: the window
 * in bytes, the slow-start threshold, and a few words of the algorithm's own (CUBIC's W_max, epoch,
 * K...). Made once per connection; the connection sets {@link #mss} and {@link #inFlight} before each
 * call and reads {@link #cwnd} after.
 */
public final class CcState {
    /** Sender maximum segment size, bytes. */
    public int mss;
    /** Congestion window, bytes. */
    public long cwnd;
    /** Slow-start threshold, bytes ({@link Long#MAX_VALUE} until the first loss). */
    public long ssthresh = Long.MAX_VALUE;
    /** Bytes in flight when the call is made (RFC 5681 FlightSize, or RFC 6675 pipe in SACK recovery). */
    public long inFlight;
    /** Smoothed RTT in nanoseconds when known, else 0 (CUBIC's TCP-friendly region uses it). */
    public long srtt;
    /** The algorithm's own words; their meaning is its business. */
    public final long[] words = new long[8];
    /** The algorithm's own fractional accumulators. */
    public final double[] reals = new double[4];
}
