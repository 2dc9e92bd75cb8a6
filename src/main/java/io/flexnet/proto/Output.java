package io.flexnet.proto;

import io.flexnet.packet.Packet;

/**
 * The one way out for every frame the stack sends, so filters, queueing disciplines and captures see
 * all of them. Two doors:
 *
 * <ul>
 * <li>{@link #datagram}: an IPv4 datagram the stack itself originates — ICMP echo replies and errors
 *     today, TCP's ACKs, resets and retransmissions later — laid out at {@link Packet#offset} with its
 *     addresses and protocol set. By default it runs {@code ip_send} and {@code eth_send} on the calling
 *     thread; a design may {@link #route} it to a transmit pipeline instead, to move that work to other
 *     cores as Listing 4 does for sockets.</li>
 * <li>{@link #frame}: a whole Ethernet frame — what {@code eth_send} finished, and ARP's replies,
 *     requests and the frames its resolution releases — handed to the device's {@link Egress}.</li>
 * </ul>
 *
 * Both take ownership of the packet. The output belongs to its stack (a worker may run pipelines of
 * several stacks, so it cannot come with the worker's {@link LayerContext}); bind a route before traffic
 * starts.
 */
public final class Output {
    /** Where originated datagrams go when a design routes them elsewhere than the inline send layers. */
    @FunctionalInterface
    public interface Route {
        /** Takes ownership of {@code p}, a datagram at {@link Packet#offset} (see {@link Output#datagram}). */
        void send(Packet p, LayerContext cx);
    }

    private final IpSend ipSend;
    private final EthSend ethSend;
    private final Egress device;
    /** Null: inline. Plain: bound before traffic, published by the start of the threads that send. */
    private Route route;
    /** A filter's egress hook; null for none. Volatile: a filter may attach under traffic. */
    private volatile PacketHook hook;

    Output(IpSend ipSend, EthSend ethSend, Egress device) {
        this.ipSend = ipSend;
        this.ethSend = ethSend;
        this.device = device;
    }

    /** Sends a datagram the stack originates: by its route, or down {@code ip_send} and {@code eth_send} here. */
    public void datagram(Packet p, LayerContext cx) {
        if (judge(p, cx) != Layer.NEXT) return;
        final Route r = route;
        if (r != null) {
            r.send(p, cx);
        } else if (ipSend.process(p, cx) == Layer.NEXT) {
            ethSend.process(p, cx);
        }
    }

    /**
     * Runs the egress {@link #hook} on a datagram whose L4 header is at {@link Packet#offset}:
     * {@link Layer#NEXT} when it may go on to {@code ip_send} (always, with no hook), {@link Layer#DONE}
     * when the hook kept it. {@link #datagram} calls it; so does the stack's inline socket send path.
     */
    public int judge(Packet p, LayerContext cx) {
        final PacketHook h = hook;
        if (h == null) return Layer.NEXT;
        p.l4Offset = p.offset;  // the hook reads the L4 header where the send layers left it
        return h.process(p, cx);
    }

    /**
     * Judges every datagram the stack originates with {@code hook} before {@code ip_send}: the egress
     * filter's place for what no transmit pipeline carries. Null removes it.
     */
    public void hook(PacketHook hook) { this.hook = hook; }

    public PacketHook hook() { return hook; }

    /** Hands a whole Ethernet frame to the device. */
    public void frame(Packet p, LayerContext cx) { device.transmit(p); }

    /**
     * Sends originated datagrams to {@code route} (a transmit pipeline starting at {@code ip_send}, say),
     * or back to the inline layers with null. Call before traffic starts.
     */
    public void route(Route route) { this.route = route; }

    /** The route bound, or null when inline. */
    public Route route() { return route; }
}
