package io.flexnet.proto;

import io.flexnet.packet.Packet;

/**
 * Where finished frames leave the stack: a NIC transmit queue, possibly behind a queueing discipline
 * or capture tap. Takes ownership of the packet whether or not it could send it (a full transmit
 * queue counts the drop and releases the slot).
 */
@FunctionalInterface
public interface Egress {
    void transmit(Packet p);
}
