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

/**
 * {@code ip_rcv}: validates the IPv4 header (version, IHL ≥ 5, total length within the frame, header
 * checksum, TTL ≠ 0), accepts datagrams for our address or broadcast, trims Ethernet padding, and
 * fills {@link Packet#srcIp}, {@link Packet#dstIp}, {@link Packet#protocol}, {@link Packet#l4Offset}.
 * UDP and TCP go on; ICMP is handed to the {@link Icmp} module (DONE).
 *
 * <p><b>Checksum verdicts.</b> The common datagram's header sum is skipped when the device vouched
 * for the frame ({@link Packet#csumVerdict} not {@link Packet#CSUM_NONE}): a NIC that reports its
 * transport sum good has checked the IP header before it (a TAP's frames come from the kernel's own
 * stack, which wrote the header sum). Linux checks the 20 bytes again regardless; here that costs a
 * tenth of the path. Every other datagram (options, broadcasts, anything odd) takes the general path,
 * which always checks.
 *
 * <p><b>Fragments are dropped</b> (counted as {@code fragment}), as dataplane stacks such as Caladan
 * and many DPDK applications do. Reassembly needs memory held per partial datagram for seconds,
 * which a flood of first fragments can exhaust (and overlapping-fragment tricks have a long history
 * of attacks); without it, memory stays bounded by the slot pool and every packet's work is bounded.
 *
 * <p><b>Martian sources are dropped</b> (RFC 1122 3.2.1.3; counted as {@code martian-source}): a
 * datagram from 0/8, 127/8, a multicast or class E address, the limited or the subnet's broadcast, or
 * our own address is from no host that could receive an answer. Answering it (an echo, a port
 * unreachable) would reflect traffic onto a whole subnet or onto ourselves, so nothing above this
 * layer ever sees one.
 * The workloads this stack serves send datagrams sized to the MTU, so nothing legitimate is lost;
 * a peer that must fragment learns the path MTU the usual way.
 */
public final class IpRcv implements CountingLayer {
    private static final int OUT = 0, ICMP = 1;

    private final int ip;
    private final int broadcast;
    private final Icmp icmp;
    private final Counters counters = new Counters("ip_rcv", "out", "icmp");
    private final DropCounters drops = new DropCounters("ip_rcv");

    public IpRcv(NetConfig cfg, Icmp icmp) {
        this.ip = cfg.ip();
        this.broadcast = cfg.broadcast();
        this.icmp = icmp;
    }

    @Override public String name() { return "ip_rcv"; }
    @Override public LayerKind kind() { return LayerKind.IP_RCV; }
    @Override public Counters counters() { return counters; }
    @Override public DropCounters drops() { return drops; }

    /**
     * The common datagram — version 4 without options, whole, for our address, with TTL left — is
     * recognised by one test on the three header words and needs only its checksum checked; anything
     * else takes {@link #general}, which checks every field in order. Split so the fast path is small
     * enough for the JIT to inline into the pipeline that calls it.
     */
    @Override
    public int process(Packet p, LayerContext cx) {
        final MemorySegment s = p.segment();
        final int l3 = p.l3Offset;
        final int avail = p.offset + p.length - l3;
        if (avail < Ipv4Header.MIN_HEADER_LENGTH) return drop(p, DropReason.TRUNCATED, cx);
        // The fixed header as three words: version..fragment, TTL..source, destination.
        final long w0 = Bytes.u64(s, l3);
        final long w1 = Bytes.u64(s, l3 + 8);
        final int dst = Bytes.i32(s, l3 + Ipv4Header.DST_OFFSET);
        final int total = Ipv4Header.totalLength(w0);
        if (Ipv4Header.versionIhl(w0) != 0x45 || total < Ipv4Header.MIN_HEADER_LENGTH || total > avail
                || Ipv4Header.isFragment(w0) || Ipv4Header.ttl(w1) == 0 || dst != ip
                || martian(Ipv4Header.src(w1))) {
            return general(p, s, l3, avail, w0, w1, dst, cx);
        }
        // A device that vouched for the frame (Packet#csumVerdict) checked the header sum already.
        if (p.csumVerdict == Packet.CSUM_NONE
                && Checksum.fold(Checksum.halves(w0) + Checksum.halves(w1) + (dst & 0xFFFF_FFFFL)) != 0xFFFF) {
            return drop(p, DropReason.BAD_IP_CHECKSUM, cx);
        }
        return accept(p, l3, Ipv4Header.MIN_HEADER_LENGTH, total, w1, dst, cx);
    }

    /** Every check in order, the first that fails naming the drop: options, broadcasts and bad headers. */
    private int general(Packet p, MemorySegment s, int l3, int avail, long w0, long w1, int dst, LayerContext cx) {
        final int vihl = Ipv4Header.versionIhl(w0);
        if ((vihl >>> 4) != 4) return drop(p, DropReason.BAD_IP_VERSION, cx);
        final int hlen = (vihl & 0xF) << 2;
        if (hlen < Ipv4Header.MIN_HEADER_LENGTH) return drop(p, DropReason.BAD_IP_HEADER_LENGTH, cx);
        final int total = Ipv4Header.totalLength(w0);
        if (total < hlen || total > avail) return drop(p, DropReason.BAD_IP_LENGTH, cx);
        long acc = Checksum.halves(w0) + Checksum.halves(w1) + (dst & 0xFFFF_FFFFL);
        if (hlen > Ipv4Header.MIN_HEADER_LENGTH) acc = Checksum.sum(s, l3 + 20, hlen - 20, acc);  // options
        if (Checksum.fold(acc) != 0xFFFF) return drop(p, DropReason.BAD_IP_CHECKSUM, cx);
        if (Ipv4Header.ttl(w1) == 0) return drop(p, DropReason.TTL_EXPIRED, cx);
        if (dst != ip && dst != Ip4.BROADCAST && dst != broadcast) return drop(p, DropReason.IP_NOT_FOR_US, cx);
        if (martian(Ipv4Header.src(w1))) return drop(p, DropReason.MARTIAN_SOURCE, cx);
        if (Ipv4Header.isFragment(w0)) return drop(p, DropReason.FRAGMENT, cx);
        return accept(p, l3, hlen, total, w1, dst, cx);
    }

    /** A source no answer may go to: see the class comment. */
    private boolean martian(int src) { return Ip4.isMartianSource(src) || src == broadcast || src == ip; }

    /** A valid datagram: fills the flow fields and passes UDP and TCP on, ICMP to its module. */
    private int accept(Packet p, int l3, int hlen, int total, long w1, int dst, LayerContext cx) {
        p.length = l3 + total - p.offset;  // trailing Ethernet padding is not part of the datagram
        p.srcIp = Ipv4Header.src(w1);
        p.dstIp = dst;
        final int proto = Ipv4Header.protocol(w1);
        p.protocol = proto;
        p.l4Offset = l3 + hlen;
        if (proto == Ipv4Header.PROTO_UDP || proto == Ipv4Header.PROTO_TCP) {
            counters.inc(cx.stripe(), OUT);
            return NEXT;
        }
        if (proto == Ipv4Header.PROTO_ICMP) {
            counters.inc(cx.stripe(), ICMP);
            icmp.receive(p, cx);
            return DONE;
        }
        return drop(p, DropReason.UNKNOWN_PROTOCOL, cx);
    }

    private int drop(Packet p, DropReason reason, LayerContext cx) {
        drops.drop(p, reason, cx.stripe());
        return DONE;
    }
}
