package io.flexnet.proto.tcp;

import static io.flexnet.fixture.Frame.*;
import static io.flexnet.proto.tcp.TcpRig.*;
import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.fixture.Decoded;
import io.flexnet.proto.tcp.cc.CcState;
import io.flexnet.proto.tcp.cc.CongestionControl;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Retransmission and recovery (RFC 6298 back-off, RFC 5681/6582 fast retransmit and partial ACKs,
 * RFC 6675 SACK recovery), persist and keepalive probes, RFC 5961's challenge-ACK limit, simultaneous
 * open and close, half-close, TIME_WAIT reuse, and a congestion-control plug-in.
 */
class TcpReliabilityTest {
    static final int SEG = 1460;

    @Test
    void synRetransmissionsBackOffExponentially() {
        try (TcpRig r = new TcpRig()) {
            r.synSent();
            long[] waits = {1_000, 2_000, 4_000, 8_000};
            for (long w : waits) {  // each wait counts from the previous retransmission
                r.advance((w - 1) * MS);
                r.nothingSent();
                r.advance(3 * MS);
                r.sent(SYN, r.iss, 0);
            }
            r.nothingSent();
        }
    }

    @Test
    void threeDuplicateAcksRetransmitAndAPartialAckRetransmitsTheNextHole() {
        try (TcpRig r = new TcpRig()) {
            StreamConnection c = r.established();
            c.noDelay(true);
            c.write(new byte[5 * SEG], 0, 5 * SEG);
            for (int i = 0; i < 5; i++) r.sent(ACK | (i == 4 ? PSH : 0), r.ourNxt + (long) i * SEG, r.peerNxt);
            r.nothingSent();
            for (int i = 0; i < 2; i++) {
                r.in(r.seg().seq(r.peerNxt).ack(r.ourNxt));
                r.nothingSent();
            }
            r.in(r.seg().seq(r.peerNxt).ack(r.ourNxt));
            Decoded rexmit = r.sent(ACK, r.ourNxt, r.peerNxt);
            assertEquals(SEG, rexmit.payload.length, "the first segment again");
            r.nothingSent();
            // Segments 1 and 2 arrive, 3 was lost too: a partial ACK resends segment 3 at once.
            r.in(r.seg().seq(r.peerNxt).ack(r.ourNxt + 2L * SEG));
            Decoded next = r.sent(ACK, r.ourNxt + 2L * SEG, r.peerNxt);
            assertEquals(SEG, next.payload.length);
            r.nothingSent();
            r.in(r.seg().seq(r.peerNxt).ack(r.ourNxt + 5L * SEG));
            r.nothingSent();
            assertEquals(1, r.tcp.counters().get("fast-recoveries"));
            c.abort();
            r.discardSent();
        }
    }

    @Test
    void sackRecoveryResendsOnlyTheHole() {
        try (TcpRig r = new TcpRig(TcpOptionsTest.withOptions())) {
            Decoded synAck = TcpOptionsTest.openWithOptions(r, 1460);
            r.in(r.seg().seq(PEER_ISS + 1).ack(r.ourNxt).timestamps(101, synAck.tsVal));
            StreamConnection c = r.tcp.listener(PORT).accept();
            c.noDelay(true);
            int smss = 1448;  // 1460 less the timestamps option
            c.write(new byte[6 * smss], 0, 6 * smss);
            for (int i = 0; i < 6; i++) assertEquals(smss, r.sent().payload.length);
            r.nothingSent();
            long una = r.ourNxt;
            for (int k = 1; k <= 3; k++) {
                r.in(r.seg().seq(PEER_ISS + 1).ack(una).timestamps(101 + k, 0).sack(una + smss, una + (long) (k + 1) * smss));
                if (k < 3) r.nothingSent();
            }
            Decoded rexmit = r.sent();
            assertEquals(una, rexmit.seq, "the hole");
            assertEquals(smss, rexmit.payload.length);
            r.nothingSent();
            r.in(r.seg().seq(PEER_ISS + 1).ack(una + 6L * smss).timestamps(110, 0));
            r.nothingSent();
            c.abort();
            r.discardSent();
        }
    }

    @Test
    void aZeroWindowIsProbedWithBackOffUntilItOpens() {
        try (TcpRig r = new TcpRig()) {
            StreamConnection c = r.established();
            r.in(r.seg().seq(r.peerNxt).ack(r.ourNxt).window(0));
            assertEquals(100, c.write(new byte[100], 0, 100));
            r.nothingSent();
            r.advance(201 * MS);  // the RTO (200 ms, the minimum, after a handshake of no delay)
            r.sent(ACK, r.ourNxt - 1, r.peerNxt);  // a probe: SND.UNA - 1, no data, which the peer must ACK
            r.nothingSent();
            r.advance(399 * MS);
            r.nothingSent();  // backed off: twice the RTO
            r.advance(2 * MS);
            r.sent(ACK, r.ourNxt - 1, r.peerNxt);
            r.advance(799 * MS);
            r.nothingSent();  // and twice again
            r.advance(2 * MS);
            r.sent(ACK, r.ourNxt - 1, r.peerNxt);
            r.in(r.seg().seq(r.peerNxt).ack(r.ourNxt).window(4096));
            Decoded d = r.sent(ACK | PSH, r.ourNxt, r.peerNxt);
            assertEquals(100, d.payload.length, "the window opened: the data goes");
            r.nothingSent();
            assertEquals(3, r.tcp.counters().get("window-probes"));
            c.abort();
            r.discardSent();
        }
    }

    @Test
    void aWindowTooSmallToFillIsNotWaitedOnForever() {
        // The peer's window shrank below a segment and the update that reopened it was lost: nothing in
        // flight, nothing to draw an ACK. Sender SWS avoidance holds the small segment back, and RFC
        // 9293 §3.8.6.2.1's override timeout then sends what fits, rather than nothing, ever.
        try (TcpRig r = new TcpRig()) {
            StreamConnection c = r.established();
            r.in(r.seg().seq(r.peerNxt).ack(r.ourNxt).window(500));
            assertEquals(6_000, c.write(new byte[6_000], 0, 6_000));
            r.nothingSent();  // 500 bytes of 6,000 into a window once much larger: held back
            r.advance(201 * MS);
            Decoded d = r.sent(ACK, r.ourNxt, r.peerNxt);
            assertEquals(500, d.payload.length, "the override: what the window takes");
            r.nothingSent();
            r.in(r.seg().seq(r.peerNxt).ack(r.ourNxt + 500).window(65535));
            assertTrue(r.sent().payload.length > 0, "the window reopened: data goes");
            c.abort();
            r.discardSent();
        }
    }

    @Test
    void keepaliveTakesTheConnectionsOwnIdleIntervalAndCount() {
        try (TcpRig r = new TcpRig()) {
            StreamConnection c = r.established();
            assertThrows(IllegalArgumentException.class, () -> c.keepAlive(0, 1, 1));
            assertThrows(IllegalArgumentException.class, () -> c.keepAlive(1, 1, 0));
            c.keepAlive(10_000 * MS, 1_000 * MS, 2);  // TCP_KEEPIDLE 10 s, TCP_KEEPINTVL 1 s, TCP_KEEPCNT 2
            r.advance(9_999 * MS);
            r.nothingSent();
            r.advance(2 * MS);
            r.sent(ACK, r.ourNxt - 1, r.peerNxt);
            r.nothingSent();
            r.advance(1_001 * MS);
            r.sent(ACK, r.ourNxt - 1, r.peerNxt);
            r.nothingSent();
            r.advance(1_001 * MS);  // the second probe unanswered too: dropped
            r.sent(RST | ACK, r.ourNxt, r.peerNxt);
            assertEquals(TcpState.CLOSED, c.state());
            assertEquals(2, r.tcp.counters().get(Tcp.KEEPALIVE_PROBES));
        }
    }

    @Test
    void keepaliveProbesAnIdleConnectionAndDropsItWhenUnanswered() {
        try (TcpRig r = new TcpRig()) {
            StreamConnection c = r.established();
            c.keepAlive(true);
            r.advance(7_199_000 * MS);
            r.nothingSent();
            r.advance(2_000 * MS);
            r.sent(ACK, r.ourNxt - 1, r.peerNxt);
            r.in(r.seg().seq(r.peerNxt).ack(r.ourNxt));  // answered: idle again
            r.nothingSent();
            r.advance(7_201_000 * MS);
            for (int i = 0; i < 9; i++) {
                r.sent(ACK, r.ourNxt - 1, r.peerNxt);
                r.nothingSent();
                r.advance(75_001 * MS);
            }
            r.sent(RST | ACK, r.ourNxt, r.peerNxt);
            assertEquals(TcpState.CLOSED, c.state());
            TcpException e = assertThrows(TcpException.class, () -> c.read(new byte[1], 0, 1));
            assertTrue(e.getMessage().contains("timed out"), e.getMessage());
            c.close();
        }
    }

    @Test
    void challengeAcksAreLimitedPerSecond() {
        TcpConfig cfg = TcpRig.plain();
        try (TcpRig r = new TcpRig(cfg)) {
            StreamConnection c = r.established();
            int acks = 0;
            for (int i = 0; i < 1500; i++) {
                r.in(r.seg().flags(RST).seq(r.peerNxt + 10).ack(0));
                while (!r.out.isEmpty()) {
                    r.sent(ACK, r.ourNxt, r.peerNxt);
                    acks++;
                }
            }
            assertEquals(cfg.challengeAcks(), acks, "at most the limit in one second");
            assertEquals(500, r.tcp.counters().get("challenge-acks-limited"));
            assertEquals(TcpState.ESTABLISHED, c.state(), "no blind reset got through");
            r.advance(1_000 * MS);
            r.in(r.seg().flags(RST).seq(r.peerNxt + 10).ack(0));
            r.sent(ACK, r.ourNxt, r.peerNxt);  // a new second, a new allowance
            c.abort();
            r.discardSent();
        }
    }

    @Test
    void simultaneousOpenGoesThroughSynReceived() {
        try (TcpRig r = new TcpRig()) {
            StreamConnection c = r.synSent();
            r.in(r.to(c).flags(SYN).seq(PEER_ISS).ack(0).mss(1460));
            r.sent(SYN | ACK, r.iss, PEER_ISS + 1);
            assertEquals(TcpState.SYN_RECEIVED, c.state());
            r.in(r.to(c).flags(SYN | ACK).seq(PEER_ISS).ack(r.iss + 1));
            r.in(r.to(c).flags(ACK).seq(PEER_ISS + 1).ack(r.iss + 1));
            assertEquals(TcpState.ESTABLISHED, c.state());
            r.discardSent();
            c.abort();
            r.discardSent();
        }
    }

    @Test
    void simultaneousCloseGoesThroughClosing() {
        try (TcpRig r = new TcpRig()) {
            StreamConnection c = r.established();
            c.close();
            r.sent(ACK | FIN, r.ourNxt, r.peerNxt);
            r.in(r.seg().flags(ACK | FIN).seq(r.peerNxt).ack(r.ourNxt));
            r.sent(ACK, r.ourNxt + 1, r.peerNxt + 1);
            assertEquals(TcpState.CLOSING, c.state());
            r.in(r.seg().flags(ACK).seq(r.peerNxt + 1).ack(r.ourNxt + 1));
            assertEquals(TcpState.TIME_WAIT, c.state());
            r.nothingSent();
        }
    }

    @Test
    void halfCloseStillReceives() {
        try (TcpRig r = new TcpRig()) {
            StreamConnection c = r.established();
            c.shutdownOutput();
            r.sent(ACK | FIN, r.ourNxt, r.peerNxt);
            assertThrows(TcpException.class, () -> c.write(new byte[1], 0, 1));
            r.in(r.seg().seq(r.peerNxt).ack(r.ourNxt + 1).payload(text("still talking")));
            assertEquals(TcpState.FIN_WAIT_2, c.state());
            byte[] buf = new byte[32];
            assertEquals(13, c.read(buf, 0, 32));
            assertEquals("still talking", new String(buf, 0, 13));
            r.discardSent();
            c.abort();
            r.discardSent();
        }
    }

    @Test
    void aNewerSynReopensAFourTupleInTimeWait() {
        try (TcpRig r = new TcpRig()) {
            StreamConnection c = r.established();
            c.close();
            r.sent(ACK | FIN, r.ourNxt, r.peerNxt);
            r.in(r.seg().flags(ACK | FIN).seq(r.peerNxt).ack(r.ourNxt + 1));
            r.sent(ACK, r.ourNxt + 1, r.peerNxt + 1);
            assertEquals(TcpState.TIME_WAIT, c.state());
            r.in(r.seg().flags(SYN).seq(r.peerNxt + 100_000).ack(0));
            Decoded synAck = r.sent();
            assertEquals(SYN | ACK, synAck.flags);
            assertEquals(r.peerNxt + 100_001, synAck.ack);
            assertEquals(1, r.tcp.counters().get("time-wait-reused"));
            r.in(r.seg().seq(r.peerNxt + 100_001).ack(synAck.seq + 1));
            StreamConnection again = r.tcp.listener(PORT).accept();
            assertNotNull(again);
            assertEquals(TcpState.ESTABLISHED, again.state());
            again.abort();
            r.discardSent();
        }
    }

    @Test
    void aDesignersCongestionControlIsCalled() {
        try (TcpRig r = new TcpRig()) {
            AtomicInteger acks = new AtomicInteger();
            r.tcp.congestionControl(new CongestionControl() {
                public String name() { return "counting"; }
                public void init(CcState s, long now) { s.cwnd = 2L * s.mss; }
                public void onAck(CcState s, long acked, long rtt, long now) { acks.incrementAndGet(); }
                public void onLoss(CcState s, long now) { }
                public void onRto(CcState s, long now) { }
            });
            StreamConnection c = r.established();
            c.noDelay(true);
            c.write(new byte[3 * SEG], 0, 3 * SEG);
            r.sent();
            r.sent();
            r.nothingSent();  // its window: two segments
            r.in(r.seg().seq(r.peerNxt).ack(r.ourNxt + SEG));
            assertEquals(1, acks.get());
            assertEquals(SEG, r.sent().payload.length);
            c.abort();
            r.discardSent();
        }
    }
}
