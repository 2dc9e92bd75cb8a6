package io.flexnet.proto;

import io.flexnet.packet.Counters;
import io.flexnet.packet.DropCounters;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.Ipv4Header;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.packet.UdpHeader;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code socket_send}: checks a datagram an application filled before the send layers prepend their
 * headers. The application sets the payload ({@link Packet#payloadOffset}, {@link Packet#payloadLength}),
 * {@link Packet#srcPort}, {@link Packet#dstPort} and {@link Packet#dstIp}; {@link Packet#srcIp} may be
 * left 0 for ours. A payload that would make the datagram exceed the MTU is {@code too-long}; anything
 * else unsendable is {@code bad-send}.
 *
 * <pre>{@code
 * Packet p = SocketSend.allocate(pool, bytes, 0, bytes.length);   // payload at headroom + 42
 * p.dstIp = Ip4.parse("198.18.0.1"); p.dstPort = 9000; p.srcPort = 4000;
 * stack.send(p);
 * }</pre>
 */
public final class SocketSend implements CountingLayer {
    private static final int OUT = 0;
    /** IPv4 (no options) and UDP headers: what an MTU-sized datagram spends on headers. */
    private static final int L3_L4_HEADERS = Ipv4Header.MIN_HEADER_LENGTH + UdpHeader.HEADER_LENGTH;

    private final int ip;
    private final int maxPayload;
    private final Counters counters = new Counters("socket_send", "out");
    private final DropCounters drops = new DropCounters("socket_send");

    public SocketSend(NetConfig cfg) {
        this.ip = cfg.ip();
        this.maxPayload = cfg.mtu() - L3_L4_HEADERS;
    }

    @Override public String name() { return "socket_send"; }
    @Override public LayerKind kind() { return LayerKind.SOCKET_SEND; }
    @Override public Counters counters() { return counters; }
    @Override public DropCounters drops() { return drops; }

    /** Largest payload one datagram carries at this MTU. */
    public int maxPayload() { return maxPayload; }

    @Override
    public int process(Packet p, LayerContext cx) {
        final int po = p.payloadOffset;
        final int pl = p.payloadLength;
        if (po < 0 || pl < 0 || (long) po + pl > p.segment().byteSize()) return drop(p, DropReason.BAD_SEND, cx);
        if (p.dstIp == 0 || !port(p.dstPort) || !port(p.srcPort)) return drop(p, DropReason.BAD_SEND, cx);
        if (p.srcIp == 0) p.srcIp = ip;
        else if (p.srcIp != ip) return drop(p, DropReason.BAD_SEND, cx);
        if (pl > maxPayload) return drop(p, DropReason.TOO_LONG, cx);
        p.offset = po;
        p.length = pl;
        // A stream socket marks its packets TCP (tcp_send appends them to their connection); all else is UDP.
        if (p.protocol != Ipv4Header.PROTO_TCP) p.protocol = Ipv4Header.PROTO_UDP;
        counters.inc(cx.stripe(), OUT);
        return NEXT;
    }

    private static boolean port(int port) { return port > 0 && port <= 0xFFFF; }

    private int drop(Packet p, DropReason reason, LayerContext cx) {
        drops.drop(p, reason, cx.stripe());
        return DONE;
    }

    /**
     * Allocates a slot and copies {@code len} bytes of {@code payload} to headroom + 42, where Ethernet,
     * IPv4 and UDP headers are then prepended without copying. Null when the pool is empty.
     *
     * @throws IllegalArgumentException when the payload cannot fit a slot at all
     */
    public static Packet allocate(PacketPool pool, byte[] payload, int off, int len) {
        Packet p = reserve(pool, len);
        if (p != null) MemorySegment.copy(payload, off, p.segment(), ValueLayout.JAVA_BYTE, p.payloadOffset, len);
        return p;
    }

    /** As {@link #allocate(PacketPool, byte[], int, int)}, from a segment (its whole size). */
    public static Packet allocate(PacketPool pool, MemorySegment payload) {
        if (payload.byteSize() > Integer.MAX_VALUE) throw tooBig(pool, payload.byteSize());
        int len = (int) payload.byteSize();
        Packet p = reserve(pool, len);
        if (p != null) MemorySegment.copy(payload, 0, p.segment(), p.payloadOffset, len);
        return p;
    }

    private static Packet reserve(PacketPool pool, int len) {
        int at = pool.headroom() + UdpSend.HEADROOM;
        if (len < 0 || (long) at + len > pool.slotSize()) throw tooBig(pool, len);
        Packet p = pool.allocate();
        if (p == null) return null;
        p.offset = at;
        p.length = len;
        p.payloadOffset = at;
        p.payloadLength = len;
        return p;
    }

    private static IllegalArgumentException tooBig(PacketPool pool, long len) {
        return new IllegalArgumentException("payload of " + len + " bytes does not fit a " + pool.slotSize()
                + "-byte slot after " + (pool.headroom() + UdpSend.HEADROOM) + " bytes of headroom and headers");
    }
}
