package io.flexnet.proto;

import io.flexnet.packet.Bytes;
import io.flexnet.packet.Checksum;
import io.flexnet.packet.Counters;
import io.flexnet.packet.DropCounters;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.Ipv4Header;
import io.flexnet.packet.Packet;
import io.flexnet.packet.UdpHeader;
import java.lang.foreign.MemorySegment;

/**
 * {@code udp_rcv}: checks the UDP length against the IP payload and, when present, the checksum;
 * fills ports and payload; finds the endpoint bound to the destination port and stores its id in
 * {@link Packet#owner}. A closed port gets an ICMP port-unreachable back and the datagram is dropped
 * as {@code no-socket}. The checksum is not summed again when the device vouched for it
 * ({@link Packet#CSUM_UNNECESSARY}, {@link Packet#CSUM_PARTIAL}); a frame nobody vouched for is always
 * summed.
 *
 * <p>{@code l4_rcv} ({@link L4Rcv}) calls it for UDP datagrams: <b>there is no TCP layer yet</b>, so TCP
 * segments that {@code ip_rcv} passed on are dropped there as {@code unknown-protocol}. Called on its
 * own, it refuses anything but UDP the same way.
 */
public final class UdpRcv implements CountingLayer {
    private static final int OUT = 0;

    private final PortTable ports;
    private final Icmp icmp;
    private final Counters counters = new Counters("udp_rcv", "out");
    private final DropCounters drops = new DropCounters("udp_rcv");

    public UdpRcv(PortTable ports, Icmp icmp) {
        this.ports = ports;
        this.icmp = icmp;
    }

    @Override public String name() { return "udp_rcv"; }
    @Override public LayerKind kind() { return LayerKind.L4_RCV; }
    @Override public Counters counters() { return counters; }
    @Override public DropCounters drops() { return drops; }

    @Override
    public int process(Packet p, LayerContext cx) {
        if (p.protocol != Ipv4Header.PROTO_UDP) return drop(p, DropReason.UNKNOWN_PROTOCOL, cx);
        final MemorySegment s = p.segment();
        final int l4 = p.l4Offset;
        final int avail = p.offset + p.length - l4;
        if (avail < UdpHeader.HEADER_LENGTH) return drop(p, DropReason.BAD_UDP_LENGTH, cx);
        final long h = Bytes.u64(s, l4);  // the whole header: ports, length, checksum
        // A UDP length shorter than the IP payload is legal (RFC 768): the rest is ignored.
        final int ulen = UdpHeader.length(h);
        if (ulen < UdpHeader.HEADER_LENGTH || ulen > avail) return drop(p, DropReason.BAD_UDP_LENGTH, cx);
        // Summed unless the device vouched (Packet#csumVerdict): checked, or left to fill in by a
        // sender on this host, whose data never crossed a wire.
        if (UdpHeader.checksum(h) != 0 && p.csumVerdict == Packet.CSUM_NONE) {
            long acc = Checksum.pseudoHeader(p.srcIp, p.dstIp, Ipv4Header.PROTO_UDP, ulen) + Checksum.halves(h);
            acc = Checksum.sum(s, l4 + UdpHeader.HEADER_LENGTH, ulen - UdpHeader.HEADER_LENGTH, acc);
            if (Checksum.fold(acc) != 0xFFFF) return drop(p, DropReason.BAD_UDP_CHECKSUM, cx);
        }
        final int dport = UdpHeader.dstPort(h);
        p.srcPort = UdpHeader.srcPort(h);
        p.dstPort = dport;
        p.payloadOffset = l4 + UdpHeader.HEADER_LENGTH;
        p.payloadLength = ulen - UdpHeader.HEADER_LENGTH;
        p.length = l4 + ulen - p.offset;
        final Endpoint e = ports.get(dport);
        if (e == null) return closedPort(p, cx);
        p.owner = e.id();
        counters.inc(cx.stripe(), OUT);
        return NEXT;
    }

    private int closedPort(Packet p, LayerContext cx) {
        // Counted before the error leaves, so whoever sees the ICMP error also sees the drop counted.
        drops.count(DropReason.NO_SOCKET, cx.stripe());
        icmp.portUnreachable(p, cx);  // copies what it quotes into a slot of its own
        p.release();
        return DONE;
    }

    private int drop(Packet p, DropReason reason, LayerContext cx) {
        drops.drop(p, reason, cx.stripe());
        return DONE;
    }
}
