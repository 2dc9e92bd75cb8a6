package io.flexnet.proto;

import io.flexnet.packet.DropCounters;
import io.flexnet.packet.EthernetHeader;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.runtime.StackRuntime;
import java.util.List;
import java.util.Map;

/**
 * The protocol layers and modules of one interface, wired together once: what a pipeline builder
 * takes its layers from.
 *
 * <pre>{@code
 * ProtoStack stack = new ProtoStack(cfg, pool, p -> nic.transmit(0, p), runtime);
 * stack.ports().bind(7, echoEndpoint);
 * Layer[] rx = stack.rxLayers();          // eth_rcv, ip_rcv, l4_rcv, socket_rcv
 * Layer[] tx = stack.txLayers();          // socket_send, l4_send, ip_send, eth_send
 * }</pre>
 *
 * The transport positions are {@link L4Rcv} and {@link L4Send}, which choose UDP (or, later, TCP) by
 * IP protocol. Every frame the stack sends leaves through its {@link #output()}: what {@code eth_send}
 * finished, ARP's frames, and the datagrams ICMP originates (see {@link Output} for how a design moves
 * the latter onto a transmit pipeline).
 *
 * <p>{@link #receive} and {@link #send} run the layers back to back with no suspension point: the
 * hand-fused baseline that pipelines are measured against, and a convenience for tests. Given no
 * {@link LayerContext}, they use one for the calling thread at the runtime's current time.
 *
 * <p>Layers hold no per-packet state, so several workers may run the same layer at once: counters
 * are striped by the caller's context, {@code ip_send}'s identification is atomic, the {@link PortTable}
 * publishes with release/acquire and {@link Arp} guards its tables with a lock (lock-free lookups).
 */
public final class ProtoStack {
    private final NetConfig config;
    private final PacketPool pool;
    private final StackRuntime runtime;
    private final PortTable ports = new PortTable();
    private final Arp arp;
    private final EthSend ethSend;
    private final IpSend ipSend;
    private final UdpSend udpSend;
    private final L4Send l4Send;
    private final SocketSend socketSend;
    private final Output output;
    private final Icmp icmp;
    private final EthRcv ethRcv;
    private final IpRcv ipRcv;
    private final UdpRcv udpRcv;
    private final L4Rcv l4Rcv;
    private final SocketRcv socketRcv;
    /** Modules attached by their own packages (TCP), by type; written before traffic starts. */
    private final java.util.concurrent.ConcurrentHashMap<Class<?>, Object> extensions = new java.util.concurrent.ConcurrentHashMap<>();
    /** Drop counters of attached modules, reported with the layers'. */
    private final java.util.concurrent.CopyOnWriteArrayList<DropCounters> attachedDrops = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** For callers that bring no context: one per thread, as a context's stripe is its thread's. */
    private final ThreadLocal<LayerContext> callerContexts = ThreadLocal.withInitial(LayerContext::new);

    /**
     * With ARP's default cache size, lifetimes and pending queue.
     *
     * @param device where finished frames leave: a NIC transmit queue, possibly behind a qdisc or tap
     * @param runtime the clock of calls made outside a pipeline (ARP's {@code learn} and {@code expire},
     *                {@link #receive(Packet)} and {@link #send(Packet)})
     */
    public ProtoStack(NetConfig cfg, PacketPool pool, Egress device, StackRuntime runtime) {
        this(cfg, pool, device, runtime, new Arp(cfg, pool, runtime));
    }

    /** With an ARP module configured by the caller (same config, pool and runtime). */
    public ProtoStack(NetConfig cfg, PacketPool pool, Egress device, StackRuntime runtime, Arp arp) {
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
        this.runtime = runtime;
        this.arp = arp;
        this.ethSend = new EthSend(cfg, arp);
        this.ipSend = new IpSend(cfg);
        this.output = new Output(ipSend, ethSend, device);
        ethSend.bind(output);
        arp.bind(output);
        this.socketSend = new SocketSend(cfg);
        this.udpSend = new UdpSend(cfg);
        this.l4Send = new L4Send(udpSend);
        this.icmp = new Icmp(cfg, pool, output);
        this.ethRcv = new EthRcv(cfg, arp);
        this.ipRcv = new IpRcv(cfg, icmp);
        this.udpRcv = new UdpRcv(ports, icmp);
        this.l4Rcv = new L4Rcv(udpRcv);
        this.socketRcv = new SocketRcv(ports);
    }

    /**
     * Leaves transport checksums on transmit to a device that fills them in ({@code
     * NicDriver.fillsChecksums()}; see {@link io.flexnet.packet.Packet#CSUM_PARTIAL}). Call before the
     * stack runs.
     */
    public void offloadChecksums(boolean on) { udpSend.offloadChecksums(on); }

    /** Whether the device fills in the transport sums the send layers leave partial. */
    public boolean offloadsChecksums() { return udpSend.offloadsChecksums(); }

    /**
     * Lets {@code tcp_send} hand the device TCP super frames of up to {@code maxBytes} IP bytes, which
     * the device cuts into segments ({@code NicDriver.gsoMaxBytes()}; TSO); 0, the default, sends only
     * whole segments. Needs checksum offload and a pool with jumbo slots; call before the stack runs.
     */
    public void offloadSegmentation(int maxBytes) {
        if (maxBytes < 0 || maxBytes > 0xFFFF) throw new IllegalArgumentException("maxBytes must be in [0, 65535], got " + maxBytes);
        if (maxBytes > 0 && !offloadsChecksums()) throw new IllegalStateException("segmentation offload needs checksum offload");
        this.gsoMaxBytes = pool.jumboSlots() > 0 ? maxBytes : 0;
    }

    /** Largest TCP super frame (IP bytes) the device takes, 0 when it takes only whole segments. */
    public int gsoMaxBytes() { return gsoMaxBytes; }

    private int gsoMaxBytes;

    public NetConfig config() { return config; }
    public PacketPool pool() { return pool; }
    public StackRuntime runtime() { return runtime; }
    public PortTable ports() { return ports; }
    public Arp arp() { return arp; }
    public Icmp icmp() { return icmp; }
    /** Where every frame this stack sends leaves; see {@link Output}. */
    public Output output() { return output; }
    public EthRcv ethRcv() { return ethRcv; }
    public IpRcv ipRcv() { return ipRcv; }
    public L4Rcv l4Rcv() { return l4Rcv; }
    public UdpRcv udpRcv() { return udpRcv; }
    public SocketRcv socketRcv() { return socketRcv; }
    public SocketSend socketSend() { return socketSend; }
    public L4Send l4Send() { return l4Send; }
    public UdpSend udpSend() { return udpSend; }
    public IpSend ipSend() { return ipSend; }
    public EthSend ethSend() { return ethSend; }

    /**
     * Attaches a module that lives in a package of its own (TCP: {@code io.flexnet.proto.tcp.Tcp.attach}
     * binds its layers into {@code l4_rcv}/{@code l4_send} and attaches itself here), so whoever holds
     * the stack finds it without this package depending on it. One per type.
     */
    public <T> void attach(Class<T> type, T module) {
        if (extensions.putIfAbsent(type, module) != null) {
            throw new IllegalStateException(type.getSimpleName() + " is already attached to this stack");
        }
    }

    /** Reports {@code drops} (an attached module's) with the layers' in {@link #dropCounters()}. */
    public void reportDrops(DropCounters drops) { attachedDrops.addIfAbsent(drops); }

    /** The module of {@code type} attached, or null. */
    public <T> T attached(Class<T> type) { return type.cast(extensions.get(type)); }

    /** The layer at {@code kind}: what a pipeline builder fills its levels from ({@code stack::layer}). */
    public Layer layer(LayerKind kind) {
        return switch (kind) {
            case ETH_RCV -> ethRcv;
            case IP_RCV -> ipRcv;
            case L4_RCV -> l4Rcv;
            case SOCKET_RCV -> socketRcv;
            case SOCKET_SEND -> socketSend;
            case L4_SEND -> l4Send;
            case IP_SEND -> ipSend;
            case ETH_SEND -> ethSend;
        };
    }

    /** eth_rcv, ip_rcv, l4_rcv, socket_rcv (a new array each call). */
    public Layer[] rxLayers() { return new Layer[] {ethRcv, ipRcv, l4Rcv, socketRcv}; }

    /** socket_send, l4_send, ip_send, eth_send (a new array each call). */
    public Layer[] txLayers() { return new Layer[] {socketSend, l4Send, ipSend, ethSend}; }

    /** Every layer's and module's drop counters, receive side first. */
    public List<DropCounters> dropCounters() {
        List<DropCounters> layers = List.of(ethRcv.drops(), arp.drops(), ipRcv.drops(), icmp.drops(), l4Rcv.drops(),
                udpRcv.drops(), socketRcv.drops(), socketSend.drops(), l4Send.drops(), udpSend.drops(), ipSend.drops(),
                ethSend.drops());
        if (attachedDrops.isEmpty()) return layers;
        List<DropCounters> all = new java.util.ArrayList<>(layers);
        all.addAll(attachedDrops);
        return List.copyOf(all);
    }

    /** Drops summed over all layers and modules by reason label, non-zero only. For reports, not per packet. */
    public Map<String, Long> dropsByReason() { return DropCounters.byReason(dropCounters()); }

    /**
     * A context for the calling thread at the runtime's current time, for callers outside a worker (an
     * application thread, a test); kept per thread, so only the time is written per call.
     */
    public LayerContext callerContext() {
        LayerContext cx = callerContexts.get();
        cx.setNow(runtime.nanoTime());
        return cx;
    }

    /** Runs eth_rcv → ip_rcv → l4_rcv → socket_rcv on {@code p}; takes ownership. */
    public void receive(Packet p, LayerContext cx) {
        if (ethRcv.process(p, cx) != Layer.NEXT) return;
        if (ipRcv.process(p, cx) != Layer.NEXT) return;
        if (l4Rcv.process(p, cx) != Layer.NEXT) return;
        socketRcv.process(p, cx);
    }

    /** As {@link #receive(Packet, LayerContext)} with {@link #callerContext()}. */
    public void receive(Packet p) { receive(p, callerContext()); }

    /** Runs socket_send → l4_send → ip_send → eth_send on {@code p}; takes ownership. */
    public void send(Packet p, LayerContext cx) {
        if (socketSend.process(p, cx) != Layer.NEXT) return;
        if (l4Send.process(p, cx) != Layer.NEXT) return;
        if (output.judge(p, cx) != Layer.NEXT) return;  // the egress filter, when one is attached
        if (ipSend.process(p, cx) != Layer.NEXT) return;
        ethSend.process(p, cx);
    }

    /** As {@link #send(Packet, LayerContext)} with {@link #callerContext()}. */
    public void send(Packet p) { send(p, callerContext()); }

    /** Expires ARP entries and frames that waited too long for resolution; call periodically. */
    public void expire() { arp.expire(); }
}
