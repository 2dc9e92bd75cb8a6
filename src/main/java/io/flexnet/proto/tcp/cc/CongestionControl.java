package io.flexnet.proto.tcp.cc;

/**
 * A congestion-control algorithm in the shape of Linux's {@code tcp_congestion_ops}: primitives in,
 * the congestion window out (in {@link CcState#cwnd}). One instance serves every connection that uses
 * it; each connection's state is its {@link CcState}. Calls for one connection come from one thread
 * at a time. A designer's own algorithm is a few lines:
 *
 * <pre>{@code
 * // "Fixed": a window of ten segments, whatever happens.
 * CongestionControl fixed = new CongestionControl() {
 *     public String name() { return "fixed"; }
 *     public void init(CcState s, long now) { s.cwnd = 10L * s.mss; }
 *     public void onAck(CcState s, long acked, long rtt, long now) {}
 *     public void onLoss(CcState s, long now) {}
 *     public void onRto(CcState s, long now) {}
 * };
 * }</pre>
 */
public interface CongestionControl {
    /** The name experiment files and counters use ({@code "cubic"}, {@code "newreno"}). */
    String name();

    /** A new connection: set the initial window (RFC 6928's ten segments unless the algorithm says otherwise). */
    void init(CcState s, long now);

    /**
     * {@code acked} bytes newly acknowledged outside loss recovery (slow start and congestion
     * avoidance: Linux's {@code cong_avoid}); {@code rtt} is the sample this ACK gave, or -1.
     */
    void onAck(CcState s, long acked, long rtt, long now);

    /** Loss detected by duplicate ACKs or SACK: entering fast recovery (set ssthresh and cwnd). */
    void onLoss(CcState s, long now);

    /** A retransmission timeout: cwnd to the loss window (one segment), ssthresh reduced. */
    void onRto(CcState s, long now);

    /** Fast recovery ended (the recovery point was acknowledged): deflate the window. Default: cwnd = ssthresh. */
    default void onRecoveryEnd(CcState s, long now) {
        if (s.ssthresh != Long.MAX_VALUE) s.cwnd = s.ssthresh;
    }

    /** The connection was idle longer than an RTO (RFC 5681 §4.1 restart window). Default: nothing. */
    default void onIdleRestart(CcState s, long now) {}
}
