package io.flexnet.proto.tcp;

import io.flexnet.packet.Bytes;
import io.flexnet.packet.Checksum;
import io.flexnet.packet.Ipv4Header;
import io.flexnet.packet.Packet;
import io.flexnet.packet.TcpHeader;
import io.flexnet.packet.TcpOptions;
import io.flexnet.proto.IpSend;
import io.flexnet.proto.LayerContext;
import java.lang.foreign.MemorySegment;

/**
 * Everything a connection sends, built in a pool slot and handed to the stack's
 * {@link io.flexnet.proto.Output} as an originated datagram (down {@code ip_send}/{@code eth_send} here,
 * or wherever the design routed originated output): SYNs, ACKs, data under the windows (RFC 9293
 * §3.8.6.2.1 sender SWS avoidance, RFC 896 Nagle unless {@code noDelay}), retransmissions, FIN, RST,
 * window probes and keepalives, with the options negotiated (MSS, window scale, timestamps, SACK).
 * Called only by the connection's owner.
 */
final class Emitter {
    private Emitter() {}

    static final int TS_LEN = 12;  // NOP NOP kind len tsval tsecr

    /** Largest payload per segment: the peer's MSS less the options every segment carries. */
    static int smss(Connection c) { return Math.max(1, c.sndMss - (c.tsOk ? TS_LEN : 0)); }

    // ---------------------------------------------------------------- windows

    /** The window field for a non-SYN segment; updates the right edge offered (never moved left). */
    static int advertise(Connection c) {
        final int shift = c.wsOk ? c.rcvScale : 0;
        final int slack = (1 << shift) - 1;
        final int free = c.rcvBuf.free();
        final int cap = c.rcvBuf.capacity();
        if (Seq.lt(c.rcvAdvRight, c.rcvNxt)) c.rcvAdvRight = c.rcvNxt;
        int right = c.rcvNxt + Math.max(0, free - slack);
        // RFC 9293 §3.8.6.2.2: move the right edge only by at least min(buffer/2, MSS).
        if (Seq.gt(right, c.rcvAdvRight) && right - c.rcvAdvRight >= Math.min(cap / 2, c.rcvMss)) c.rcvAdvRight = right;
        int win = c.rcvAdvRight - c.rcvNxt;
        int wire = (win + slack) >>> shift;
        if ((long) wire << shift > free) wire = free >>> shift;  // near full: round down rather than overrun
        if (wire > 0xFFFF) wire = 0xFFFF;
        c.rcvAdvRight = Seq.max(c.rcvAdvRight, c.rcvNxt + (wire << shift));
        if (Seq.gt(c.rcvAdvRight, c.rcvNxt + free)) c.rcvAdvRight = c.rcvNxt + (wire << shift);
        return wire;
    }

    /** After the application read: a window update when the window can at least double, or the pending ACK of a small message. */
    static void afterRead(Connection c, LayerContext cx) {
        if (!c.synchronizedState() || c.state == TcpState.TIME_WAIT || c.finReceived && c.rcvBuf.size() == 0 && c.delackAt == Long.MAX_VALUE) return;
        final int shift = c.wsOk ? c.rcvScale : 0;
        int now = c.rcvAdvRight - c.rcvNxt;
        int could = c.rcvBuf.free() - ((1 << shift) - 1);
        if (could >= 2 * Math.max(now, 1) && could - now >= c.rcvMss) {
            ack(c, cx);
        } else if (c.delackAt != Long.MAX_VALUE && c.rcvBuf.size() == 0 && c.rcvUnacked < c.rcvMss) {
            // The request/response rule: the reader took a small message whole. Its answer, written
            // next, carries the ACK; if the reader comes back for more before writing one (it took
            // part of a request whose rest a peer's Nagle holds back), the ACK goes then
            // (drained), not after our delayed-ACK timer.
            c.ackWhenDrained = true;
        }
    }

    /** The reader found the receive buffer empty: the ACK the request/response rule held back goes now. */
    static void drained(Connection c, LayerContext cx) {
        if (c.ackWhenDrained && c.delackAt != Long.MAX_VALUE && c.synchronizedState()) ack(c, cx);
        c.ackWhenDrained = false;
    }

    // ---------------------------------------------------------------- control segments

    static void ack(Connection c, LayerContext cx) {
        build(c, TcpHeader.ACK, c.sndNxt, 0, cx);
    }

    /** A SYN (active open, SYN_SENT) or SYN-ACK (SYN_RECEIVED), from ISS. */
    static void syn(Connection c, LayerContext cx) {
        int flags = c.state == TcpState.SYN_SENT ? TcpHeader.SYN : TcpHeader.SYN | TcpHeader.ACK;
        build(c, flags, c.iss, 0, cx);
        if (Seq.lt(c.sndNxt, c.iss + 1)) c.sndNxt = c.iss + 1;
        c.sndMax = Seq.max(c.sndMax, c.sndNxt);
        if (c.rtoAt == Long.MAX_VALUE) {
            c.rtoAt = cx.now() + c.rtt.rto();
            c.arm(c.rtoAt);
        }
    }

    /** RST for an abort or a failure: {@code <SEQ=SND.NXT><CTL=RST>} (RFC 9293 §3.10.4 ABORT). */
    static void reset(Connection c, LayerContext cx) {
        build(c, TcpHeader.RST | TcpHeader.ACK, c.sndNxt, 0, cx);
        c.tcp.count(Tcp.RST_SENT, cx);
    }

    /** A zero-window probe or keepalive: {@code SEQ=SND.UNA-1}, no data, which any live peer must ACK. */
    static void probe(Connection c, LayerContext cx) {
        build(c, TcpHeader.ACK, c.sndUna - 1, 0, cx);
    }

    /** A challenge ACK (RFC 5961), within the stack-wide rate limit. */
    static void challengeAck(Connection c, LayerContext cx) {
        if (!c.tcp.challengeAcks().allow(cx.now())) {
            c.tcp.count(Tcp.CHALLENGE_ACKS_LIMITED, cx);
            return;
        }
        c.tcp.count(Tcp.CHALLENGE_ACKS, cx);
        ack(c, cx);
    }

    // ---------------------------------------------------------------- data

    /**
     * Sends what the send buffer holds and the windows allow, FIN after the last byte once queued; arms
     * the retransmission timer, and the persist timer when a zero window holds data back.
     */
    static void output(Connection c, LayerContext cx, boolean force) {
        TcpState s = c.state;
        if (s != TcpState.ESTABLISHED && s != TcpState.CLOSE_WAIT && s != TcpState.FIN_WAIT_1
                && s != TcpState.LAST_ACK && s != TcpState.CLOSING) return;
        if (c.inRecovery && c.sackOk) {
            sackRecovery(c, cx);
            return;
        }
        final int smss = smss(c);
        final long now = cx.now();
        if (c.sndNxt == c.sndUna && now - c.lastSend > c.rtt.rto() && c.cc.cwnd > 0 && c.sndBuf.size() > 0) {
            c.ccAlgo.onIdleRestart(c.cc, now);  // RFC 5681 §4.1
        }
        for (int guard = 0; guard < 1 << 16; guard++) {
            long wnd = Math.min(c.sndWnd, c.cc.cwnd);
            int flight = c.flight();
            long usable = wnd - flight;
            int unsent = c.unsent();
            boolean finPending = c.finQueued && !c.finAcked && Seq.le(c.sndNxt, c.finSeq());
            if (unsent == 0) {
                if (finPending && (usable > 0 || flight == 0 || force)) {
                    send(c, TcpHeader.ACK | TcpHeader.FIN, c.sndNxt, 0, cx);
                }
                break;
            }
            int len = (int) Math.min(Math.min(unsent, smss), Math.max(0L, usable));
            if (len <= 0) break;
            if (len == smss && c.tcp.gsoMaxData() > smss) {
                // TSO: as many whole segments as the windows allow, one super frame the device cuts.
                int most = (int) Math.min(Math.min(unsent, usable), c.tcp.gsoMaxData());
                int big = most == unsent ? most : most - most % smss;
                if (big > smss && superFrame(c, big == unsent && finPending, big == unsent, big, smss, cx)) continue;
            }
            if (len < smss) {
                boolean nagleOk = c.noDelay || flight == 0 || force;
                boolean all = len == unsent;
                boolean half = c.maxSndWnd > 0 && len >= c.maxSndWnd / 2;
                if (!nagleOk || !(all || half || force)) break;  // force: the override timeout's send
            }
            int flags = TcpHeader.ACK;
            if (len == unsent) flags |= TcpHeader.PSH;
            if (finPending && len == unsent) flags |= TcpHeader.FIN;
            send(c, flags, c.sndNxt, len, cx);
        }
        // Data held back with nothing in flight, so no ACK will come to move it: a zero window, or one
        // too small to fill that sender SWS avoidance waits out. The persist timer probes the first and
        // is the override timeout (RFC 9293 §3.8.6.2.1) of the second, in case the update is lost.
        if (c.unsent() > 0 && c.flight() == 0 && c.persistAt == Long.MAX_VALUE) {
            c.persistAt = now + c.rtt.rto();
            c.arm(c.persistAt);
        }
    }

    /** RFC 6675 §5: while pipe is below cwnd, retransmit what the scoreboard holds lost, else send new data. */
    static void sackRecovery(Connection c, LayerContext cx) {
        final int smss = smss(c);
        long pipe = c.scoreboard.pipe(c.sndUna, c.sndMax, c.highRxt, smss, c.rackLostBelow);
        for (int guard = 0; guard < 1 << 12 && pipe < c.cc.cwnd; guard++) {
            int from = Seq.max(c.highRxt, c.sndUna);
            long lost = c.scoreboard.nextLost(from, c.sndUna, smss, c.rackLostBelow);
            if (lost >= 0) {
                int seq = (int) lost;
                int dataEnd = c.bufSeq + c.sndBuf.size();
                int len = Math.min(smss, Math.min(c.sndMax - seq, dataEnd - seq));
                if (len <= 0) break;
                send(c, TcpHeader.ACK, seq, len, cx);
                c.highRxt = seq + len;
                pipe += len;
                continue;
            }
            int unsent = c.unsent();
            long room = c.sndWnd - c.flight();
            int len = (int) Math.min(Math.min(unsent, smss), Math.max(0, room));
            if (len <= 0) break;
            send(c, TcpHeader.ACK | (len == unsent ? TcpHeader.PSH : 0), c.sndNxt, len, cx);
            pipe += len;
        }
    }

    /**
     * RFC 3042 limited transmit: on the first two duplicate ACKs, one new segment if the receiver's window
     * allows and the flight stays within cwnd plus two segments, so a small window still draws the three
     * duplicates fast retransmit needs instead of waiting for the retransmission timer.
     */
    static void limitedTransmit(Connection c, LayerContext cx) {
        int unsent = c.unsent();
        if (unsent == 0) return;
        int smss = smss(c);
        int len = Math.min(smss, unsent);
        int flight = c.flight();
        if (flight + len > c.sndWnd || flight + len > c.cc.cwnd + 2L * smss) return;
        send(c, TcpHeader.ACK | (len == unsent ? TcpHeader.PSH : 0), c.sndNxt, len, cx);
    }

    /** Retransmits one segment from SND.UNA (fast retransmit, NewReno's partial ACK). */
    static void retransmitFirst(Connection c, LayerContext cx) {
        int dataEnd = c.bufSeq + c.sndBuf.size();
        int len = Math.min(smss(c), Math.max(0, Math.min(c.sndMax, dataEnd) - c.sndUna));
        boolean fin = c.finQueued && !c.finAcked && c.sndUna + len == c.finSeq() && Seq.gt(c.sndMax, c.finSeq());
        if (len == 0 && !fin) return;
        send(c, TcpHeader.ACK | (fin ? TcpHeader.FIN : 0), c.sndUna, len, cx);
    }

    /**
     * Sends one segment of the stream starting at {@code seq} with {@code len} bytes from the send buffer
     * and moves SND.NXT/SND.MAX past it; counts retransmissions; times it (Karn: never a retransmission).
     */
    private static void send(Connection c, int flags, int seq, int len, LayerContext cx) {
        boolean retransmission = Seq.lt(seq, c.sndMax);
        if (!build(c, flags, seq, len, cx)) return;
        sent(c, flags, seq, len, retransmission, cx);
    }

    private static void sent(Connection c, int flags, int seq, int len, boolean retransmission, LayerContext cx) {
        final long now = cx.now();
        int end = seq + len + ((flags & TcpHeader.FIN) != 0 ? 1 : 0);
        if (retransmission) {
            c.tcp.count(Tcp.RETRANSMITS, cx);
            if (c.rttTiming && Seq.le(seq, c.rttSeq)) c.rttTiming = false;  // Karn
        } else if (!c.rttTiming && len > 0) {
            c.rttTiming = true;
            c.rttSeq = seq;
            c.rttStart = now;
        }
        if (Seq.gt(end, c.sndNxt)) c.sndNxt = end;
        if (Seq.gt(end, c.sndMax)) c.sndMax = end;
        if (c.rtoAt == Long.MAX_VALUE) {
            c.rtoAt = now + c.rtt.rto();
            c.arm(c.rtoAt);
        }
        c.persistAt = Long.MAX_VALUE;
        if (len > 0) Rack.sent(c, seq, end, retransmission, now);
    }

    /** {@code len} bytes at SND.NXT, new, whatever the congestion window says: a tail loss probe's. */
    static void sendNew(Connection c, int len, LayerContext cx) {
        int flags = TcpHeader.ACK | (len == c.unsent() ? TcpHeader.PSH : 0);
        send(c, flags, c.sndNxt, len, cx);
    }

    /** {@code len} bytes at {@code seq} again: a probe's, or a retransmission found lost. */
    static void resend(Connection c, int seq, int len, LayerContext cx) {
        send(c, TcpHeader.ACK, seq, len, cx);
    }

    /** Whether {@code len} new bytes, next in the stream, may go now as one segment (windows, Nagle). */
    static boolean sendsWhole(Connection c, int len) {
        TcpState s = c.state;
        if (s != TcpState.ESTABLISHED && s != TcpState.CLOSE_WAIT) return false;
        if (len <= 0 || c.inRecovery || c.finQueued) return false;
        int smss = smss(c);
        if (len > smss) return false;
        int flight = c.flight();
        if (len > Math.min(c.sndWnd, c.cc.cwnd) - flight) return false;
        return c.noDelay || flight == 0 || len == smss;
    }

    /**
     * Makes {@code p} the segment carrying the {@code len} bytes at {@code off} (already appended to the
     * send buffer at SND.NXT): the header goes in front of them, in the same slot; the caller's pipeline
     * sends it on.
     */
    static void inPlace(Connection c, Packet p, int off, int len, LayerContext cx) {
        int seq = c.sndNxt;
        fill(c, p, off, TcpHeader.ACK | TcpHeader.PSH, seq, len, false, cx);
        sent(c, TcpHeader.ACK | TcpHeader.PSH, seq, len, false, cx);
    }

    // ---------------------------------------------------------------- the bytes

    /** Room in front of the data of a segment built in a new slot: the largest TCP header. */
    static final int MAX_HEADER = 60;

    /**
     * Sends {@code len} new bytes from SND.NXT as one super frame in a jumbo slot that the device cuts
     * into {@code smss}-byte segments, each with these headers (PSH and FIN only on the last, as Linux's
     * {@code tcp_gso_segment}). False, having sent nothing, when no jumbo slot is free.
     */
    private static boolean superFrame(Connection c, boolean fin, boolean push, int len, int smss, LayerContext cx) {
        final Tcp tcp = c.tcp;
        final Packet p = tcp.pool().allocateJumbo();
        if (p == null) return false;
        int flags = TcpHeader.ACK | (push ? TcpHeader.PSH : 0) | (fin ? TcpHeader.FIN : 0);
        int seq = c.sndNxt;
        p.gsoSize = smss;
        fill(c, p, tcp.pool().headroom() + IpSend.HEADROOM + MAX_HEADER, flags, seq, len, true, cx);
        tcp.output().datagram(p, cx);
        sent(c, flags, seq, len, false, cx);
        return true;
    }

    /**
     * Builds one segment in a new slot and sends it. False when the pool had no slot (counted; the
     * timers retry).
     */
    static boolean build(Connection c, int flags, int seq, int len, LayerContext cx) {
        final Tcp tcp = c.tcp;
        final Packet p = tcp.pool().allocate();
        if (p == null) {
            tcp.count(Tcp.NO_SLOT, cx);
            return false;
        }
        fill(c, p, tcp.pool().headroom() + IpSend.HEADROOM + MAX_HEADER, flags, seq, len, true, cx);
        tcp.output().datagram(p, cx);
        return true;
    }

    /**
     * Writes the segment into {@code p}: its {@code len} data bytes at {@code dataAt} (copied from the send
     * buffer when {@code copy}, else already there), the header and options just in front of them.
     */
    private static void fill(Connection c, Packet p, int dataAt, int flags, int seq, int len, boolean copy, LayerContext cx) {
        final Tcp tcp = c.tcp;
        final boolean syn = (flags & TcpHeader.SYN) != 0;
        final long now = cx.now();
        int sackBlocks = 0;
        if (!syn && c.sackOk && c.ooo.ranges() > 0 && (flags & TcpHeader.ACK) != 0) {
            sackBlocks = c.ooo.sackBlocks(c.sackOut, c.tsOk ? 3 : 4);
        }
        int optLen = syn ? synOptionsLength(c) : (c.tsOk ? TS_LEN : 0) + (sackBlocks > 0 ? 4 + 8 * sackBlocks : 0);
        // Keep within the MTU: SACK blocks give way to data.
        final int segLen = p.gsoSize > 0 ? p.gsoSize : len;  // a super frame's options go on every cut segment
        while (sackBlocks > 0 && TcpHeader.MIN_HEADER_LENGTH + optLen + segLen > tcp.maxSegment()) {
            sackBlocks--;
            optLen -= sackBlocks == 0 ? 12 : 8;
        }
        final int hlen = TcpHeader.MIN_HEADER_LENGTH + optLen;
        final int at = dataAt - hlen;
        final MemorySegment s = p.segment();
        p.offset = at;
        p.length = hlen + len;
        TcpHeader.srcPort(s, at, c.localPort);
        TcpHeader.dstPort(s, at, c.remotePort);
        Bytes.i32(s, at + TcpHeader.SEQ_OFFSET, seq);
        boolean ack = (flags & TcpHeader.ACK) != 0;
        Bytes.i32(s, at + TcpHeader.ACK_OFFSET, ack ? c.rcvNxt : 0);
        Bytes.u16(s, at + TcpHeader.DATA_OFFSET_OFFSET, (hlen >>> 2) << 12 | flags);
        int window;
        if (syn) {
            window = Math.min(c.rcvBuf.free(), 0xFFFF);
            c.rcvAdvRight = c.rcvNxt + window;
        } else {
            window = advertise(c);
        }
        TcpHeader.window(s, at, window);
        TcpHeader.urgent(s, at, 0);
        long o = at + TcpHeader.MIN_HEADER_LENGTH;
        if (syn) {
            synOptions(c, s, o, now);
        } else {
            if (c.tsOk) o = timestamps(c, s, o, now);
            if (sackBlocks > 0) {
                Bytes.u8(s, o++, TcpOptions.NOP);
                Bytes.u8(s, o++, TcpOptions.NOP);
                Bytes.u8(s, o++, TcpOptions.SACK);
                Bytes.u8(s, o++, 2 + 8 * sackBlocks);
                for (int i = 0; i < 2 * sackBlocks; i++, o += 4) Bytes.i32(s, o, c.sackOut[i]);
            }
        }
        if (len > 0 && copy) c.sndBuf.peek(seq - c.bufSeq, s, dataAt, len);
        if (tcp.partialSums()) {
            // CHECKSUM_PARTIAL: the pseudo-header's folded sum, which the device completes (and, for a
            // super frame, adjusts to each segment's length).
            TcpHeader.checksum(s, at, Checksum.fold(Checksum.pseudoHeader(c.localIp, c.remoteIp,
                    Ipv4Header.PROTO_TCP, hlen + len)));
            p.csumVerdict = Packet.CSUM_PARTIAL;
            p.csumOffset = TcpHeader.CHECKSUM_OFFSET;
        } else {
            TcpHeader.fillChecksum(s, at, hlen + len, c.localIp, c.remoteIp);
            p.csumVerdict = Packet.CSUM_NONE;
        }
        p.l4Offset = at;
        p.srcIp = c.localIp;
        p.dstIp = c.remoteIp;
        p.srcPort = c.localPort;
        p.dstPort = c.remotePort;
        p.protocol = Ipv4Header.PROTO_TCP;
        p.flowHash = c.hash;
        if (ack) {
            c.ackWhenDrained = false;
            c.lastAckSent = c.rcvNxt;
            c.rcvUnacked = 0;
            c.delackAt = Long.MAX_VALUE;
        }
        c.lastSend = now;
        tcp.count(Tcp.SEGMENTS_OUT, cx);
    }

    private static int synOptionsLength(Connection c) {
        int n = 4;  // MSS
        if (c.tsOk || c.sackOk) n += c.tsOk ? 12 : 4;
        if (c.wsOk) n += 4;
        return n;
    }

    private static long synOptions(Connection c, MemorySegment s, long o, long now) {
        Bytes.u8(s, o, TcpOptions.MSS);
        Bytes.u8(s, o + 1, 4);
        Bytes.u16(s, o + 2, c.rcvMss);
        o += 4;
        if (c.tsOk && c.sackOk) {
            Bytes.u8(s, o, TcpOptions.SACK_PERMITTED);
            Bytes.u8(s, o + 1, 2);
            o += 2;
            o = timestampOption(c, s, o, now);
        } else if (c.tsOk) {
            o = timestamps(c, s, o, now);
        } else if (c.sackOk) {
            Bytes.u8(s, o, TcpOptions.NOP);
            Bytes.u8(s, o + 1, TcpOptions.NOP);
            Bytes.u8(s, o + 2, TcpOptions.SACK_PERMITTED);
            Bytes.u8(s, o + 3, 2);
            o += 4;
        }
        if (c.wsOk) {
            Bytes.u8(s, o, TcpOptions.NOP);
            Bytes.u8(s, o + 1, TcpOptions.WINDOW_SCALE);
            Bytes.u8(s, o + 2, 3);
            Bytes.u8(s, o + 3, c.rcvScale);
            o += 4;
        }
        return o;
    }

    private static long timestamps(Connection c, MemorySegment s, long o, long now) {
        Bytes.u8(s, o, TcpOptions.NOP);
        Bytes.u8(s, o + 1, TcpOptions.NOP);
        return timestampOption(c, s, o + 2, now);
    }

    private static long timestampOption(Connection c, MemorySegment s, long o, long now) {
        Bytes.u8(s, o, TcpOptions.TIMESTAMPS);
        Bytes.u8(s, o + 1, 10);
        Bytes.i32(s, o + 2, c.tsNow(now));
        Bytes.i32(s, o + 6, c.tsRecent);
        return o + 10;
    }
}
