package io.flexnet.pipeline;

import io.flexnet.packet.Packet;

/**
 * Chooses the queue a coroutine parks in at a {@code queue(selector)} suspension point — the paper's
 * {@code pick_queue_idx}. Returns an index into that point's queues; {@link #DROP} drops the packet
 * as {@code policy-drop}, any other index out of range as {@code selector-out-of-range}. Runs on the
 * per-packet path: no allocation, no blocking.
 *
 * <pre>{@code
 * // Listing 1: the high-priority application's port gets queue 0, everything else queue 1.
 * Selector byPort = p -> p.dstPort == 8080 ? 0 : 1;
 * }</pre>
 *
 * Before {@code eth_rcv} the headers are not parsed yet: read them through the header views, or use
 * {@link Packet#flowHash} (set by the NIC's RSS).
 */
@FunctionalInterface
public interface Selector {
    /** Drop the packet on purpose, counted as {@code policy-drop} (not as out of range). */
    int DROP = -2;

    int select(Packet p);

    /**
     * How many queues this selector chooses among, when it knows (a policy hook made for a number of
     * queues); 0 when it does not say. {@code flexnet check} refuses a point whose queues differ.
     */
    default int range() { return 0; }
}
