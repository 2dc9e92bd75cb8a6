package io.flexnet.proto.tcp.cc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class NewRenoTest {
    private static final int MSS = 1000;
    private final CongestionControl cc = CongestionControls.byName("newreno");

    private CcState fresh() {
        CcState s = new CcState();
        s.mss = MSS;
        cc.init(s, 0);
        return s;
    }

    @Test
    void initialWindowIsRfc6928() {
        assertEquals(10 * MSS, fresh().cwnd);                  // min(10*1000, max(2000, 14600))
        CcState big = new CcState();
        big.mss = 1460;
        cc.init(big, 0);
        assertEquals(14_600, big.cwnd);
        CcState jumbo = new CcState();
        jumbo.mss = 9000;
        cc.init(jumbo, 0);
        assertEquals(18_000, jumbo.cwnd);                      // 2 * 9000 > 14600
        assertEquals(Long.MAX_VALUE, jumbo.ssthresh);
    }

    @Test
    void slowStartCountsBytesUpToTwoSegmentsPerAck() {
        CcState s = fresh();
        cc.onAck(s, MSS, -1, 0);
        assertEquals(11 * MSS, s.cwnd);
        cc.onAck(s, 500, -1, 0);                               // a partial segment counts its bytes
        assertEquals(11 * MSS + 500, s.cwnd);
        cc.onAck(s, 5 * MSS, -1, 0);                           // a stretch ACK: L = 2 segments at most
        assertEquals(13 * MSS + 500, s.cwnd);
    }

    @Test
    void slowStartDoublesPerRoundOfAcks() {
        CcState s = fresh();
        for (int round = 0; round < 3; round++) {
            long w = s.cwnd;
            for (long a = 0; a < w; a += MSS) cc.onAck(s, MSS, -1, 0);
            assertEquals(2 * w, s.cwnd);
        }
    }

    @Test
    void congestionAvoidanceGrowsOneSegmentPerWindow() {
        CcState s = fresh();
        s.ssthresh = 10 * MSS;
        for (int i = 0; i < 9; i++) cc.onAck(s, MSS, -1, 0);
        assertEquals(10 * MSS, s.cwnd);                        // 9000 of 10000 bytes: not yet
        cc.onAck(s, MSS, -1, 0);
        assertEquals(11 * MSS, s.cwnd);
        for (int i = 0; i < 11; i++) cc.onAck(s, MSS, -1, 0);  // a full window of the new size
        assertEquals(12 * MSS, s.cwnd);
    }

    @Test
    void lossHalvesTheFlightAndInflatesByThreeSegments() {
        CcState s = fresh();
        s.cwnd = 20 * MSS;
        s.inFlight = 18 * MSS;
        cc.onLoss(s, 0);
        assertEquals(9 * MSS, s.ssthresh);                     // FlightSize / 2, not cwnd / 2
        assertEquals(12 * MSS, s.cwnd);                        // ssthresh + 3 SMSS
        cc.onRecoveryEnd(s, 0);
        assertEquals(9 * MSS, s.cwnd);
        s.inFlight = 3 * MSS;
        cc.onLoss(s, 0);
        assertEquals(2 * MSS, s.ssthresh);                     // at least 2 SMSS
    }

    @Test
    void timeoutFallsToTheLossWindow() {
        CcState s = fresh();
        s.cwnd = 30 * MSS;
        s.inFlight = 30 * MSS;
        cc.onRto(s, 0);
        assertEquals(15 * MSS, s.ssthresh);
        assertEquals(MSS, s.cwnd);
        cc.onAck(s, MSS, -1, 0);                               // slow start again
        assertEquals(2 * MSS, s.cwnd);
    }

    @Test
    void idleRestartFallsToTheInitialWindowButNotBelowTheCurrent() {
        CcState s = fresh();
        s.cwnd = 40 * MSS;
        cc.onIdleRestart(s, 0);
        assertEquals(10 * MSS, s.cwnd);
        s.cwnd = 4 * MSS;
        cc.onIdleRestart(s, 0);
        assertEquals(4 * MSS, s.cwnd);
    }
}
