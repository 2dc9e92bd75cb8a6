package io.flexnet.proto.tcp;

import io.flexnet.packet.DropReason;
import io.flexnet.packet.Packet;
import io.flexnet.packet.TcpHeader;
import io.flexnet.proto.LayerContext;

/**
 * RFC 9293 §3.10.7, SEGMENT ARRIVES, for a connection that exists (LISTEN is {@link Tcp}'s): the
 * segment is read once ({@link Segment}), then handled by state in the RFC's order — sequence check
 * (with RFC 7323 PAWS first), RST (RFC 5961 §3: exact match resets, in-window gets a challenge ACK),
 * SYN (RFC 5961 §4: a challenge ACK), ACK (RFC 5961 §5 range; new data, duplicates and recovery in
 * {@link Acks}), data, FIN. Runs under the connection's ownership and never releases the slot itself:
 * it answers what became of it.
 */
final class Input {
    private Input() {}

    /** The slot is the caller's to release: the segment was used (its data copied) or had nothing for us. */
    static final int CONSUMED = 0;
    /** The payload is delivered in place: the pipeline goes on to the application's yield() with it. */
    static final int IN_PLACE = 1;
    /** The slot was reused to send a reply (a reset): the caller must not touch it. */
    static final int REUSED = 2;

    /** A drop under {@code r}: negative, so it cannot be mistaken for the codes above. */
    static int drop(DropReason r) { return -1 - r.ordinal(); }

    static DropReason reasonOf(int code) { return DropReason.of(-1 - code); }

    private static final long PAWS_IDLE = 24L * 24 * 3600 * 1_000_000_000L;  // RFC 7323 §5.5: 24 days

    /** Processes {@code p}, a checked segment for {@code c}; {@code mayKeep} when the caller can pass the slot on. */
    static int process(Connection c, Packet p, LayerContext cx, boolean mayKeep) {
        final Segment g = c.seg;
        if (!g.read(p)) return drop(DropReason.TCP_BAD_OPTIONS);
        return switch (c.state) {
            case CLOSED, LISTEN -> closed(c, p, g, cx);
            case SYN_SENT -> synSent(c, p, g, cx);
            default -> synced(c, p, g, cx, mayKeep);
        };
    }

    private static int closed(Connection c, Packet p, Segment g, LayerContext cx) {
        if (g.has(TcpHeader.RST)) return drop(DropReason.TCP_CLOSED);
        c.tcp.rcv().drops().count(DropReason.TCP_CLOSED, cx.stripe());
        c.tcp.replyReset(p, g, cx);
        return REUSED;
    }

    private static int synSent(Connection c, Packet p, Segment g, LayerContext cx) {
        final boolean ack = g.has(TcpHeader.ACK);
        if (ack && (Seq.le(g.ack, c.iss) || Seq.gt(g.ack, c.sndMax))) {
            if (g.has(TcpHeader.RST)) return drop(DropReason.TCP_BAD_ACK);
            c.tcp.rcv().drops().count(DropReason.TCP_BAD_ACK, cx.stripe());
            c.tcp.replyReset(p, g, cx);
            return REUSED;
        }
        if (g.has(TcpHeader.RST)) {
            if (!ack) return drop(DropReason.TCP_IGNORED);
            c.tcp.count(Tcp.RST_RECEIVED, cx);
            c.fail("connection refused");
            return CONSUMED;
        }
        if (!g.has(TcpHeader.SYN)) return drop(DropReason.TCP_IGNORED);
        final long now = cx.now();
        c.irs = g.seq;
        c.rcvNxt = g.seq + 1;
        negotiate(c, g, now);
        c.sndWnd = g.window;  // a SYN's window is never scaled
        c.maxSndWnd = c.sndWnd;
        c.sndWl1 = g.seq;
        if (ack) {
            sampleHandshake(c, now);
            c.sndUna = g.ack;
            c.synAcked = true;
            c.sndWl2 = g.ack;
            c.retries = 0;
            c.rtoAt = Long.MAX_VALUE;
            initCc(c, now);
            c.to(TcpState.ESTABLISHED);
            c.events |= StreamConnection.ESTABLISHED | StreamConnection.WRITABLE;
            Emitter.ack(c, cx);
            Emitter.output(c, cx, false);
            return CONSUMED;
        }
        c.to(TcpState.SYN_RECEIVED);  // simultaneous open (RFC 9293 §3.5, figure 8)
        Emitter.syn(c, cx);
        return CONSUMED;
    }

    /** The options of a SYN: keep what both sides offered; clamp the peer's MSS. */
    static void negotiate(Connection c, Segment g, long now) {
        c.tsOk = c.tsOk && g.hasTs;
        c.sackOk = c.sackOk && g.sackPermitted;
        c.wsOk = c.wsOk && g.wscale >= 0;
        c.sndScale = c.wsOk ? g.wscale : 0;
        if (!c.wsOk) c.rcvScale = 0;
        c.sndMss = c.tcp.clampMss(g.mss < 0 ? 536 : g.mss);  // RFC 9293 §3.7.1: 536 when absent
        if (c.tsOk) {
            c.tsRecent = g.tsVal;
            c.tsRecentAt = now;
        }
    }

    static void initCc(Connection c, long now) {
        c.cc.mss = Emitter.smss(c);
        c.ccAlgo.init(c.cc, now);
        c.cc.srtt = c.rtt.hasSample() ? c.rtt.srtt() : 0;
    }

    private static int synced(Connection c, Packet p, Segment g, LayerContext cx, boolean mayKeep) {
        final long now = cx.now();
        final TcpState st = c.state;
        final int segLen = g.seqLength();

        // A new SYN for a four-tuple in TIME_WAIT may reopen it (RFC 9293 §3.6.1, RFC 6191): when its
        // sequence number or timestamp is above what the old incarnation used.
        if (st == TcpState.TIME_WAIT && g.has(TcpHeader.SYN) && !g.has(TcpHeader.ACK | TcpHeader.RST)
                && (c.appReleased || !c.handedToApp)
                && (Seq.gt(g.seq, c.rcvNxt) || (c.tsOk && g.hasTs && Seq.gt(g.tsVal, c.tsRecent)))) {
            Listener l = c.tcp.listener(c.localPort);
            if (l != null) {
                c.tcp.passiveOpen(l, c, p, g, cx);
                return REUSED;
            }
        }
        // A retransmitted SYN while our SYN-ACK is unanswered: answer it again.
        if (st == TcpState.SYN_RECEIVED && g.has(TcpHeader.SYN) && !g.has(TcpHeader.ACK | TcpHeader.RST)
                && g.seq == c.irs) {
            Emitter.syn(c, cx);
            return CONSUMED;
        }
        // PAWS (RFC 7323 §5.3) before the window check.
        if (c.tsOk && g.hasTs && !g.has(TcpHeader.RST) && Seq.lt(g.tsVal, c.tsRecent) && now - c.tsRecentAt < PAWS_IDLE) {
            Emitter.ack(c, cx);
            return drop(DropReason.TCP_PAWS);
        }
        // 1. Sequence number check.
        int wnd = c.rcvAdvRight - c.rcvNxt;
        if (wnd < 0) wnd = 0;
        boolean ok;
        boolean zeroWindowData = false;
        if (segLen == 0) {
            ok = wnd == 0 ? g.seq == c.rcvNxt : Seq.inRange(c.rcvNxt, g.seq, c.rcvNxt + wnd);
        } else if (wnd == 0) {
            // Not acceptable, but RFC 9293 says to process its ACK and RST: the window reopens this way.
            ok = g.seq == c.rcvNxt;
            zeroWindowData = ok;
        } else {
            ok = Seq.inRange(c.rcvNxt, g.seq, c.rcvNxt + wnd) || Seq.inRange(c.rcvNxt, g.seq + segLen - 1, c.rcvNxt + wnd);
        }
        if (!ok) {
            if (!g.has(TcpHeader.RST)) Emitter.ack(c, cx);
            return drop(DropReason.TCP_OUT_OF_WINDOW);
        }
        c.lastRecv = now;
        c.keepAliveSent = 0;
        // 2. RST (RFC 5961 §3).
        if (g.has(TcpHeader.RST)) {
            if (g.seq != c.rcvNxt) {
                Emitter.challengeAck(c, cx);
                return drop(DropReason.TCP_CHALLENGED);
            }
            c.tcp.count(Tcp.RST_RECEIVED, cx);
            // RFC 1337 (TIME-WAIT assassination): a reset ending TIME_WAIT early would let an old
            // duplicate reach the next incarnation; the wait runs its course.
            if (st == TcpState.TIME_WAIT) return drop(DropReason.TCP_TIME_WAIT_RST);
            if ((st == TcpState.SYN_RECEIVED && c.listener != null) || st == TcpState.CLOSING
                    || st == TcpState.LAST_ACK) {
                c.to(TcpState.CLOSED);
            } else {
                c.fail("connection reset by peer");
            }
            return CONSUMED;
        }
        // 4. SYN in a synchronized state (RFC 5961 §4).
        if (g.has(TcpHeader.SYN)) {
            Emitter.challengeAck(c, cx);
            return drop(DropReason.TCP_CHALLENGED);
        }
        // 5. ACK.
        if (!g.has(TcpHeader.ACK)) return drop(DropReason.TCP_IGNORED);
        if (st == TcpState.SYN_RECEIVED) {
            if (c.listener != null && c.listener.isClosed()) {
                // Nobody will accept it: reset the half-open connection rather than let it linger.
                Emitter.reset(c, cx);
                c.to(TcpState.CLOSED);
                return drop(DropReason.TCP_NO_LISTENER);
            }
            if (!Seq.gt(g.ack, c.sndUna) || Seq.gt(g.ack, c.sndMax)) {
                c.tcp.rcv().drops().count(DropReason.TCP_BAD_ACK, cx.stripe());
                c.tcp.replyReset(p, g, cx);
                return REUSED;
            }
            if (!established(c, g, cx)) return drop(DropReason.TCP_ACCEPT_QUEUE_FULL);
        }
        if (Seq.gt(g.ack, c.sndMax)) {
            Emitter.ack(c, cx);
            return drop(DropReason.TCP_BAD_ACK);
        }
        int maxBack = (int) Math.min(Math.max(c.maxSndWnd, 1), 1L << 30);
        if (Seq.lt(g.ack, c.sndUna - maxBack)) {
            Emitter.challengeAck(c, cx);
            return drop(DropReason.TCP_BAD_ACK);
        }
        int sndUnaBefore = c.sndUna;
        long sndWndBefore = c.sndWnd;
        Acks.process(c, g, cx);
        if (c.state == TcpState.CLOSED) return CONSUMED;
        switch (c.state) {
            case FIN_WAIT_1 -> {
                if (c.finAcked) {
                    c.to(TcpState.FIN_WAIT_2);
                    if (c.appReleased) {
                        c.closeAt = now + c.tcp.config().finWait2();
                        c.arm(c.closeAt);
                    }
                }
            }
            case CLOSING -> {
                if (c.finAcked) timeWait(c, now);
            }
            case LAST_ACK -> {
                if (c.finAcked) {
                    c.to(TcpState.CLOSED);
                    return CONSUMED;
                }
            }
            default -> { }
        }
        // RFC 7323 §4.3: remember the peer's timestamp of a segment covering what we last acknowledged.
        if (c.tsOk && g.hasTs && Seq.le(g.seq, c.lastAckSent) && Seq.ge(g.seq + segLen, c.lastAckSent)
                && Seq.ge(g.tsVal, c.tsRecent)) {
            c.tsRecent = g.tsVal;
            c.tsRecentAt = now;
        }
        // 7. Data.
        int result = CONSUMED;
        if (g.len > 0 && !zeroWindowData) {
            TcpState s = c.state;
            if (s == TcpState.ESTABLISHED || s == TcpState.FIN_WAIT_1 || s == TcpState.FIN_WAIT_2) {
                if (c.appReleased && Seq.gt(g.seq + g.len, c.rcvNxt)) {
                    // RFC 9293 §3.10.7.4 / RFC 1122 4.2.2.13: nobody will read it.
                    Emitter.reset(c, cx);
                    c.fail("data after close");
                    return drop(DropReason.TCP_CLOSED);
                }
                result = Data.receive(c, p, g, cx, mayKeep);
                if (result < 0) return result;
            }
        } else if (zeroWindowData) {
            Emitter.ack(c, cx);
        }
        // 8. FIN. An early one (data missing before it) is remembered and takes effect when the data
        // before it has arrived, so the peer need not send it again (RFC 9293 §3.10.7.4 queues it).
        if (g.has(TcpHeader.FIN) && !c.finReceived && result != IN_PLACE && !zeroWindowData
                && Seq.gt(g.seq + g.len, c.rcvNxt) && Seq.le(g.seq + g.len, c.rcvAdvRight)
                && (c.state == TcpState.ESTABLISHED || c.state == TcpState.FIN_WAIT_1 || c.state == TcpState.FIN_WAIT_2)) {
            c.finPending = true;
            c.finSeq = g.seq + g.len;
        }
        boolean fin = g.has(TcpHeader.FIN) && g.seq + g.len == c.rcvNxt
                || c.finPending && c.finSeq == c.rcvNxt;
        if (fin && !c.finReceived && result != IN_PLACE) {
            c.finPending = false;
            c.rcvNxt++;
            c.finReceived = true;
            c.events |= StreamConnection.READABLE;
            switch (c.state) {
                case SYN_RECEIVED, ESTABLISHED -> c.to(TcpState.CLOSE_WAIT);
                case FIN_WAIT_1 -> {
                    if (c.finAcked) timeWait(c, now);
                    else c.to(TcpState.CLOSING);
                }
                case FIN_WAIT_2 -> timeWait(c, now);
                default -> { }
            }
            Emitter.ack(c, cx);
        }
        if (c.sndUna != sndUnaBefore || c.sndWnd != sndWndBefore || c.unsent() > 0 || c.finQueued) {
            Emitter.output(c, cx, false);
        }
        return result;
    }

    /** SYN_RECEIVED to ESTABLISHED on an acceptable ACK; false when the listener's accept queue is full. */
    private static boolean established(Connection c, Segment g, LayerContext cx) {
        final long now = cx.now();
        Listener l = c.listener;
        if (l != null) {
            if (!l.offer(c)) return false;
            c.handedToApp = true;  // in the accept queue: the application owns its end from here
            l.synLeft();
            c.listener = null;
            c.acceptReady = l;
        }
        sampleHandshake(c, now);
        c.sndUna = g.ack;
        c.synAcked = true;
        c.sndWnd = (long) g.window << c.sndScale;
        c.maxSndWnd = c.sndWnd;
        c.sndWl1 = g.seq;
        c.sndWl2 = g.ack;
        c.retries = 0;
        c.rtoAt = Long.MAX_VALUE;
        initCc(c, now);
        c.to(TcpState.ESTABLISHED);
        c.events |= StreamConnection.ESTABLISHED | StreamConnection.WRITABLE;
        return true;
    }

    /**
     * The handshake's round trip, unless the SYN was retransmitted (Karn). Times come from different
     * threads (a worker's round, an application's clock read later), so a negative difference is
     * possible and is no sample.
     */
    private static void sampleHandshake(Connection c, long now) {
        long rtt = now - c.lastSend;
        if (c.retries == 0 && rtt >= 0) c.rtt.sample(rtt);
    }

    static void timeWait(Connection c, long now) {
        c.to(TcpState.TIME_WAIT);
        c.closeAt = now + c.tcp.config().timeWait();
        c.arm(c.closeAt);
    }
}
