package io.flexnet.nic;

import io.flexnet.packet.Packet;

/**
 * Receives every frame an {@link InMemoryNic} transmits, synchronously on the transmitting thread,
 * instead of queueing it: for load generators that timestamp responses the moment the stack sends them.
 *
 * <p>Called concurrently by every thread that transmits, so it must be thread-safe and must not block.
 * The packet is only lent: the NIC releases it when {@code onTransmit} returns. A handler that throws
 * has the frame counted as an {@code extension-fault} drop.
 *
 * <pre>{@code
 * TxHandler stamp = (queue, p) -> latency.recordValue(clock.getAsLong() - sentAt(p));
 * }</pre>
 */
@FunctionalInterface
public interface TxHandler {
    void onTransmit(int queue, Packet p);
}
