package io.flexnet.proto.tcp.cc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * CUBIC against RFC 9438's closed forms. The scenario: a window of 100 segments meets a loss, so
 * W_max = 100, cwnd = ssthresh = 70 (beta 0.7), and K = cbrt((100 - 70) / 0.4) = cbrt(75) = 4.2172 s.
 */
class CubicTest {
    private static final int MSS = 1000;
    private static final long MS = 1_000_000L, S = 1_000_000_000L;
    private final CongestionControl cc = CongestionControls.byName("cubic");

    /** 100 segments in flight meet a loss at {@code now}; recovery ends at once. */
    private CcState afterLossAt100(long now) {
        CcState s = new CcState();
        s.mss = MSS;
        cc.init(s, 0);
        s.cwnd = 100 * MSS;
        s.inFlight = 100 * MSS;
        cc.onLoss(s, now);
        cc.onRecoveryEnd(s, now);
        return s;
    }

    /** ACKs one segment at a time, cwnd/MSS of them spread evenly over each RTT, until {@code end}. */
    private long drive(CcState s, long from, long end, long rtt) {
        long now = from;
        while (now < end) {
            long segs = Math.max(1, s.cwnd / MSS);
            long gap = rtt / segs;
            for (long i = 0; i < segs && now < end; i++) {
                cc.onAck(s, MSS, rtt, now);
                now += gap;
            }
        }
        return now;
    }

    @Test
    void theDefaultAndTheRegistry() {
        assertSame(Cubic.INSTANCE, CongestionControls.defaultAlgorithm());
        assertSame(Cubic.INSTANCE, CongestionControls.byName("CUBIC"));
        assertSame(NewReno.INSTANCE, CongestionControls.byName("newreno"));
        assertEquals(java.util.List.of("cubic", "newreno"), CongestionControls.names());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CongestionControls.byName("bbr"));
        assertTrue(e.getMessage().contains("cubic"), e.getMessage());
    }

    @Test
    void lossSetsWmaxSsthreshAndTheWindow() {
        CcState s = afterLossAt100(0);
        assertEquals(100.0, Cubic.wMax(s), 1e-9);
        assertEquals(70 * MSS, s.ssthresh);                    // FlightSize * 0.7
        assertEquals(70 * MSS, s.cwnd);
        assertEquals(0.7, Cubic.BETA);
        assertEquals(0.4, Cubic.C);
        assertEquals(3 * 0.3 / 1.7, Cubic.ALPHA, 1e-12);       // 0.5294
    }

    @Test
    void kIsTheCubeRootOfTheGapOverC() {
        CcState s = afterLossAt100(0);
        cc.onAck(s, MSS, 100 * MS, 10 * S);                    // the first ACK of the stage starts it
        assertEquals(Math.cbrt(75), Cubic.k(s), 1e-9);
        assertEquals(4.217163, Cubic.k(s), 1e-6);
        // and W_cubic(K) = W_max, W_cubic(0) = cwnd_epoch
        assertEquals(100.0, Cubic.wCubic(Cubic.k(s), 100, Cubic.k(s)), 1e-9);
        assertEquals(70.0, Cubic.wCubic(0, 100, Cubic.k(s)), 1e-9);
    }

    @Test
    void windowFollowsWcubicOfTime() {
        long rtt = 100 * MS, t0 = 10 * S;
        CcState s = afterLossAt100(t0);
        double k = Math.cbrt(75);
        long now = t0;
        for (double t : new double[] {1.0, 2.0, k, 6.0}) {
            now = drive(s, now, t0 + (long) (t * S), rtt);
            double expect = 0.4 * Math.pow(t - k, 3) + 100;     // RFC 9438 Figure 1 by hand
            double slope = 3 * 0.4 * Math.pow(t + 0.1 - k, 2);  // segments per second near t
            double tolerance = slope * 0.1 + 1.0;               // one RTT of lead, one segment of rounding
            double got = s.cwnd / (double) MSS;
            assertTrue(Math.abs(got - expect) <= tolerance + 0.1 * slope,
                    "t=" + t + ": cwnd " + got + " segments, W_cubic " + expect + " +- " + tolerance);
        }
        // At t = K it has come back to W_max (the plateau), and beyond it grows past.
        assertTrue(s.cwnd > 100 * MSS, "past K the window probes above W_max: " + s.cwnd);
    }

    @Test
    void windowAtKIsWmax() {
        long rtt = 100 * MS, t0 = 10 * S;
        CcState s = afterLossAt100(t0);
        drive(s, t0, t0 + (long) (Math.cbrt(75) * S), rtt);
        assertEquals(100.0, s.cwnd / (double) MSS, 1.0);
    }

    @Test
    void renoFriendlyRegionWhenRoundTripsAreShort() {
        // With a 1 ms RTT a second is 1000 windows: Reno's estimate, growing alpha (0.529) per window
        // until it reaches the window before the loss (100) and one segment per window after, far
        // outgrows W_cubic(1 s) = 0.4 (1 - 4.217)^3 + 100 = 86.7, so cwnd follows W_est.
        long rtt = MS, t0 = 10 * S;
        CcState s = afterLossAt100(t0);
        drive(s, t0, t0 + S, rtt);
        double rounds = 1000;
        double toPrior = 30 / Cubic.ALPHA;                      // 56.7 windows from 70 to 100
        double expect = 100 + (rounds - toPrior);               // then one per window
        double got = s.cwnd / (double) MSS;
        assertTrue(Math.abs(got - expect) < 0.05 * expect, "cwnd " + got + " segments, Reno estimate " + expect);
        assertEquals(Cubic.wEst(s), got, 1.0);
        assertTrue(got > 0.4 * Math.pow(1 - Math.cbrt(75), 3) + 100 + 100);
    }

    @Test
    void fastConvergenceLowersWmaxWhenTheWindowFellShort() {
        CcState s = afterLossAt100(0);                          // W_max 100
        s.cwnd = 80 * MSS;                                      // the next loss before regaining 100
        s.inFlight = 80 * MSS;
        cc.onLoss(s, 5 * S);
        assertEquals(80 * 1.7 / 2, Cubic.wMax(s), 1e-9);        // 68: release bandwidth to newer flows
        assertEquals(56 * MSS, s.ssthresh);
        s.cwnd = 90 * MSS;                                      // above W_max now: plain W_max = cwnd
        s.inFlight = 90 * MSS;
        cc.onLoss(s, 9 * S);
        assertEquals(90.0, Cubic.wMax(s), 1e-9);
    }

    @Test
    void timeoutGoesToOneSegmentAndRestartsWithKZero() {
        CcState s = afterLossAt100(0);
        s.inFlight = 60 * MSS;
        cc.onRto(s, S);
        assertEquals(MSS, s.cwnd);
        assertEquals(42 * MSS, s.ssthresh);                     // 60 * 0.7
        // slow start back to ssthresh, then a stage with K = 0 and W_max = where it starts
        long now = drive(s, S, S + 600 * MS, 100 * MS);
        assertTrue(s.cwnd >= s.ssthresh);
        cc.onAck(s, MSS, 100 * MS, now);
        assertEquals(0.0, Cubic.k(s), 1e-12);
        assertTrue(Cubic.wMax(s) >= 42, "W_max " + Cubic.wMax(s));
    }

    @Test
    void slowStartIsByteCountedLikeReno() {
        CcState s = new CcState();
        s.mss = MSS;
        cc.init(s, 0);
        assertEquals(10 * MSS, s.cwnd);
        cc.onAck(s, 4 * MSS, -1, 0);
        assertEquals(12 * MSS, s.cwnd);
    }

    @Test
    void idleRestartUsesTheRestartWindowAndANewStage() {
        CcState s = afterLossAt100(0);
        drive(s, 0, 2 * S, 100 * MS);
        double wMax = Cubic.wMax(s);
        cc.onIdleRestart(s, 60 * S);
        assertEquals(10 * MSS, s.cwnd);                         // RFC 5681 4.1: min(IW, cwnd)
        assertEquals(wMax, Cubic.wMax(s), 1e-9);
        s.ssthresh = 10 * MSS;                                  // straight to congestion avoidance
        cc.onAck(s, MSS, 100 * MS, 61 * S);
        assertEquals(Math.cbrt((wMax - 10) / 0.4), Cubic.k(s), 1e-6);   // a new stage from 10 segments
    }
}
