package io.flexnet.proto.tcp.cc;

/**
 * NewReno's window (RFC 5681, RFC 6582): slow start with appropriate byte counting limited to two
 * segments per ACK (RFC 3465, L = 2), congestion avoidance of one segment per window of bytes
 * acknowledged, ssthresh = max(FlightSize/2, 2·SMSS) on loss, and the loss window of one segment
 * after a retransmission timeout.
 *
 * <p>On entering fast recovery the window is set to ssthresh + 3·SMSS (RFC 6582 §3.2 step 2, the
 * three segments the duplicate ACKs say have left the network). The inflation by one segment per
 * further duplicate ACK, and the partial deflation on a partial ACK, are the sender's (it alone sees
 * them during recovery); when the recovery point is acknowledged {@link #onRecoveryEnd} sets the
 * window to ssthresh (RFC 6582 §3.2 step 3, the first of its two choices).
 *
 * <p>Its own word: {@code words[0]}, bytes acknowledged in congestion avoidance not yet turned into
 * window (RFC 3465's bytes_acked).
 */
public final class NewReno implements CongestionControl {
    public static final NewReno INSTANCE = new NewReno();

    /** RFC 3465's L: at most this many segments of growth per ACK in slow start. */
    static final int ABC_LIMIT = 2;

    private NewReno() {}

    @Override public String name() { return "newreno"; }

    @Override
    public void init(CcState s, long now) {
        s.cwnd = initialWindow(s.mss);
        s.ssthresh = Long.MAX_VALUE;
        s.words[0] = 0;
    }

    @Override
    public void onAck(CcState s, long acked, long rtt, long now) {
        if (acked <= 0) return;
        if (s.cwnd < s.ssthresh) {
            s.cwnd += Math.min(acked, (long) ABC_LIMIT * s.mss);            // RFC 5681 (2) with RFC 3465
            return;
        }
        s.words[0] += acked;                                                // RFC 5681 §3.1 byte counting
        if (s.words[0] >= s.cwnd) {
            s.words[0] -= s.cwnd;
            s.cwnd += s.mss;
        }
    }

    @Override
    public void onLoss(CcState s, long now) {
        s.ssthresh = halfFlight(s);                                         // RFC 5681 (4)
        s.cwnd = s.ssthresh + 3L * s.mss;
        s.words[0] = 0;
    }

    @Override
    public void onRto(CcState s, long now) {
        s.ssthresh = halfFlight(s);
        s.cwnd = s.mss;                                                     // the loss window
        s.words[0] = 0;
    }

    /** RFC 5681 §4.1: after an idle period longer than an RTO, send from at most the restart (initial) window. */
    @Override
    public void onIdleRestart(CcState s, long now) {
        s.cwnd = Math.min(s.cwnd, initialWindow(s.mss));
        s.words[0] = 0;
    }

    /** RFC 6928's initial window: min(10·MSS, max(2·MSS, 14600)). */
    static long initialWindow(int mss) {
        return Math.min(10L * mss, Math.max(2L * mss, 14_600L));
    }

    private static long halfFlight(CcState s) {
        return Math.max(s.inFlight / 2, 2L * s.mss);
    }
}
