package io.flexnet.proto.tcp;

import io.flexnet.proto.LayerContext;

/**
 * What a connection does when one of its timers comes due: retransmission (RFC 6298 §5, with the SYN's
 * own retry count), the tail loss probe and reordering timeout ({@link Rack}), persist (zero-window probes), delayed ACK, keepalive, and the end of TIME_WAIT or of
 * an orphaned FIN_WAIT_2. A connection keeps each deadline in a field and holds <em>one</em> handle on
 * the stack's {@link TimerWheel} at the earliest of them; deadlines that move later (the retransmission
 * timer on every ACK) touch only the field, and when the wheel fires the connection runs what is due
 * and re-arms at its next deadline. Runs under the connection's ownership.
 */
final class Timers {
    private Timers() {}

    static void run(Connection c, LayerContext cx) {
        final long now = cx.now();
        if (c.state == TcpState.CLOSED) return;
        if (c.closeAt <= now) {
            c.closeAt = Long.MAX_VALUE;
            if (c.state == TcpState.TIME_WAIT || c.state == TcpState.FIN_WAIT_2) {
                c.to(TcpState.CLOSED);
                return;
            }
        }
        if (c.rtoAt <= now) {
            c.rtoAt = Long.MAX_VALUE;
            retransmit(c, cx);
            if (c.state == TcpState.CLOSED) return;
        }
        if (c.tlpAt <= now) {
            c.tlpAt = Long.MAX_VALUE;
            Rack.probe(c, cx);
        }
        if (c.reoAt <= now) {
            c.reoAt = Long.MAX_VALUE;
            Rack.reorderTimeout(c, cx);
        }
        if (c.persistAt <= now) {
            c.persistAt = Long.MAX_VALUE;
            persist(c, cx);
        }
        if (c.delackAt <= now) {
            c.delackAt = Long.MAX_VALUE;
            if (c.synchronizedState() && c.state != TcpState.TIME_WAIT) {
                c.tcp.count(Tcp.DELAYED_ACKS, cx);
                Emitter.ack(c, cx);
            }
        }
        if (c.keepAliveAt <= now) {
            c.keepAliveAt = Long.MAX_VALUE;
            keepAlive(c, cx);
            if (c.state == TcpState.CLOSED) return;
        }
        long next = c.nextDeadline();
        if (next != Long.MAX_VALUE) c.arm(next);
    }

    private static void retransmit(Connection c, LayerContext cx) {
        final TcpConfig cfg = c.tcp.config();
        final long now = cx.now();
        final TcpState s = c.state;
        if (s == TcpState.SYN_SENT || s == TcpState.SYN_RECEIVED) {
            if (++c.retries > cfg.synRetries()) {
                c.tcp.count(Tcp.TIMEOUTS, cx);
                c.fail("connection timed out");
                return;
            }
            c.rtt.backoff();
            c.tcp.count(Tcp.RTO_EXPIRED, cx);
            c.tcp.count(Tcp.RETRANSMITS, cx);
            Emitter.syn(c, cx);
            return;
        }
        if (c.sndUna == c.sndMax) return;  // everything acknowledged meanwhile
        if (++c.retries > cfg.dataRetries()) {
            c.tcp.count(Tcp.TIMEOUTS, cx);
            Emitter.reset(c, cx);
            c.fail("connection timed out");
            return;
        }
        c.tcp.count(Tcp.RTO_EXPIRED, cx);
        c.cc.inFlight = c.flight();
        c.ccAlgo.onRto(c.cc, now);
        c.rtt.backoff();
        // Go back to SND.UNA (RFC 6298 §5.4, RFC 5681 §3.1); RFC 6582's recover so later duplicate ACKs
        // of what was in flight do not start a fast retransmit.
        c.inRecovery = false;
        c.recoverSeq = c.sndMax;
        c.dupAcks = 0;
        c.scoreboard.clear();
        c.highRxt = c.sndUna;
        Rack.reset(c);
        c.rttTiming = false;
        c.sndNxt = c.sndUna;
        Emitter.output(c, cx, true);
        if (c.rtoAt == Long.MAX_VALUE && c.sndUna != c.sndMax) c.rtoAt = now + c.rtt.rto();
    }

    private static void persist(Connection c, LayerContext cx) {
        if (c.unsent() == 0 || c.flight() != 0) {  // sent meanwhile: the RTO covers it now
            c.persistBackoff = 0;
            return;
        }
        if (c.sndWnd != 0) {
            // A window too small to fill, held back against silly windows: the override sends what fits.
            c.persistBackoff = 0;
            Emitter.output(c, cx, true);
            return;
        }
        c.tcp.count(Tcp.WINDOW_PROBES, cx);
        Emitter.probe(c, cx);
        c.persistBackoff = Math.min(c.persistBackoff + 1, 16);
        long wait = Math.min(c.rtt.rto() << c.persistBackoff, c.tcp.config().maxRto());
        c.persistAt = cx.now() + wait;
    }

    private static void keepAlive(Connection c, LayerContext cx) {
        final long now = cx.now();
        if (!c.keepAlive || (c.state != TcpState.ESTABLISHED && c.state != TcpState.CLOSE_WAIT)) return;
        long idleUntil = c.lastRecv + c.keepAliveIdle;
        if (c.keepAliveSent == 0 && now < idleUntil) {
            c.keepAliveAt = idleUntil;
            return;
        }
        if (c.keepAliveSent >= c.keepAliveProbes) {
            c.tcp.count(Tcp.TIMEOUTS, cx);
            Emitter.reset(c, cx);
            c.fail("connection timed out (keepalive)");
            return;
        }
        c.tcp.count(Tcp.KEEPALIVE_PROBES, cx);
        Emitter.probe(c, cx);
        c.keepAliveSent++;
        c.keepAliveAt = now + c.keepAliveInterval;
    }
}
