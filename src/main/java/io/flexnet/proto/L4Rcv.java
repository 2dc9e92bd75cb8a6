package io.flexnet.proto;

import io.flexnet.packet.DropCounters;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.Ipv4Header;
import io.flexnet.packet.Packet;

/**
 * {@code l4_rcv}: the transport position of a receive pipeline, which hands each datagram to the
 * transport of its IP protocol ({@link Packet#protocol}, set by {@code ip_rcv}). A pipeline's
 * {@code .l4()} is this layer, so a design's suspension points need not know which transport runs.
 * UDP is built in; TCP is bound at wiring time ({@link #bindTcp}, which the engine does for every stack)
 * so this package does not depend on the TCP package. Any other protocol is dropped as
 * {@code unknown-protocol}.
 */
public final class L4Rcv implements Layer {
    private final UdpRcv udp;
    private final DropCounters drops = new DropCounters("l4_rcv");
    /** Null until bound. Plain: bound before traffic, published by the start of the threads that receive. */
    private Layer tcp;

    public L4Rcv(UdpRcv udp) { this.udp = udp; }

    @Override public String name() { return "l4_rcv"; }
    @Override public LayerKind kind() { return LayerKind.L4_RCV; }

    @Override
    public int process(Packet p, LayerContext cx) {
        if (p.protocol == Ipv4Header.PROTO_UDP) return udp.process(p, cx);
        final Layer t = tcp;
        if (p.protocol == Ipv4Header.PROTO_TCP && t != null) return t.process(p, cx);
        drops.drop(p, DropReason.UNKNOWN_PROTOCOL, cx.stripe());
        return DONE;
    }

    /** Binds {@code tcp_rcv}: TCP segments go to it from now on. Call before traffic starts. */
    public void bindTcp(Layer tcpRcv) {
        if (tcpRcv.kind() != LayerKind.L4_RCV) throw new IllegalArgumentException(tcpRcv.name() + " is not an l4 receive layer");
        this.tcp = tcpRcv;
    }

    /** The TCP layer bound, or null. */
    public Layer tcp() { return tcp; }

    /** Datagrams of a protocol with no transport here. */
    public DropCounters drops() { return drops; }
}
