package io.flexnet.proto;

import io.flexnet.packet.Counters;
import io.flexnet.packet.DropCounters;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.Packet;

/**
 * {@code socket_rcv}: hands the datagram to the endpoint whose id {@code udp_rcv} stored in
 * {@link Packet#owner}. Looked up again by id, not port, so a datagram that waited in a queue after
 * {@code udp_rcv} still reaches the endpoint that owned the port then, or is dropped as
 * {@code no-socket} if that endpoint has gone. A refusal is {@code socket-full}; always DONE.
 */
public final class SocketRcv implements CountingLayer {
    private static final int DELIVERED = 0;

    private final PortTable ports;
    private final Counters counters = new Counters("socket_rcv", "delivered");
    private final DropCounters drops = new DropCounters("socket_rcv");

    public SocketRcv(PortTable ports) {
        this.ports = ports;
    }

    @Override public String name() { return "socket_rcv"; }
    @Override public LayerKind kind() { return LayerKind.SOCKET_RCV; }
    @Override public Counters counters() { return counters; }
    @Override public DropCounters drops() { return drops; }

    @Override
    public int process(Packet p, LayerContext cx) {
        final Endpoint e = ports.endpoint(p.owner);
        if (e == null) {
            drops.drop(p, DropReason.NO_SOCKET, cx.stripe());
            return DONE;
        }
        boolean taken;
        try {
            taken = e.offer(p);
        } catch (Throwable fault) {
            // An endpoint is application code: its fault costs this packet, never the worker. Caught
            // as the pipeline catches every extension (Throwable: an assertion or a stack overflow
            // in extension code is the extension's fault too), and here as well because the fused
            // path (ProtoStack.receive) runs this layer outside any pipeline.
            drops.drop(p, DropReason.EXTENSION_FAULT, cx.stripe());
            return DONE;
        }
        if (taken) counters.inc(cx.stripe(), DELIVERED);
        else drops.drop(p, DropReason.SOCKET_FULL, cx.stripe());
        return DONE;
    }
}
