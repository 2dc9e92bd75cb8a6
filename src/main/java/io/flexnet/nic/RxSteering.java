package io.flexnet.nic;

import io.flexnet.packet.Packet;

/**
 * Chooses the receive queue of an arriving frame: the NIC rx-queue hook of the design. The NIC has
 * already stored the RSS hash in {@link Packet#flowHash} and the frame bytes are readable, so a policy
 * may steer by hash, by header fields or by its own state. {@link Rss} is the default.
 *
 * <p>Called on the injecting thread for every frame, possibly from several threads at once: keep it
 * short, allocation-free and thread-safe. {@link #DROP} drops the frame as {@code policy-drop}; any
 * other result outside {@code [0, queues)} drops it as {@code selector-out-of-range}.
 *
 * <pre>{@code
 * // Keep queue 0 for ARP and other non-IP frames (hash 0); spread IP flows over the other queues.
 * RxSteering reserveZero = (p, queues) ->
 *         p.flowHash == 0 ? 0 : 1 + Integer.remainderUnsigned(p.flowHash, queues - 1);
 * }</pre>
 */
@FunctionalInterface
public interface RxSteering {
    /** Returned to drop the frame on purpose (a policy's decision), counted as {@code policy-drop}. */
    int DROP = -2;

    /** Receive queue for {@code p}, in {@code [0, queues)}, or {@link #DROP}. */
    int queueFor(Packet p, int queues);
}
