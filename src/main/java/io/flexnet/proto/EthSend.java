package io.flexnet.proto;

import io.flexnet.packet.Counters;
import io.flexnet.packet.DropCounters;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.EthernetHeader;
import io.flexnet.packet.Ip4;
import io.flexnet.packet.MacAddress;
import io.flexnet.packet.Packet;

/**
 * {@code eth_send}: finds the MAC of {@link Packet#nextHop} (broadcast and multicast map directly;
 * unicast through {@link Arp}), prepends the Ethernet header (802.1Q-tagged when {@link Packet#vlan}
 * is set, so a reply leaves on its request's VLAN) and hands the frame to its stack's {@link Output}. An
 * unresolved next hop parks the frame in ARP's pending queue. Always DONE.
 */
public final class EthSend implements CountingLayer {
    /** Headroom an untagged Ethernet frame needs; a tagged one needs {@link EthernetHeader#VLAN_TAG_LENGTH} more. */
    public static final int HEADROOM = EthernetHeader.HEADER_LENGTH;
    private static final int OUT = 0, PARKED = 1;
    /** RFC 1112: 01:00:5e followed by the low 23 bits of the group address. */
    private static final long IPV4_MULTICAST_MAC = 0x01_00_5E_00_00_00L;

    private final long mac;
    private final int broadcast;
    private final Arp arp;
    private final Counters counters = new Counters("eth_send", "out", "parked");
    private final DropCounters drops = new DropCounters("eth_send");

    /** Set once by the stack, which makes the output from this layer and {@code ip_send}. */
    private Output output;

    public EthSend(NetConfig cfg, Arp arp) {
        this.mac = cfg.mac();
        this.broadcast = cfg.broadcast();
        this.arp = arp;
    }

    void bind(Output output) { this.output = output; }

    @Override public String name() { return "eth_send"; }
    @Override public LayerKind kind() { return LayerKind.ETH_SEND; }
    @Override public Counters counters() { return counters; }
    @Override public DropCounters drops() { return drops; }

    @Override
    public int process(Packet p, LayerContext cx) {
        final int hop = p.nextHop;
        final long dstMac;
        if (hop == Ip4.BROADCAST || hop == broadcast) {
            dstMac = MacAddress.BROADCAST;
        } else if (Ip4.isMulticast(hop)) {
            dstMac = IPV4_MULTICAST_MAC | (hop & 0x7F_FFFF);
        } else {
            dstMac = arp.resolve(hop, cx.now());
            if (dstMac < 0) {
                counters.inc(cx.stripe(), PARKED);
                arp.park(p, cx);
                return DONE;
            }
        }
        if (!EthernetHeader.prepend(p, dstMac, mac, EthernetHeader.TYPE_IPV4)) {
            drops.drop(p, DropReason.BAD_SEND, cx.stripe());
            return DONE;
        }
        counters.inc(cx.stripe(), OUT);
        output.frame(p, cx);
        return DONE;
    }
}
