package io.flexnet.proto;

import io.flexnet.packet.DropCounters;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.Ipv4Header;
import io.flexnet.packet.Packet;

/**
 * {@code l4_send}: the transport position of a transmit pipeline, which hands each packet to the
 * transport of its {@link Packet#protocol} (set by {@code socket_send}, or left by {@code l4_rcv} for a
 * reply answered in place). Also the {@link Replier} of a run-to-completion pipeline, by the same
 * choice. UDP is built in; TCP is bound at wiring time ({@link #bindTcp}); anything else is dropped as
 * {@code unknown-protocol}.
 */
public final class L4Send implements Layer, Replier {
    private final UdpSend udp;
    private final DropCounters drops = new DropCounters("l4_send");
    /** Null until bound. Plain: bound before traffic, published by the start of the threads that send. */
    private Layer tcp;
    private Replier tcpReplier;

    public L4Send(UdpSend udp) { this.udp = udp; }

    @Override public String name() { return "l4_send"; }
    @Override public LayerKind kind() { return LayerKind.L4_SEND; }

    @Override
    public int process(Packet p, LayerContext cx) {
        if (p.protocol == Ipv4Header.PROTO_UDP) return udp.process(p, cx);
        final Layer t = tcp;
        if (p.protocol == Ipv4Header.PROTO_TCP && t != null) return t.process(p, cx);
        drops.drop(p, DropReason.UNKNOWN_PROTOCOL, cx.stripe());
        return DONE;
    }

    @Override
    public void prepareReply(Packet p, LayerContext cx) {
        // Only UDP and a bound TCP reach a yield() (l4_rcv passes nothing else on); l4_send's process
        // then drops whatever else it is handed, so there is nothing to prepare for another protocol.
        if (p.protocol == Ipv4Header.PROTO_UDP) udp.prepareReply(p, cx);
        else if (p.protocol == Ipv4Header.PROTO_TCP && tcpReplier != null) tcpReplier.prepareReply(p, cx);
    }

    /** Binds {@code tcp_send} (and its replier): TCP packets go to it from now on. Call before traffic starts. */
    public <T extends Layer & Replier> void bindTcp(T tcpSend) {
        if (tcpSend.kind() != LayerKind.L4_SEND) throw new IllegalArgumentException(tcpSend.name() + " is not an l4 send layer");
        this.tcp = tcpSend;
        this.tcpReplier = tcpSend;
    }

    /** The TCP layer bound, or null. */
    public Layer tcp() { return tcp; }

    /** Packets of a protocol with no transport here. */
    public DropCounters drops() { return drops; }
}
