package io.flexnet.proto;

import io.flexnet.packet.Packet;

/**
 * One protocol step (a layer function in the paper's listings): {@code eth_rcv}, {@code ip_rcv},
 * {@code udp_rcv}, {@code socket_rcv}, and on the way out {@code socket_send}, {@code udp_send},
 * {@code ip_send}, {@code eth_send}. Pipelines call layers in order; a suspension point may sit between
 * any two of them.
 *
 * <p>{@link #process} returns {@link #NEXT} to go on to the next step, or {@link #DONE} when the
 * layer has taken the packet: delivered it, transmitted it, held it (waiting for ARP), or dropped it
 * — in which case the layer counted the drop under a {@link io.flexnet.packet.DropReason} and released
 * the slot. After {@code DONE} the caller must not touch the packet.
 *
 * <p>The {@link LayerContext} brings the round's time and the calling thread's counter stripe: a layer
 * never reads a clock, never starts a thread, and never sends around the pipeline (frames it originates
 * leave through its stack's {@link Output}).
 */
public interface Layer {
    int NEXT = 0;
    int DONE = 1;

    /** The layer's name as the paper writes it ({@code "ip_rcv"}); names counters and errors. */
    String name();

    /** Where this layer sits; the pipeline verifier checks order with it. */
    LayerKind kind();

    int process(Packet p, LayerContext cx);
}
