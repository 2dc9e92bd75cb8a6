// A hook on a path the pipelines do not carry: ICMP inside ip_rcv, datagrams the stack originates.
package io.flexnet.proto;

import io.flexnet.packet.Packet;

/**
 * What a filter puts where no pipeline step can go: on the ICMP datagrams {@code ip_rcv} hands to
 * {@link Icmp} ({@link Icmp#inputHook}) and on the datagrams that leave through {@link Output}
 * ({@link Output#hook}: ICMP's replies and errors, TCP's segments, sockets' sends on the calling
 * thread). It returns {@link Layer#NEXT} to let the packet go on, or {@link Layer#DONE} when it kept
 * it (dropped it, counted and released), after which the caller touches the packet no more. With no
 * hook set, each place costs one field read and a null test.
 */
@FunctionalInterface
public interface PacketHook {
    int process(Packet p, LayerContext cx);
}
