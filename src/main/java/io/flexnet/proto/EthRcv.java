package io.flexnet.proto;

import io.flexnet.packet.Bytes;
import io.flexnet.packet.Counters;
import io.flexnet.packet.DropCounters;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.EthernetHeader;
import io.flexnet.packet.Packet;
import java.lang.foreign.MemorySegment;

/**
 * {@code eth_rcv}: accepts frames for our MAC, broadcast and multicast; reads one 802.1Q tag into
 * {@link Packet#vlan} (any VLAN is accepted: the stack is one interface); dispatches on the ethertype.
 * IPv4 goes on with {@link Packet#l3Offset} set; ARP is handed to the {@link Arp} module (DONE).
 */
public final class EthRcv implements CountingLayer {
    private static final int OUT = 0, ARP = 1;

    private final long mac;
    private final Arp arp;
    private final Counters counters = new Counters("eth_rcv", "out", "arp");
    private final DropCounters drops = new DropCounters("eth_rcv");

    public EthRcv(NetConfig cfg, Arp arp) {
        this.mac = cfg.mac();
        this.arp = arp;
    }

    @Override public String name() { return "eth_rcv"; }
    @Override public LayerKind kind() { return LayerKind.ETH_RCV; }
    @Override public Counters counters() { return counters; }
    @Override public DropCounters drops() { return drops; }

    @Override
    public int process(Packet p, LayerContext cx) {
        final MemorySegment s = p.segment();
        final int off = p.offset;
        final int len = p.length;
        if (len < EthernetHeader.HEADER_LENGTH) return drop(p, DropReason.TRUNCATED, cx);
        final long dst = Bytes.u64(s, off) >>> 16;  // destination and two bytes of source, in one load
        // The group bit covers broadcast and every multicast address: one test for all three cases.
        if (dst != mac && (dst & (1L << 40)) == 0) return drop(p, DropReason.NOT_FOR_US, cx);
        int type = Bytes.u16(s, off + EthernetHeader.TYPE_OFFSET);
        int hdr = EthernetHeader.HEADER_LENGTH;
        if (type == EthernetHeader.TYPE_VLAN) {
            if (len < EthernetHeader.TAGGED_HEADER_LENGTH) return drop(p, DropReason.TRUNCATED, cx);
            p.vlan = Bytes.u16(s, off + EthernetHeader.TCI_OFFSET) & 0xFFF;
            type = Bytes.u16(s, off + EthernetHeader.TAGGED_HEADER_LENGTH - 2);
            hdr = EthernetHeader.TAGGED_HEADER_LENGTH;
        }
        if (type == EthernetHeader.TYPE_IPV4) {
            p.l3Offset = off + hdr;
            counters.inc(cx.stripe(), OUT);
            return NEXT;
        }
        if (type == EthernetHeader.TYPE_ARP) {
            counters.inc(cx.stripe(), ARP);
            arp.receive(p, off + hdr, cx);
            return DONE;
        }
        return drop(p, DropReason.UNKNOWN_ETHERTYPE, cx);
    }

    private int drop(Packet p, DropReason reason, LayerContext cx) {
        drops.drop(p, reason, cx.stripe());
        return DONE;
    }
}
