package io.flexnet.pipeline;

import static io.flexnet.proto.LayerKind.*;

import io.flexnet.proto.LayerKind;
import java.util.List;

/**
 * The three pipeline templates of the paper: the ordered layers each must contain. Designers choose one
 * and insert suspension points between its layers; they never reorder, drop or repeat layers.
 */
public enum Template {
    /** Listing 1: frames from the NIC up to a socket. */
    RX(List.of(ETH_RCV, IP_RCV, L4_RCV, SOCKET_RCV)),
    /** Listing 4: an application's send down to the NIC. */
    TX(List.of(SOCKET_SEND, L4_SEND, IP_SEND, ETH_SEND)),
    /**
     * Listing 5: run to completion; the application answers in place at a {@code yield()} between the
     * receive and send halves, and the same coroutine transmits the reply from the same buffer.
     */
    RX_TX(List.of(ETH_RCV, IP_RCV, L4_RCV, L4_SEND, IP_SEND, ETH_SEND)),
    /**
     * Datagrams the stack itself originates — ICMP replies and errors, later TCP's ACKs and resets —
     * from {@code ip_send} down: what a stack's {@code Output} runs inline, or starts as a coroutine
     * when a design routes it here to move that work elsewhere.
     */
    ORIGIN(List.of(IP_SEND, ETH_SEND));

    private final List<LayerKind> layers;

    Template(List<LayerKind> layers) { this.layers = layers; }

    public List<LayerKind> layers() { return layers; }
}
