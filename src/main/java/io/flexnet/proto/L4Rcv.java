package io.flexnet.proto;

import io.flexnet.packet.DropCounters;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.Ipv4Header;
import io.flexnet.packet.Packet;

/**
 * {@code l4_rcv}: the transport position of a receive pipeline, which hands each datagram to the
 * transport of its IP protocol ({@link Packet#protocol}, set by {@code ip_rcv}). A pipeline's
 * {@code .l4()} is this layer, so a design's suspension points need not know which transport runs.
 * UDP is the only transport so far: anything else is dropped as {@code unknown-protocol}.
 */
public final class L4Rcv implements Layer {
    private final UdpRcv udp;
    private final DropCounters drops = new DropCounters("l4_rcv");

    public L4Rcv(UdpRcv udp) { this.udp = udp; }

    @Override public String name() { return "l4_rcv"; }
    @Override public LayerKind kind() { return LayerKind.L4_RCV; }

    @Override
    public int process(Packet p, LayerContext cx) {
        if (p.protocol == Ipv4Header.PROTO_UDP) return udp.process(p, cx);
        drops.drop(p, DropReason.UNKNOWN_PROTOCOL, cx.stripe());
        return DONE;
    }

    /** Datagrams of a protocol with no transport here. */
    public DropCounters drops() { return drops; }
}
