package io.flexnet.proto.tcp;

import io.flexnet.packet.Bytes;
import io.flexnet.packet.Ipv4Header;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.packet.TcpHeader;
import io.flexnet.packet.TcpOptions;
import io.flexnet.proto.LayerContext;
import io.flexnet.proto.Output;
import java.lang.foreign.MemorySegment;

/**
 * The segments TCP sends with no connection behind them — resets to strays and to what a filter
 * rejects, a SYN cookie's SYN-ACK — each written as a reply in a slot (the segment's own, or a new one
 * when the segment stays its holder's) and sent through the stack's output.
 */
final class Replies {
    private final Tcp tcp;
    private final PacketPool pool;
    private final Output output;
    private final int localIp;

    Replies(Tcp tcp, PacketPool pool, Output output, int localIp) {
        this.tcp = tcp;
        this.pool = pool;
        this.output = output;
        this.localIp = localIp;
    }

    /**
     * Answers {@code p} with a reset built in its own slot (RFC 9293 §3.10.7.1): {@code <SEQ=SEG.ACK>
     * <CTL=RST>} when it carried an ACK, else {@code <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>}. Never
     * answers a reset. Takes ownership.
     */
    void reset(Packet p, Segment g, LayerContext cx) {
        if (g.has(TcpHeader.RST)) {
            p.release();
            return;
        }
        tcp.count(Tcp.RST_SENT, cx);
        if (g.has(TcpHeader.ACK)) write(p, TcpHeader.RST, g.ack, 0, 0, -1, cx);
        else write(p, TcpHeader.RST | TcpHeader.ACK, 0, g.seq + g.seqLength(), 0, -1, cx);
    }

    /**
     * Answers a segment a filter rejected ({@code reject with tcp reset}) with a reset as
     * {@link #reset} builds it, in a new slot: {@code segment} is only read, and stays the caller's.
     * The segment is as {@code ip_rcv} left it ({@link Packet#l4Offset}, addresses set); nothing is sent
     * for a reset, a runt header, or a datagram not to our unicast address. A reset needs no connection,
     * so a SYN to a port the rules close meets what a closed port sends: {@code ECONNREFUSED}.
     */
    void resetFor(Packet segment, LayerContext cx) {
        final MemorySegment s = segment.segment();
        final int at = segment.l4Offset;
        final int len = segment.offset + segment.length - at;
        if (len < TcpHeader.MIN_HEADER_LENGTH || segment.dstIp != localIp) return;
        final int flags = Bytes.u8(s, at + 13);
        final int hlen = (Bytes.u8(s, at + 12) >>> 4) << 2;
        if ((flags & TcpHeader.RST) != 0 || hlen < TcpHeader.MIN_HEADER_LENGTH || hlen > len) return;
        final Packet q = pool.allocate();
        if (q == null) {
            tcp.count(Tcp.NO_SLOT, cx);
            return;
        }
        q.l4Offset = q.offset + io.flexnet.proto.IpSend.HEADROOM;
        q.srcIp = segment.srcIp;
        q.srcPort = Bytes.u16(s, at);
        q.dstPort = Bytes.u16(s, at + 2);
        q.vlan = segment.vlan;
        tcp.count(Tcp.RST_SENT, cx);
        if ((flags & TcpHeader.ACK) != 0) {
            write(q, TcpHeader.RST, Bytes.i32(s, at + TcpHeader.ACK_OFFSET), 0, 0, -1, cx);
        } else {
            int seqLength = len - hlen + ((flags & TcpHeader.SYN) != 0 ? 1 : 0) + ((flags & TcpHeader.FIN) != 0 ? 1 : 0);
            write(q, TcpHeader.RST | TcpHeader.ACK, 0, Bytes.i32(s, at + TcpHeader.SEQ_OFFSET) + seqLength, 0, -1, cx);
        }
    }

    /** Rewrites {@code p} in place as a reply to its sender with no data (an MSS option when {@code mss >= 0}) and sends it. */
    void write(Packet p, int flags, int seq, int ack, int window, int mss, LayerContext cx) {
        final MemorySegment s = p.segment();
        final int at = p.l4Offset;
        int hlen = TcpHeader.MIN_HEADER_LENGTH + (mss >= 0 ? 4 : 0);
        int peer = p.srcIp, peerPort = p.srcPort, port = p.dstPort;
        TcpHeader.srcPort(s, at, port);
        TcpHeader.dstPort(s, at, peerPort);
        Bytes.i32(s, at + TcpHeader.SEQ_OFFSET, seq);
        Bytes.i32(s, at + TcpHeader.ACK_OFFSET, ack);
        Bytes.u16(s, at + TcpHeader.DATA_OFFSET_OFFSET, (hlen >>> 2) << 12 | flags);
        TcpHeader.window(s, at, window);
        TcpHeader.urgent(s, at, 0);
        if (mss >= 0) {
            Bytes.u8(s, at + 20, TcpOptions.MSS);
            Bytes.u8(s, at + 21, 4);
            Bytes.u16(s, at + 22, mss);
        }
        TcpHeader.fillChecksum(s, at, hlen, localIp, peer);
        p.offset = at;
        p.length = hlen;
        p.srcIp = localIp;
        p.dstIp = peer;
        p.srcPort = port;
        p.dstPort = peerPort;
        p.protocol = Ipv4Header.PROTO_TCP;
        tcp.count(Tcp.SEGMENTS_OUT, cx);
        output.datagram(p, cx);
    }
}
