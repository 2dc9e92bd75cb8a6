package io.flexnet.proto.tcp;

import io.flexnet.packet.TcpHeader;
import io.flexnet.proto.LayerContext;

/**
 * The sender's side of an acceptable ACK: what it acknowledges (the send buffer advances, RTT sampled
 * with Karn's rule or from the timestamp echo), what it reports (SACK blocks into the scoreboard),
 * duplicate ACKs (with RFC 3042 limited transmit, so a small window still draws three) and loss
 * recovery — NewReno with partial ACKs (RFC 5681 §3.2, RFC 6582) without SACK,
 * RFC 6675's pipe-based recovery with it — the retransmission timer (RFC 6298 §5), and the send window
 * update (RFC 9293 §3.10.7.4, SND.WL1/SND.WL2). With timestamps, a fast retransmit that proves spurious
 * (the first new ACK echoes the original's timestamp: it was reordered, not lost) is undone (RFC 3522).
 */
final class Acks {
    private Acks() {}

    static void process(Connection c, Segment g, LayerContext cx) {
        final long now = cx.now();
        final int una = c.sndUna;
        final int highSackedBefore = c.sackOk ? c.scoreboard.highestSacked(una) : una;
        final int ack = g.ack;
        final long wnd = (long) g.window << c.sndScale;
        final int smss = Emitter.smss(c);
        if (c.sackOk && g.sackCount > 0) c.scoreboard.update(Seq.max(ack, c.sndUna), c.sndMax, g.sack, g.sackCount);
        if (Seq.gt(ack, c.sndUna)) {
            // A hole below SACKed data filled by its first transmission: the path reorders (RFC 8985 §6.2).
            if (Seq.lt(una, highSackedBefore) && (!c.inRecovery || Seq.ge(una, c.highRxt))) c.reorderSeen = true;
            int acked = ack - c.sndUna;
            int from = Seq.max(c.sndUna, c.bufSeq);
            int dataEnd = c.bufSeq + c.sndBuf.size();
            int to = Seq.min(ack, dataEnd);
            if (Seq.gt(to, from)) {
                int n = to - from;
                c.sndBuf.skip(n);
                c.bufSeq += n;
                c.events |= StreamConnection.WRITABLE;
            }
            if (c.finQueued && Seq.gt(ack, c.finSeq())) c.finAcked = true;
            c.sndUna = ack;
            if (Seq.lt(c.sndNxt, ack)) c.sndNxt = ack;
            if (Seq.lt(c.highRxt, ack)) c.highRxt = ack;
            long sample = -1;
            if (c.rttTiming && Seq.gt(ack, c.rttSeq)) {
                sample = now - c.rttStart;
                c.rttTiming = false;
            } else if (c.tsOk && g.hasTs && g.tsEcr != 0) {
                long ms = c.tsNow(now) - g.tsEcr;
                if (ms >= 0 && ms < 3_600_000L) sample = ms * 1_000_000L;
            }
            if (sample >= 0) {
                c.rtt.sample(sample);
                c.cc.srtt = c.rtt.srtt();
            }
            c.retries = 0;
            if (c.sackOk) c.scoreboard.ackedTo(ack);
            c.cc.mss = smss;
            if (c.undoArmed) {
                c.undoArmed = false;
                if (c.inRecovery && g.hasTs && Seq.lt(g.tsEcr, c.undoTs)) {
                    // RFC 3522: the first new ACK echoes a timestamp older than the retransmission, so
                    // the original arrived (it was reordered, not lost): undo the window reduction.
                    c.inRecovery = false;
                    c.cc.cwnd = Math.max(c.cc.cwnd, c.undoCwnd);
                    c.cc.ssthresh = c.undoSsthresh;
                    c.tcp.count(Tcp.SPURIOUS_RECOVERIES, cx);
                }
            }
            if (c.inRecovery) {
                if (Seq.ge(ack, c.recoverSeq)) {
                    c.inRecovery = false;
                    c.ccAlgo.onRecoveryEnd(c.cc, now);
                } else if (!c.sackOk) {
                    // RFC 6582 §3.2 step 5: a partial ACK; resend the next hole, deflate by what was acked.
                    Emitter.retransmitFirst(c, cx);
                    c.cc.cwnd = Math.max(c.cc.cwnd - acked + smss, smss);
                }
            } else {
                c.cc.inFlight = c.flight();
                c.ccAlgo.onAck(c.cc, acked, sample, now);
            }
            c.dupAcks = 0;
            if (c.sndUna == c.sndMax) {
                c.rtoAt = Long.MAX_VALUE;
            } else {
                c.rtoAt = now + c.rtt.rto();
                c.arm(c.rtoAt);
            }
            c.persistBackoff = 0;
        } else if (ack == c.sndUna && g.len == 0 && (g.flags & (TcpHeader.SYN | TcpHeader.FIN)) == 0
                && c.sndUna != c.sndMax && (wnd == c.sndWnd || (c.sackOk && g.sackCount > 0))) {
            // RFC 5681's duplicate, or RFC 6675's ACK carrying SACK information even if the window moved
            // (a reader freeing buffer space changes the window of every ACK while a hole is open).
            c.dupAcks++;
            c.tcp.count(Tcp.DUP_ACKS, cx);
            if (!c.inRecovery) {
                boolean lost = c.dupAcks >= 3 || (c.sackOk && c.scoreboard.isLost(c.sndUna, smss));
                if (!lost && Rack.holeAged(c, now)) {
                    lost = true;
                    c.tcp.count(Tcp.RACK_RECOVERIES, cx);
                }
                if (lost && Seq.ge(c.sndUna, c.recoverSeq)) enterRecovery(c, cx);
                else if (c.dupAcks <= 2) Emitter.limitedTransmit(c, cx);  // RFC 3042
            } else if (!c.sackOk) {
                c.cc.cwnd += smss;  // RFC 5681 §3.2 step 4: inflate for the segment that left
            }
        }
        Rack.acked(c, cx);
        // The send window, from the newest segment only.
        if (Seq.lt(c.sndWl1, g.seq) || (c.sndWl1 == g.seq && Seq.le(c.sndWl2, ack))) {
            c.sndWnd = wnd;
            if (wnd > c.maxSndWnd) c.maxSndWnd = wnd;
            c.sndWl1 = g.seq;
            c.sndWl2 = ack;
            if (wnd > 0) {
                c.persistAt = Long.MAX_VALUE;
                c.persistBackoff = 0;
            }
        }
    }

    static void enterRecovery(Connection c, LayerContext cx) {
        final long now = cx.now();
        final int smss = Emitter.smss(c);
        c.tcp.count(Tcp.FAST_RECOVERIES, cx);
        c.inRecovery = true;
        c.reoAt = Long.MAX_VALUE;
        if (Rack.holeAged(c, now)) Rack.markHolesLost(c);
        c.recoverSeq = c.sndMax;
        c.cc.mss = smss;
        c.undoArmed = c.tsOk;
        c.undoCwnd = c.cc.cwnd;
        c.undoSsthresh = c.cc.ssthresh;
        c.undoTs = c.tsNow(now);  // what the retransmission below carries (TSval never goes backwards)
        // RFC 5681's FlightSize (SND.MAX - SND.UNA), not the pipe: when a burst was lost whole and RACK
        // already counts its holes lost, the pipe is near zero and would cut ssthresh to two segments.
        c.cc.inFlight = c.flight();
        c.ccAlgo.onLoss(c.cc, now);
        c.highRxt = c.sndUna;
        Emitter.retransmitFirst(c, cx);
        if (c.sackOk) {
            c.highRxt = c.sndUna + Math.min(smss, c.sndMax - c.sndUna);
        } else {
            c.cc.cwnd = c.cc.ssthresh + 3L * smss;  // RFC 5681 §3.2 step 2
        }
    }
}
