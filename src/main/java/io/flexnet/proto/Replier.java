package io.flexnet.proto;

import io.flexnet.packet.Packet;

/**
 * An {@code l4_send} layer that can answer a request in place: after the application answered at a
 * run-to-completion pipeline's {@code yield()}, the pipeline asks the layer that follows to turn the
 * request's slot into its reply (for UDP: swap addresses and ports, the frame is the payload the
 * application left). The transport decides what a reply is, not the pipeline; TCP's will answer on the
 * request's connection.
 */
public interface Replier {
    /** Readies {@code p}, a request the application answered in place, for this layer's {@code process}. */
    void prepareReply(Packet p, LayerContext cx);
}
