/**
 * The protocol layers: {@code eth_rcv}, {@code ip_rcv}, {@code udp_rcv}, {@code socket_rcv} and on
 * the way out {@code socket_send}, {@code udp_send}, {@code ip_send}, {@code eth_send}; ARP with its
 * cache and the frames held for it, ICMP, the port table from UDP ports to endpoints, the interface's
 * configuration, and {@link io.flexnet.proto.ProtoStack}, which wires one interface's layers together.
 *
 * <p>Depends on packet only: a layer knows nothing of the pipeline that calls it.
 */
package io.flexnet.proto;
