package io.flexnet.proto.tcp.cc;

/**
 * CUBIC (RFC 9438), the default. The window grows as W_cubic(t) = C·(t − K)³ + W_max segments, t the
 * seconds since the current congestion-avoidance stage began (from {@code now}) and K =
 * ∛((W_max − cwnd_epoch)/C); each ACK moves cwnd a (target − cwnd)/cwnd share of the acknowledged
 * segments toward target = W_cubic(t + RTT) clamped to [cwnd, 1.5·cwnd] (§4.2-4.5). Where Reno would
 * do better (W_cubic(t) below W_est, the Reno-friendly estimate growing alpha_cubic per window,
 * alpha_cubic = 3(1 − beta)/(1 + beta) until W_est reaches the window before the last reduction, then
 * 1) cwnd follows W_est (§4.3). On loss ssthresh = max(FlightSize·beta, 2·SMSS) and cwnd = ssthresh
 * (§4.6); W_max is the window at the loss, or with fast convergence (§4.7) cwnd·(1 + beta)/2 when the
 * window did not regain the previous W_max. After a timeout cwnd is one segment and the next stage
 * starts with K = 0 and W_max the window it starts at (§4.8). Slow start is RFC 5681's with RFC 3465
 * byte counting (L = 2), as {@link NewReno}'s.
 *
 * <p>Windows in the formulas are in segments (cwnd / MSS), cwnd itself in bytes. Its own words:
 * {@code words[0]} the stage's start time, {@code words[1]} 1 while a stage runs, {@code words[2]}
 * the fraction of a byte of growth carried over, in millionths; {@code reals[0]} W_max,
 * {@code reals[1]} K, {@code reals[2]} W_est, {@code reals[3]} cwnd before the last reduction.
 */
public final class Cubic implements CongestionControl {
    public static final Cubic INSTANCE = new Cubic();

    /** RFC 9438 §5's C, in segments per second cubed. */
    public static final double C = 0.4;
    /** RFC 9438 §4.6's beta_cubic. */
    public static final double BETA = 0.7;
    /** RFC 9438 §4.3's alpha_cubic below the previous window. */
    public static final double ALPHA = 3 * (1 - BETA) / (1 + BETA);

    private static final int EPOCH = 0, RUNNING = 1, CARRY = 2;
    private static final int W_MAX = 0, K = 1, W_EST = 2, PRIOR = 3;

    private Cubic() {}

    @Override public String name() { return "cubic"; }

    @Override
    public void init(CcState s, long now) {
        s.cwnd = NewReno.initialWindow(s.mss);
        s.ssthresh = Long.MAX_VALUE;
        java.util.Arrays.fill(s.words, 0);
        java.util.Arrays.fill(s.reals, 0);
    }

    @Override
    public void onAck(CcState s, long acked, long rtt, long now) {
        if (acked <= 0) return;
        if (s.cwnd < s.ssthresh) {
            s.cwnd += Math.min(acked, (long) NewReno.ABC_LIMIT * s.mss);
            return;
        }
        final double mss = s.mss;
        final double cw = s.cwnd / mss;
        if (s.words[RUNNING] == 0) startStage(s, cw, now);
        final double t = (now - s.words[EPOCH]) / 1e9;
        final double segs = acked / mss;
        // Reno-friendly estimate, §4.3: alpha_cubic per window of ACKed segments.
        double alpha = s.reals[W_EST] >= s.reals[PRIOR] ? 1.0 : ALPHA;
        s.reals[W_EST] += alpha * segs / cw;
        if (wCubic(t, s.reals[W_MAX], s.reals[K]) < s.reals[W_EST]) {
            s.cwnd = Math.max(s.cwnd, (long) (s.reals[W_EST] * mss));
            return;
        }
        long r = s.srtt > 0 ? s.srtt : Math.max(rtt, 0);
        double target = wCubic(t + r / 1e9, s.reals[W_MAX], s.reals[K]);
        target = Math.max(cw, Math.min(1.5 * cw, target));                   // §4.2's clamp
        double grow = (target - cw) / cw * acked + s.words[CARRY] / 1e6;    // bytes
        long whole = (long) grow;
        s.words[CARRY] = Math.round((grow - whole) * 1e6);
        s.cwnd += whole;
    }

    @Override
    public void onLoss(CcState s, long now) {
        reduce(s);
        s.cwnd = s.ssthresh;
    }

    @Override
    public void onRto(CcState s, long now) {
        reduce(s);
        s.reals[W_MAX] = 0;                // §4.8: the next stage starts with K = 0 from where it is
        s.cwnd = s.mss;
    }

    /**
     * After an idle period: RFC 5681 §4.1's restart window, as {@link NewReno}, and the running stage
     * ends, so the idle time does not count as growth time (RFC 9438 §5.8 warns against growing a
     * window the flow did not use); the next stage starts from the restart window toward the same W_max.
     */
    @Override
    public void onIdleRestart(CcState s, long now) {
        s.cwnd = Math.min(s.cwnd, NewReno.initialWindow(s.mss));
        s.words[RUNNING] = 0;
        s.words[CARRY] = 0;
    }

    /** W_cubic(t) = C·(t − K)³ + W_max, segments (RFC 9438 Figure 1). */
    public static double wCubic(double t, double wMax, double k) {
        double d = t - k;
        return C * d * d * d + wMax;
    }

    /** K = ∛((W_max − cwnd_epoch)/C), seconds (RFC 9438 Figure 2). */
    public static double k(double wMax, double cwndEpoch) {
        return Math.cbrt((wMax - cwndEpoch) / C);
    }

    /** The state's W_max, segments. */
    public static double wMax(CcState s) { return s.reals[W_MAX]; }

    /** The state's K for the running stage, seconds. */
    public static double k(CcState s) { return s.reals[K]; }

    /** The state's Reno-friendly estimate W_est, segments. */
    public static double wEst(CcState s) { return s.reals[W_EST]; }

    private static void startStage(CcState s, double cw, long now) {
        s.words[EPOCH] = now;
        s.words[RUNNING] = 1;
        s.words[CARRY] = 0;
        if (s.reals[W_MAX] > cw) {
            s.reals[K] = k(s.reals[W_MAX], cw);
        } else {
            s.reals[K] = 0;
            s.reals[W_MAX] = cw;
        }
        s.reals[W_EST] = cw;
    }

    /** §4.6 and §4.7: the new W_max, ssthresh, and the end of the running stage. */
    private static void reduce(CcState s) {
        double cw = s.cwnd / (double) s.mss;
        s.reals[W_MAX] = cw < s.reals[W_MAX] ? cw * (1 + BETA) / 2 : cw;   // fast convergence
        s.reals[PRIOR] = cw;
        s.ssthresh = Math.max((long) (s.inFlight * BETA), 2L * s.mss);
        s.words[RUNNING] = 0;
        s.words[CARRY] = 0;
    }
}
