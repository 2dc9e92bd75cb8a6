package io.flexnet.proto;

import io.flexnet.packet.Checksum;
import io.flexnet.packet.Counters;
import io.flexnet.packet.DropCounters;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.IcmpHeader;
import io.flexnet.packet.Ip4;
import io.flexnet.packet.Ipv4Header;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import java.lang.foreign.MemorySegment;

/**
 * ICMP for one interface (RFC 792, with RFC 1122's host rules). Not a pipeline layer: {@code ip_rcv}
 * hands it ICMP datagrams, {@code udp_rcv} asks it for port-unreachable errors. Whatever it sends
 * leaves through its stack's {@link Output} as a datagram the stack originates: down {@code ip_send}
 * and {@code eth_send} on the calling thread, or wherever the design routed that output.
 *
 * <ul>
 * <li>Echo request to our address → echo reply built in place in the same slot: type changed, checksum
 *     updated incrementally (RFC 1624), data untouched; the old IP header (options included) is
 *     replaced by a fresh one from {@code ip_send}.</li>
 * <li>Echo requests to a broadcast address are not answered (Linux's default, against smurf
 *     amplification), nor are requests from a non-unicast source.</li>
 * <li>Other ICMP messages are counted as {@code icmp-unhandled}: there is no socket to report errors
 *     to yet.</li>
 * <li>Errors are never sent about datagrams to broadcast/multicast or from non-unicast sources, and
 *     never faster than {@link IcmpRateLimit} allows (Linux's ceilings by default): a flood of
 *     datagrams to closed ports cannot be turned into a flood of errors.</li>
 * </ul>
 */
public final class Icmp {
    static final int ECHO_ANSWERED = 0, UNREACHABLE_SENT = 1, RATE_LIMITED = 2;
    /** Bytes of the offending datagram quoted after its IP header (RFC 792). */
    private static final int QUOTE = 8;

    private final int ip;
    private final PacketPool pool;
    private final Output output;
    private final Counters counters = new Counters("icmp", "echo-answered", "unreachable-sent", "rate-limited");
    /** Plain: set before traffic, published by the start of the threads that send. */
    private IcmpRateLimit rateLimit = IcmpRateLimit.linuxDefaults();
    private final DropCounters drops = new DropCounters("icmp");
    /** A filter's ingress hook for ICMP; null for none. Volatile: a filter may attach under traffic. */
    private volatile PacketHook inputHook;

    public Icmp(NetConfig cfg, PacketPool pool, Output output) {
        this.ip = cfg.ip();
        this.pool = pool;
        this.output = output;
    }

    /**
     * Takes an ICMP datagram from {@code ip_rcv} ({@link Packet#l4Offset}, addresses set, length
     * trimmed to the datagram). Always takes ownership.
     */
    public void receive(Packet p, LayerContext cx) {
        final PacketHook hook = inputHook;
        if (hook != null && hook.process(p, cx) != Layer.NEXT) return;  // the filter kept it
        final MemorySegment s = p.segment();
        final int l4 = p.l4Offset;
        final int len = p.offset + p.length - l4;
        if (len < IcmpHeader.HEADER_LENGTH) {
            drops.drop(p, DropReason.BAD_ICMP, cx.stripe());
            return;
        }
        if (Checksum.fold(Checksum.sum(s, l4, len, 0)) != 0xFFFF) {
            drops.drop(p, DropReason.BAD_ICMP_CHECKSUM, cx.stripe());
            return;
        }
        int typeCode = IcmpHeader.typeCode(s, l4);
        if (typeCode != IcmpHeader.TYPE_ECHO_REQUEST << 8 || p.dstIp != ip || !Ip4.isUnicast(p.srcIp)) {
            drops.drop(p, DropReason.ICMP_UNHANDLED, cx.stripe());
            return;
        }
        IcmpHeader.type(s, l4, IcmpHeader.TYPE_ECHO_REPLY);
        int sum = Checksum.update16(IcmpHeader.checksum(s, l4), typeCode, IcmpHeader.TYPE_ECHO_REPLY << 8);
        // RFC 1624's update yields 0x0000 when the reply's words sum to zero (an empty echo with id and
        // sequence 0); only 0xFFFF verifies then, and it verifies whenever 0x0000 would.
        IcmpHeader.checksum(s, l4, sum == 0 ? 0xFFFF : sum);
        int requester = p.srcIp;
        p.offset = l4;
        p.length = len;
        p.srcIp = ip;
        p.dstIp = requester;
        p.protocol = Ipv4Header.PROTO_ICMP;
        counters.inc(cx.stripe(), ECHO_ANSWERED);
        output.datagram(p, cx);
    }

    /**
     * Sends a port-unreachable error about {@code original} (a UDP datagram that found no socket,
     * still owned by the caller and left untouched): a new slot holding the original IP header and
     * first 8 bytes of its payload.
     */
    public void portUnreachable(Packet original, LayerContext cx) {
        unreachable(original, IcmpHeader.CODE_PORT_UNREACHABLE, cx);
    }

    /** Sends a destination-unreachable error with {@code code} about {@code original}; see {@link #portUnreachable}. */
    public void unreachable(Packet original, int code, LayerContext cx) {
        if (original.dstIp != ip || !Ip4.isUnicast(original.srcIp)) return;  // RFC 1122 3.2.2
        if (!rateLimit.allow(original.srcIp, cx.now())) {
            counters.inc(cx.stripe(), RATE_LIMITED);
            return;
        }
        Packet q = pool.allocate();
        if (q == null) {
            drops.count(DropReason.POOL_EMPTY, cx.stripe());
            return;
        }
        final MemorySegment os = original.segment();
        final int l3 = original.l3Offset;
        int quote = Math.min(original.l4Offset - l3 + QUOTE, original.offset + original.length - l3);
        // Lay the error out so that, with IP and Ethernet prepended, the frame starts at the headroom.
        q.offset += IpSend.HEADROOM;
        if (q.offset + IcmpHeader.HEADER_LENGTH + quote > q.segment().byteSize()) {
            q.release();
            drops.count(DropReason.TOO_LONG, cx.stripe());
            return;
        }
        final MemorySegment s = q.segment();
        final int off = q.offset;
        IcmpHeader.type(s, off, IcmpHeader.TYPE_DEST_UNREACHABLE);
        IcmpHeader.code(s, off, code);
        IcmpHeader.unused(s, off, 0);
        MemorySegment.copy(os, l3, s, off + IcmpHeader.ORIGINAL_OFFSET, quote);
        int len = IcmpHeader.HEADER_LENGTH + quote;
        IcmpHeader.fillChecksum(s, off, len);
        q.length = len;
        q.srcIp = ip;
        q.dstIp = original.srcIp;
        q.protocol = Ipv4Header.PROTO_ICMP;
        q.vlan = original.vlan;
        counters.inc(cx.stripe(), UNREACHABLE_SENT);
        output.datagram(q, cx);
    }

    /**
     * Replaces the ceilings on the errors this module sends (Linux's by default; see
     * {@link IcmpRateLimit}). Call before traffic starts.
     */
    /**
     * Runs {@code hook} on every ICMP datagram {@code ip_rcv} hands over, before it is answered: the
     * ingress filter's place for the protocol the pipelines never see. Null removes it.
     */
    public void inputHook(PacketHook hook) { this.inputHook = hook; }

    public PacketHook inputHook() { return inputHook; }

    public void rateLimit(IcmpRateLimit limit) { this.rateLimit = java.util.Objects.requireNonNull(limit); }

    public IcmpRateLimit rateLimit() { return rateLimit; }

    /** echo-answered, unreachable-sent, rate-limited (errors not sent for the {@link #rateLimit}). */
    public Counters counters() { return counters; }

    public DropCounters drops() { return drops; }
}
