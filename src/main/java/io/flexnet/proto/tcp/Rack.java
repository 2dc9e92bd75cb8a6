package io.flexnet.proto.tcp;

import io.flexnet.proto.LayerContext;

/**
 * Loss detection by time, after RACK-TLP (RFC 8985), for connections with SACK. Three rules beside
 * RFC 6675's duplicate-ACK counting, each sparing a retransmission timeout (200 ms at least, where the
 * round trip may be a millisecond):
 * <ul>
 *   <li><b>Tail loss probe.</b> With data outstanding, a probe timeout of 2·SRTT (plus 2 ms, or plus
 *       200 ms when one segment is out, for the peer's delayed ACK; never past the RTO) sends one new
 *       segment, or resends the last one, so a loss at the end of a flight draws a SACK instead of
 *       silence. Also in recovery: when the window allows nothing and a retransmission was lost too,
 *       the probe resends the first hole, the one holding SND.UNA back (what the RTO would send,
 *       200 ms sooner). One probe until SND.UNA passes what it covered, or, in recovery, moves at all.
 *   <li><b>Holes by time.</b> Once data above SND.UNA has been SACKed for a reordering window
 *       (SRTT/4, at least the timer's tick), the holes below the highest SACKed byte are lost: recovery
 *       starts even when fewer than DupThresh segments were SACKed (one probe's SACK is enough), and
 *       every hole below that byte counts as lost while it lasts. A timer checks when no ACK comes.
 *   <li><b>Lost retransmissions.</b> Each retransmission is remembered with its time and the SND.MAX
 *       it went out under. If something sent after it has been delivered — data above that SND.MAX
 *       SACKed, or a later retransmission SACKed or acknowledged — and it is still not, and SRTT plus
 *       the reordering window have passed, it was lost again and goes out once more at once.
 * </ul>
 * Runs under the connection's ownership; keeps its state in the connection; allocates nothing.
 */
final class Rack {
    /** Retransmissions remembered at once; past it the oldest is forgotten (the RTO still covers it). */
    static final int RECORDS = 32;
    private static final long TLP_MIN = 2_000_000L, WC_DELACK = 200_000_000L;

    private Rack() {}

    /**
     * The reordering window: a quarter of the smoothed RTT, or a whole one once the path was seen to
     * reorder (a hole filled by its first transmission); at least one tick of the timer wheel.
     */
    static long reoWnd(Connection c) {
        long srtt = c.rtt.srtt();
        return Math.max(c.reorderSeen ? srtt : srtt / 4, c.tcp.config().tickNanos());
    }

    /** After a segment went out: remember a retransmission; (re)arm the probe while no recovery runs. */
    static void sent(Connection c, int seq, int end, boolean retransmission, long now) {
        if (!c.sackOk) return;
        if (retransmission) record(c, seq, end, now);
        armProbe(c, now);
    }

    private static void record(Connection c, int seq, int end, long now) {
        int i = (c.rxHead + c.rxCount) % RECORDS;
        if (c.rxCount == RECORDS) {
            c.rxHead = (c.rxHead + 1) % RECORDS;  // the oldest gives way
        } else {
            c.rxCount++;
        }
        c.rxSeq[i] = seq;
        c.rxEnd[i] = end;
        c.rxSndMax[i] = c.sndMax;
        c.rxTime[i] = now;
    }

    static void armProbe(Connection c, long now) {
        if (!c.sackOk || c.tlpOut || c.sndUna == c.sndMax) {
            if (c.sndUna == c.sndMax) c.tlpAt = Long.MAX_VALUE;
            return;
        }
        long srtt = c.rtt.srtt();
        if (srtt <= 0) return;  // no sample yet: the RTO alone
        long pto = 2 * srtt + (c.flight() <= Emitter.smss(c) ? WC_DELACK : TLP_MIN);
        long at = now + pto;
        if (c.rtoAt != Long.MAX_VALUE && at >= c.rtoAt) {
            c.tlpAt = Long.MAX_VALUE;
            return;
        }
        c.tlpAt = at;
        c.arm(at);
    }

    /** The probe timer came due: one new segment if the windows let one go, else the last one again. */
    static void probe(Connection c, LayerContext cx) {
        if (!c.sackOk || c.tlpOut || c.sndUna == c.sndMax) return;
        int smss = Emitter.smss(c);
        c.tcp.count(Tcp.TAIL_PROBES, cx);
        c.tlpOut = true;
        c.tlpHigh = c.sndMax;
        c.tlpUna = c.sndUna;
        int unsent = c.unsent();
        if (c.inRecovery && !c.scoreboard.isSacked(c.sndUna)) {
            // Recovery stalled: what holds SND.UNA back is the first hole, whose retransmission (or its
            // ACK) was lost with nothing sent after it to show it. Send it again, as the RTO would.
            int dataEnd = c.bufSeq + c.sndBuf.size();
            int len = Math.min(smss, Seq.min(c.sndMax, dataEnd) - c.sndUna);
            if (len > 0) Emitter.resend(c, c.sndUna, len, cx);
            else Emitter.retransmitFirst(c, cx);
        } else if (unsent > 0 && c.sndWnd - c.flight() >= Math.min(unsent, smss) && c.sndNxt == c.sndMax) {
            Emitter.sendNew(c, Math.min(unsent, smss), cx);
        } else {
            int dataEnd = c.bufSeq + c.sndBuf.size();
            int to = Seq.min(c.sndMax, dataEnd);
            int from = Seq.max(c.sndUna, to - smss);
            if (Seq.gt(to, from)) Emitter.resend(c, from, to - from, cx);
            else Emitter.retransmitFirst(c, cx);  // only a FIN is outstanding
        }
        c.rtoAt = cx.now() + c.rtt.rto();  // RFC 8985 §7.3: the RTO covers the probe
        c.arm(c.rtoAt);
    }

    /**
     * After an ACK was taken (SACK blocks into the scoreboard, SND.UNA moved): ends the probe when the
     * ACK moved past it, keeps the SACK evidence's age, and resends retransmissions that were lost.
     */
    static void acked(Connection c, LayerContext cx) {
        if (!c.sackOk) return;
        final long now = cx.now();
        // The probe's episode is over when the ACK passed what it covered, or, in recovery, once SND.UNA
        // moved at all: the path delivers, and the next silence gets a probe of its own rather than
        // the 200 ms RTO.
        if (c.tlpOut && (Seq.ge(c.sndUna, c.tlpHigh) || c.inRecovery && Seq.gt(c.sndUna, c.tlpUna))) c.tlpOut = false;
        if (c.scoreboard.sackedBytes() == 0) {
            c.sackSince = Long.MAX_VALUE;
            c.rackLostBelow = c.sndUna;
        } else if (c.sackSince == Long.MAX_VALUE) {
            c.sackSince = now;
        }
        if (c.inRecovery && c.scoreboard.sackedBytes() > 0 && now - c.sackSince >= reoWnd(c)) {
            c.rackLostBelow = Seq.max(c.rackLostBelow, c.scoreboard.highestSacked(c.sndUna));
        }
        if (c.inRecovery) lostRetransmissions(c, cx);
        if (c.sackSince != Long.MAX_VALUE && !c.inRecovery) {
            c.reoAt = c.sackSince + reoWnd(c);
            c.arm(c.reoAt);
        } else {
            c.reoAt = Long.MAX_VALUE;
        }
        armProbe(c, now);
    }

    /** Whether SACKed data has waited a reordering window above an unacknowledged hole: recovery is due. */
    static boolean holeAged(Connection c, long now) {
        return c.sackOk && c.scoreboard.sackedBytes() > 0 && c.sackSince != Long.MAX_VALUE
                && now - c.sackSince >= reoWnd(c) && c.sndUna != c.sndMax;
    }

    /** The reordering timer came due with no ACK since: start recovery if the hole is still there. */
    static void reorderTimeout(Connection c, LayerContext cx) {
        if (!c.inRecovery && holeAged(c, cx.now()) && Seq.ge(c.sndUna, c.recoverSeq)) {
            c.tcp.count(Tcp.RACK_RECOVERIES, cx);
            Acks.enterRecovery(c, cx);
        }
    }

    /** Marks the holes below the highest SACKed byte lost, as recovery starts by time. */
    static void markHolesLost(Connection c) {
        c.rackLostBelow = Seq.max(c.rackLostBelow, c.scoreboard.highestSacked(c.sndUna));
    }

    private static void lostRetransmissions(Connection c, LayerContext cx) {
        final long now = cx.now();
        final int highSacked = c.scoreboard.highestSacked(c.sndUna);
        long newestDelivered = Long.MIN_VALUE;  // the newest transmission time among those delivered
        for (int k = 0; k < c.rxCount; k++) {
            int i = (c.rxHead + k) % RECORDS;
            if (delivered(c, i)) newestDelivered = Math.max(newestDelivered, c.rxTime[i]);
        }
        final long wait = c.rtt.srtt() + reoWnd(c);
        int lost = 0, kept = 0;
        for (int k = 0; k < c.rxCount; k++) {
            int i = (c.rxHead + k) % RECORDS;
            if (delivered(c, i)) continue;
            boolean laterArrived = Seq.gt(highSacked, c.rxSndMax[i]) || newestDelivered > c.rxTime[i];
            if (laterArrived && now - c.rxTime[i] >= wait) {
                c.lostSeq[lost] = Seq.max(c.rxSeq[i], c.sndUna);
                c.lostEnd[lost++] = c.rxEnd[i];
                continue;
            }
            int to = (c.rxHead + kept++) % RECORDS;  // keep it, in order
            c.rxSeq[to] = c.rxSeq[i];
            c.rxEnd[to] = c.rxEnd[i];
            c.rxSndMax[to] = c.rxSndMax[i];
            c.rxTime[to] = c.rxTime[i];
        }
        c.rxCount = kept;
        int smss = Emitter.smss(c);
        for (int k = 0; k < lost; k++) {
            int seq = c.lostSeq[k], end = c.lostEnd[k];
            int dataEnd = c.bufSeq + c.sndBuf.size();
            int len = Math.min(smss, Seq.min(end, dataEnd) - seq);
            if (len <= 0) continue;
            c.tcp.count(Tcp.LOST_RETRANSMITS, cx);
            Emitter.resend(c, seq, len, cx);  // records itself again
        }
    }

    /** Whether record {@code i}'s bytes have all arrived: acknowledged, or SACKed. */
    private static boolean delivered(Connection c, int i) {
        int seq = c.rxSeq[i], end = c.rxEnd[i];
        if (!Seq.gt(end, seq)) return true;
        if (Seq.le(end, c.sndUna)) return true;
        return c.scoreboard.isSacked(Seq.max(seq, c.sndUna)) && c.scoreboard.isSacked(end - 1);
    }

    /** Clears it all (a connection's start, an RTO going back to SND.UNA). */
    static void reset(Connection c) {
        c.rxCount = 0;
        c.rxHead = 0;
        c.tlpOut = false;
        c.tlpAt = Long.MAX_VALUE;
        c.reoAt = Long.MAX_VALUE;
        c.sackSince = Long.MAX_VALUE;
        c.rackLostBelow = c.sndUna;
    }
}
