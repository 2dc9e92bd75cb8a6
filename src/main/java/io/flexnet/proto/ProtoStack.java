package io.flexnet.proto;

import io.flexnet.packet.DropCounters;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.EthernetHeader;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The protocol layers and modules of one interface, wired together once: what a pipeline builder
 * takes its layers from.
 *
 * <pre>{@code
 * ProtoStack stack = new ProtoStack(cfg, pool, p -> nic.transmit(0, p), System::nanoTime);
 * stack.ports().bind(7, echoEndpoint);
 * Layer[] rx = stack.rxLayers();          // eth_rcv, ip_rcv, udp_rcv, socket_rcv
 * Layer[] tx = stack.txLayers();          // socket_send, udp_send, ip_send, eth_send
 * }</pre>
 *
 * {@link #receive} and {@link #send} run the layers back to back with no suspension point: the
 * hand-fused baseline that pipelines are measured against, and a convenience for tests.
 *
 * <p>Layers hold no per-packet state, so several workers may run the same layer at once: counters
 * are per-thread stripes, {@code ip_send}'s identification is atomic, the {@link PortTable} publishes
 * with release/acquire and {@link Arp} guards its tables with a lock (lock-free lookups).
 */
public final class ProtoStack {
    private final NetConfig config;
    private final PacketPool pool;
    private final PortTable ports = new PortTable();
    private final Arp arp;
    private final EthSend ethSend;
    private final IpSend ipSend;
    private final UdpSend udpSend = new UdpSend();
    private final SocketSend socketSend;
    private final Icmp icmp;
    private final EthRcv ethRcv;
    private final IpRcv ipRcv;
    private final UdpRcv udpRcv;
    private final SocketRcv socketRcv;

    /** With ARP's default cache size, lifetimes and pending queue. */
    public ProtoStack(NetConfig cfg, PacketPool pool, Egress egress, LongSupplier clock) {
        this(cfg, pool, egress, clock, new Arp(cfg, pool, egress, clock));
    }

    /** With an ARP module configured by the caller (same config, pool and egress). */
    public ProtoStack(NetConfig cfg, PacketPool pool, Egress egress, LongSupplier clock, Arp arp) {
        int need = cfg.mtu() + EthernetHeader.TAGGED_HEADER_LENGTH;
        if (pool.maxFrame() < need) {
            throw new IllegalArgumentException("pool: slots hold frames of " + pool.maxFrame()
                    + " bytes after the headroom; mtu " + cfg.mtu() + " needs " + need);
        }
        if (pool.headroom() < EthernetHeader.VLAN_TAG_LENGTH) {
            throw new IllegalArgumentException("pool: headroom " + pool.headroom()
                    + " leaves no room for the VLAN tag of a tagged reply (" + EthernetHeader.VLAN_TAG_LENGTH + ")");
        }
        this.config = cfg;
        this.pool = pool;
        this.arp = arp;
        this.ethSend = new EthSend(cfg, arp, egress);
        this.ipSend = new IpSend(cfg);
        this.socketSend = new SocketSend(cfg);
        this.icmp = new Icmp(cfg, pool, ipSend, ethSend);
        this.ethRcv = new EthRcv(cfg, arp);
        this.ipRcv = new IpRcv(cfg, icmp);
        this.udpRcv = new UdpRcv(ports, icmp);
        this.socketRcv = new SocketRcv(ports);
    }

    public NetConfig config() { return config; }
    public PacketPool pool() { return pool; }
    public PortTable ports() { return ports; }
    public Arp arp() { return arp; }
    public Icmp icmp() { return icmp; }
    public EthRcv ethRcv() { return ethRcv; }
    public IpRcv ipRcv() { return ipRcv; }
    public UdpRcv udpRcv() { return udpRcv; }
    public SocketRcv socketRcv() { return socketRcv; }
    public SocketSend socketSend() { return socketSend; }
    public UdpSend udpSend() { return udpSend; }
    public IpSend ipSend() { return ipSend; }
    public EthSend ethSend() { return ethSend; }

    /** eth_rcv, ip_rcv, udp_rcv, socket_rcv (a new array each call). */
    public Layer[] rxLayers() { return new Layer[] {ethRcv, ipRcv, udpRcv, socketRcv}; }

    /** socket_send, udp_send, ip_send, eth_send (a new array each call). */
    public Layer[] txLayers() { return new Layer[] {socketSend, udpSend, ipSend, ethSend}; }

    /** Every layer's and module's drop counters, receive side first. */
    public List<DropCounters> dropCounters() {
        return List.of(ethRcv.drops(), arp.drops(), ipRcv.drops(), icmp.drops(), udpRcv.drops(),
                socketRcv.drops(), socketSend.drops(), udpSend.drops(), ipSend.drops(), ethSend.drops());
    }

    /** Drops summed over all layers and modules by reason label, non-zero only. For reports, not per packet. */
    public Map<String, Long> dropsByReason() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (DropReason r : DropReason.values()) {
            long n = 0;
            for (DropCounters d : dropCounters()) n += d.get(r);
            if (n != 0) out.put(r.label(), n);
        }
        return out;
    }

    /** Runs eth_rcv → ip_rcv → udp_rcv → socket_rcv on {@code p}; takes ownership. */
    public void receive(Packet p) {
        if (ethRcv.process(p) != Layer.NEXT) return;
        if (ipRcv.process(p) != Layer.NEXT) return;
        if (udpRcv.process(p) != Layer.NEXT) return;
        socketRcv.process(p);
    }

    /** Runs socket_send → udp_send → ip_send → eth_send on {@code p}; takes ownership. */
    public void send(Packet p) {
        if (socketSend.process(p) != Layer.NEXT) return;
        if (udpSend.process(p) != Layer.NEXT) return;
        if (ipSend.process(p) != Layer.NEXT) return;
        ethSend.process(p);
    }

    /** Expires ARP entries and frames that waited too long for resolution; call periodically. */
    public void expire() { arp.expire(); }
}
