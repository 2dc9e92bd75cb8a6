package io.flexnet.proto;

import io.flexnet.packet.Bytes;
import io.flexnet.packet.Checksum;
import io.flexnet.packet.Counters;
import io.flexnet.packet.DropCounters;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.Ip4;
import io.flexnet.packet.Ipv4Header;
import io.flexnet.packet.Packet;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code ip_send}: prepends an IPv4 header (no options, TTL 64, DF clear, a fresh identification)
 * with its checksum, and chooses the next hop: the destination itself when on-link or broadcast or
 * multicast, else the gateway; with no gateway, {@code no-route}. The next hop goes in
 * {@link Packet#nextHop} for {@code eth_send}. There is no loopback: datagrams to our own address are
 * {@code no-route} too.
 */
public final class IpSend implements CountingLayer {
    /** Headroom an IPv4 datagram needs: ours and the Ethernet header after us. */
    public static final int HEADROOM = EthSend.HEADROOM + Ipv4Header.MIN_HEADER_LENGTH;
    public static final int TTL = 64;
    private static final int OUT = 0;

    private final int ip;
    private final int mask;
    private final int broadcast;
    private final int gateway;
    private final int mtu;
    /**
     * One counter for all destinations. Receivers only use the identification to reassemble fragments
     * (RFC 6864), which need it unique per source, destination and protocol for a while: a single
     * wrapping counter is that. getAndIncrement: several workers may send at once.
     */
    private final AtomicInteger identification = new AtomicInteger();
    private final Counters counters = new Counters("ip_send", "out");
    private final DropCounters drops = new DropCounters("ip_send");

    public IpSend(NetConfig cfg) {
        this.ip = cfg.ip();
        this.mask = cfg.mask();
        this.broadcast = cfg.broadcast();
        this.gateway = cfg.gateway();
        this.mtu = cfg.mtu();
    }

    @Override public String name() { return "ip_send"; }
    @Override public LayerKind kind() { return LayerKind.IP_SEND; }
    @Override public Counters counters() { return counters; }
    @Override public DropCounters drops() { return drops; }

    @Override
    public int process(Packet p, LayerContext cx) {
        if (p.offset < Ipv4Header.MIN_HEADER_LENGTH) return drop(p, DropReason.BAD_SEND, cx);
        final int total = p.length + Ipv4Header.MIN_HEADER_LENGTH;
        // A super frame (gsoSize) is cut by the device into segments that each fit the MTU.
        if (total > mtu && (p.gsoSize == 0 || total > 0xFFFF)) return drop(p, DropReason.TOO_LONG, cx);
        final int dst = p.dstIp;
        final int hop = nextHop(dst);
        if (hop == 0) return drop(p, DropReason.NO_ROUTE, cx);
        if (p.srcIp == 0) p.srcIp = ip;
        final int off = p.prepend(Ipv4Header.MIN_HEADER_LENGTH);
        // The header as three words: TOS 0, flags 0; the checksum summed in registers, then filled in.
        final long w0 = Ipv4Header.word0(0, total, identification.getAndIncrement(), 0);
        long w1 = Ipv4Header.word1(TTL, p.protocol, 0, p.srcIp);
        final int sum = Checksum.fold(Checksum.halves(w0) + Checksum.halves(w1) + (dst & 0xFFFF_FFFFL));
        w1 |= (long) (~sum & 0xFFFF) << 32;
        final MemorySegment s = p.segment();
        Bytes.u64(s, off, w0);
        Bytes.u64(s, off + 8, w1);
        Bytes.i32(s, off + Ipv4Header.DST_OFFSET, dst);
        p.l3Offset = off;
        p.nextHop = hop;
        counters.inc(cx.stripe(), OUT);
        return NEXT;
    }

    /** The next hop toward {@code dst}, or 0 when there is none. */
    int nextHop(int dst) {
        if (dst == 0 || dst == ip) return 0;
        if (((dst ^ ip) & mask) == 0 || dst == Ip4.BROADCAST || dst == broadcast || Ip4.isMulticast(dst)) return dst;
        return gateway;  // 0 when there is no gateway: no route
    }

    private int drop(Packet p, DropReason reason, LayerContext cx) {
        drops.drop(p, reason, cx.stripe());
        return DONE;
    }
}
