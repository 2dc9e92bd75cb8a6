package io.flexnet.proto.tcp;

import io.flexnet.packet.Counters;
import io.flexnet.packet.DropCounters;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.Ipv4Header;
import io.flexnet.packet.Packet;
import io.flexnet.proto.CountingLayer;
import io.flexnet.proto.LayerContext;
import io.flexnet.proto.LayerKind;
import io.flexnet.proto.Replier;

/**
 * {@code tcp_send}: the transport position of a transmit pipeline for stream data, and the
 * {@link Replier} of a run-to-completion pipeline over TCP.
 *
 * <ul>
 * <li>A packet from {@code socket_send} marked TCP ({@link Packet#protocol}) carries application bytes
 *     for the connection of its four-tuple ({@link Packet#srcPort}, {@link Packet#dstIp},
 *     {@link Packet#dstPort}): they are appended to its send buffer (all or nothing: {@code socket-full}
 *     when they do not fit). When they are the next bytes to send and the windows allow them whole, the
 *     same slot becomes the segment and goes on ({@code NEXT}) to {@code ip_send}; otherwise the
 *     connection sends them as its windows open and the slot goes back to the pool.</li>
 * <li>After {@code yield()}, {@link #prepareReply} does the same with the answer the application left in
 *     the request's slot (Listing 5): the reply is the next segment of the request's connection,
 *     carrying the ACK of the request.</li>
 * </ul>
 *
 * Frames TCP originates itself (ACKs, retransmissions, resets) do not pass here: they are built whole
 * and leave through the stack's {@link io.flexnet.proto.Output}.
 */
public final class TcpSend implements CountingLayer, Replier {
    private static final int OUT = 0, BUFFERED = 1;
    /** {@link Packet#userData} of a slot {@link #prepareReply} made a segment of. */
    static final long READY = 0x7463_7052_6561_6479L;
    /** {@link Packet#userData} of a slot whose bytes went to the send buffer only. */
    static final long TAKEN = 0x7463_7054_616B_656EL;
    /** {@link Packet#userData} of a slot {@link #prepareReply} refused, the reason's ordinal in the low 16 bits. */
    static final long REFUSED = 0x7463_7052_6566_0000L;

    private final Tcp tcp;
    private final Counters counters = new Counters("tcp_send", "out", "buffered");
    private final DropCounters drops = new DropCounters("tcp_send");

    TcpSend(Tcp tcp) { this.tcp = tcp; }

    @Override public String name() { return "tcp_send"; }
    @Override public LayerKind kind() { return LayerKind.L4_SEND; }
    @Override public Counters counters() { return counters; }
    @Override public DropCounters drops() { return drops; }

    @Override
    public int process(Packet p, LayerContext cx) {
        final long mark = p.userData;
        if (mark == READY) {
            p.userData = 0;
            counters.inc(cx.stripe(), OUT);
            return NEXT;
        }
        if (mark == TAKEN) {
            p.userData = 0;
            counters.inc(cx.stripe(), BUFFERED);
            p.release();
            return DONE;
        }
        if ((mark & ~0xFFFFL) == REFUSED) return drop(p, DropReason.of((int) (mark & 0xFFFF)), cx);
        if (p.protocol != Ipv4Header.PROTO_TCP) return drop(p, DropReason.UNKNOWN_PROTOCOL, cx);
        int r = take(p, p.dstIp, p.dstPort, p.srcPort, p.offset, p.length, cx);
        if (r == NEXT) {
            counters.inc(cx.stripe(), OUT);
            return NEXT;
        }
        if (r == KEPT) {
            counters.inc(cx.stripe(), BUFFERED);
            p.release();
            return DONE;
        }
        return drop(p, DropReason.of(-1 - r), cx);
    }

    @Override
    public void prepareReply(Packet p, LayerContext cx) {
        // The request came from the peer: its source is the connection's remote end.
        int r = take(p, p.srcIp, p.srcPort, p.dstPort, p.payloadOffset, p.payloadLength, cx);
        p.userData = r == NEXT ? READY : r == KEPT ? TAKEN : REFUSED | (-1 - r);
    }

    private static final int KEPT = 2;

    /**
     * Appends {@code len} bytes at {@code off} of {@code p} to the connection (remote, remotePort,
     * localPort). Returns NEXT when {@code p} became the segment, {@link #KEPT} when the bytes are in
     * the send buffer and the slot is free, or a drop reason r as {@code -1 - r.ordinal()}. Never
     * releases {@code p}.
     */
    private int take(Packet p, int remote, int remotePort, int localPort, int off, int len, LayerContext cx) {
        final Connection c = tcp.table().find(ConnTable.key(remote, remotePort, localPort));
        if (c == null) return -1 - DropReason.NO_SOCKET.ordinal();
        c.own();
        try {
            if (c.sndBuf.free() < len) return -1 - DropReason.SOCKET_FULL.ordinal();
            boolean whole = c.unsent() == 0 && Emitter.sendsWhole(c, len);
            int n = c.append(p.segment(), off, len);
            if (n < 0) return -1 - DropReason.BAD_SEND.ordinal();
            if (whole) {
                Emitter.inPlace(c, p, off, len, cx);
                return NEXT;
            }
            Emitter.output(c, cx, false);
            return KEPT;
        } finally {
            c.release(cx);
        }
    }

    private int drop(Packet p, DropReason reason, LayerContext cx) {
        drops.drop(p, reason, cx.stripe());
        return DONE;
    }
}
