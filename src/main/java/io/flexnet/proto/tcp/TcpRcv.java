package io.flexnet.proto.tcp;

import io.flexnet.packet.Counters;
import io.flexnet.packet.DropCounters;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.Ipv4Header;
import io.flexnet.packet.Packet;
import io.flexnet.packet.TcpHeader;
import io.flexnet.proto.CountingLayer;
import io.flexnet.proto.LayerContext;
import io.flexnet.proto.LayerKind;
import java.lang.foreign.MemorySegment;

/**
 * {@code tcp_rcv}: checks a segment (header length, checksum over the pseudo-header), finds its
 * connection by four-tuple, and processes it under the connection's ownership — at once when no other
 * thread owns it, else by queueing it on the connection's backlog for the owner (Linux's socket lock,
 * see {@link Connection}). A segment with no connection goes to its port's listener (a SYN opens, an
 * ACK may complete a SYN cookie) or is answered with a reset.
 *
 * <p>Returns {@code DONE}: data is copied into the receive buffer and the slot goes back to the pool
 * (or is reused for the reset that answers it). The exception is a connection accepted by a listener
 * set to {@linkplain Listener#deliverInPlace deliver in place}: an in-order segment is then passed on
 * ({@code NEXT}) to the run-to-completion pipeline's {@code yield()}, the payload where it lies.
 */
public final class TcpRcv implements CountingLayer {
    private static final int OUT = 0, CONSUMED = 1;
    private final Tcp tcp;
    private final Counters counters = new Counters("tcp_rcv", "out", "consumed");
    private final DropCounters drops = new DropCounters("tcp_rcv");

    TcpRcv(Tcp tcp) { this.tcp = tcp; }

    @Override public String name() { return "tcp_rcv"; }
    @Override public LayerKind kind() { return LayerKind.L4_RCV; }
    @Override public Counters counters() { return counters; }
    @Override public DropCounters drops() { return drops; }

    @Override
    public int process(Packet p, LayerContext cx) {
        if (p.protocol != Ipv4Header.PROTO_TCP) return drop(p, DropReason.UNKNOWN_PROTOCOL, cx);
        final MemorySegment s = p.segment();
        final int l4 = p.l4Offset;
        final int avail = p.offset + p.length - l4;
        if (avail < TcpHeader.MIN_HEADER_LENGTH) return drop(p, DropReason.BAD_TCP, cx);
        final int hlen = TcpHeader.headerLength(s, l4);
        if (hlen < TcpHeader.MIN_HEADER_LENGTH || hlen > avail) return drop(p, DropReason.BAD_TCP, cx);
        if (p.dstIp != tcp.localIp()) return drop(p, DropReason.BAD_TCP, cx);  // RFC 1122 4.2.3.10: unicast only
        // Summed unless the device vouched (Packet#csumVerdict), as udp_rcv does. Either way the verdict
        // is spent here: a segment TCP answers in this slot carries a sum it filled in whole, which a
        // device told CHECKSUM_PARTIAL would sum over again.
        if (p.csumVerdict == Packet.CSUM_NONE && !TcpHeader.checksumOk(s, l4, avail, p.srcIp, p.dstIp)) {
            return drop(p, DropReason.BAD_TCP_CHECKSUM, cx);
        }
        p.csumVerdict = Packet.CSUM_NONE;
        final int ports = io.flexnet.packet.Bytes.i32(s, l4);
        final int sport = ports >>> 16, dport = ports & 0xFFFF;
        if (sport == 0 || dport == 0) return drop(p, DropReason.BAD_TCP, cx);
        p.srcPort = sport;
        p.dstPort = dport;
        p.payloadOffset = l4 + hlen;
        p.payloadLength = avail - hlen;
        p.length = l4 + avail - p.offset;
        tcp.count(Tcp.IN, cx);
        final Connection c = tcp.table().find(ConnTable.key(p.srcIp, sport, dport));
        if (c == null) return tcp.noConnection(p, cx);
        if (c.tryOwn()) {
            int r;
            try {
                if (!c.backlog.isEmpty()) c.drainBacklog(cx);  // queued segments first: they came before this one
                r = finish(c, p, Input.process(c, p, cx, true), cx);
            } finally {
                c.release(cx);
            }
            return r;
        }
        if (!c.backlog.offer(p)) return drop(p, DropReason.TCP_BACKLOG_FULL, cx);
        tcp.count(Tcp.BACKLOGGED, cx);
        // The owner may have let go just before the offer: if it is free now, drain it ourselves.
        if (c.tryOwn()) c.release(cx);
        return DONE;
    }

    /** A queued segment, drained by the connection's owner: processed, never passed on. */
    void underOwnership(Connection c, Packet p, LayerContext cx) {
        if (c.key != ConnTable.key(p.srcIp, p.srcPort, p.dstPort)) {
            drop(p, DropReason.TCP_CLOSED, cx);  // queued for an incarnation that is gone
            return;
        }
        int code;
        try {
            code = Input.process(c, p, cx, false);
        } catch (RuntimeException e) {
            // A fault here must not leave the connection owned for good (the drain runs inside
            // release()): count it and go on; the slot is the segment's, dropped as the fault's.
            tcp.fault(e, cx);
            code = Input.drop(DropReason.EXTENSION_FAULT);
        }
        finish(c, p, code, cx);
    }

    /** Applies {@link Input}'s answer to the slot: release it, count its drop, or pass it on. */
    int finish(Connection c, Packet p, int code, LayerContext cx) {
        if (code == Input.CONSUMED) {
            counters.inc(cx.stripe(), CONSUMED);
            p.release();
            return DONE;
        }
        if (code == Input.IN_PLACE) {
            counters.inc(cx.stripe(), OUT);
            tcp.count(Tcp.IN_PLACE, cx);
            return NEXT;
        }
        if (code == Input.REUSED) {
            counters.inc(cx.stripe(), CONSUMED);
            return DONE;
        }
        return drop(p, Input.reasonOf(code), cx);
    }

    int drop(Packet p, DropReason reason, LayerContext cx) {
        drops.drop(p, reason, cx.stripe());
        return DONE;
    }
}
