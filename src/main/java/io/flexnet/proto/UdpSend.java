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
 * {@code udp_send}: prepends the UDP header in front of the payload (no copy) and computes the
 * checksum over the IPv4 pseudo-header, header and payload. On entry the frame is the payload
 * ({@code [offset, offset + length)}, as {@code socket_send} leaves it) and {@link Packet#srcIp},
 * {@link Packet#dstIp} and the ports are set; a handler answering in place after {@code yield()} sets
 * them for the reply. Needs {@link #HEADROOM} bytes in front of the payload for itself and the layers
 * below.
 */
public final class UdpSend implements CountingLayer, Replier {
    /** Headroom a UDP payload needs: ours and what ip_send and eth_send prepend after us. */
    public static final int HEADROOM = IpSend.HEADROOM + UdpHeader.HEADER_LENGTH;
    private static final int OUT = 0;

    private final int ip;
    /** The device fills in transport sums (set once, before the stack runs): see {@link #offloadChecksums}. */
    private boolean offload;
    private final Counters counters = new Counters("udp_send", "out");
    private final DropCounters drops = new DropCounters("udp_send");

    /** For the interface whose address answers requests sent to a broadcast or multicast address. */
    public UdpSend(NetConfig cfg) { this.ip = cfg.ip(); }

    @Override public String name() { return "udp_send"; }
    @Override public LayerKind kind() { return LayerKind.L4_SEND; }
    @Override public Counters counters() { return counters; }
    @Override public DropCounters drops() { return drops; }

    @Override
    public int process(Packet p, LayerContext cx) {
        if (p.offset < UdpHeader.HEADER_LENGTH) return drop(p, DropReason.BAD_SEND, cx);
        final int len = p.length + UdpHeader.HEADER_LENGTH;
        if (len > 0xFFFF) return drop(p, DropReason.TOO_LONG, cx);
        final MemorySegment s = p.segment();
        final long pseudo = Checksum.pseudoHeader(p.srcIp, p.dstIp, Ipv4Header.PROTO_UDP, len);
        long h = UdpHeader.word(p.srcPort, p.dstPort, len, 0);
        if (offload) {
            // CHECKSUM_PARTIAL: the field holds the pseudo-header's folded sum, not complemented, and the
            // device sums from the UDP header on, complements and stores the result there.
            h |= Checksum.fold(pseudo);
            p.csumVerdict = Packet.CSUM_PARTIAL;
            p.csumOffset = UdpHeader.CHECKSUM_OFFSET;
        } else {
            // Sum the payload where it lies, then the header in a register: one store for the header.
            long acc = Checksum.sum(s, p.offset, p.length, pseudo);
            int c = ~Checksum.fold(acc + Checksum.halves(h)) & 0xFFFF;
            h |= c == 0 ? 0xFFFF : c;  // RFC 768: a computed 0 is sent as all ones (0 means "none")
            p.csumVerdict = Packet.CSUM_NONE;  // a reply made in a request's slot: its verdict is not ours
        }
        final int off = p.prepend(UdpHeader.HEADER_LENGTH);
        Bytes.u64(s, off, h);
        p.l4Offset = off;
        p.protocol = Ipv4Header.PROTO_UDP;
        counters.inc(cx.stripe(), OUT);
        return NEXT;
    }

    /**
     * Leaves the checksum to a device that offers to fill it in ({@link Packet#CSUM_PARTIAL}), as Linux
     * does for a NIC with {@code NETIF_F_HW_CSUM}: the payload is then never summed in software. Call
     * once, before the stack runs.
     */
    public void offloadChecksums(boolean on) { this.offload = on; }

    public boolean offloadsChecksums() { return offload; }

    /**
     * The reply goes back where the request came from, from the payload the application left. It is
     * sent from our own address even when the request went to a broadcast or multicast address (as a
     * Linux socket bound to the wildcard answers), so no reply ever carries a group source (RFC 1122
     * 3.2.1.3): the requester sees who answered, and the reply cannot be mistaken for, or turned into,
     * traffic to a whole subnet.
     */
    @Override
    public void prepareReply(Packet p, LayerContext cx) {
        int requester = p.srcIp;
        p.srcIp = ip;
        p.dstIp = requester;
        int port = p.srcPort;
        p.srcPort = p.dstPort;
        p.dstPort = port;
        p.offset = p.payloadOffset;
        p.length = p.payloadLength;
    }

    private int drop(Packet p, DropReason reason, LayerContext cx) {
        drops.drop(p, reason, cx.stripe());
        return DONE;
    }
}
