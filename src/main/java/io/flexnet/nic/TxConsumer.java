package io.flexnet.nic;

import io.flexnet.packet.Packet;

/**
 * Takes transmitted frames out of an {@link InMemoryNic} transmit queue ({@link InMemoryNic#drainTx}).
 * The packet is only lent: the NIC releases it as soon as {@code accept} returns, so copy what you need.
 */
@FunctionalInterface
public interface TxConsumer {
    void accept(int queue, Packet p);
}
