package io.flexnet.proto;

import io.flexnet.packet.Packet;

/**
 * Where {@code socket_rcv} delivers a received datagram: a socket, a request handler, a test probe.
 * Bound to one or more ports in a {@link PortTable}.
 *
 * <pre>{@code
 * Endpoint echo = new Endpoint() {
 *     public int id() { return 7; }
 *     public boolean offer(Packet p) { return queue.offer(p); }   // bounded: false when full
 * };
 * stack.ports().bind(7, echo);
 * }</pre>
 */
public interface Endpoint {
    /**
     * Stable id, stored in {@link Packet#owner} by {@code udp_rcv} and looked up again by
     * {@code socket_rcv}; in [0, {@link PortTable#MAX_ENDPOINT_ID}].
     */
    int id();

    /**
     * Offers a datagram (payload at {@link Packet#payloadOffset}, {@link Packet#payloadLength} bytes;
     * addresses and ports filled in). Return true to take ownership: the endpoint then releases the
     * packet or sends it on. Return false to refuse (a full queue): the caller counts the drop and
     * releases it. Must not block and should not throw; a throw is counted as an extension fault and
     * treated as a refusal.
     */
    boolean offer(Packet p);

    /**
     * Opens a port for a run-to-completion (Rx+Tx) pipeline, whose application answers at
     * {@code yield()}: {@code udp_rcv} passes on only datagrams for a bound port, but nothing is ever
     * delivered, since there is no {@code socket_rcv}. Should a plain Rx pipeline deliver to it after
     * all, each datagram is refused and counted ({@code socket-full}) rather than lost.
     */
    static Endpoint servedAtYield(int id) {
        return new Endpoint() {
            @Override public int id() { return id; }
            @Override public boolean offer(Packet p) { return false; }
            @Override public String toString() { return "served at yield() (" + id + ")"; }
        };
    }
}
