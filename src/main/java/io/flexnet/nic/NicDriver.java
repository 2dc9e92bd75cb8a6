package io.flexnet.nic;

import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;

/**
 * Where frames enter and leave the stack: the in-memory multi-queue NIC, a TAP device, a pcap replay.
 * One small interface so the stack above never knows which (as Netty's {@code IoHandler}).
 *
 * <p>Receive is polled in batches by whoever drives the stack (an executor, a test); a driver that can
 * signal arrivals calls the {@link RxListener} so sleeping workers wake. Transmit takes ownership of
 * the packet: it is sent and released, or counted as dropped ({@code tx-full}) and released.
 */
public interface NicDriver extends AutoCloseable {
    String name();

    PacketPool pool();

    int rxQueues();

    int txQueues();

    /**
     * Moves up to {@code max} received frames of receive queue {@code queue} into {@code out[0..n)}
     * and returns n. Never blocks. The caller owns the returned packets.
     */
    int receive(int queue, Packet[] out, int max);

    /**
     * Whether receive queue {@code queue} holds frames now. A sleeping worker re-checks this before it
     * sleeps, so it cannot miss frames that arrived just before.
     */
    boolean rxPending(int queue);

    /** Sends {@code p} on transmit queue {@code queue}; always takes ownership. Returns false if dropped. */
    boolean transmit(int queue, Packet p);

    /** Called by the driver, on its own thread, when receive queue {@code queue} goes from empty to not. */
    void setRxListener(RxListener listener);

    /**
     * True if the device fills in transport checksums the stack leaves it ({@link Packet#CSUM_PARTIAL},
     * Linux's {@code NETIF_F_HW_CSUM}): the send layers then never sum a payload. Asked once, when the
     * stack is built.
     */
    default boolean fillsChecksums() { return false; }

    /**
     * The largest TCP super frame, in IP bytes, the device cuts into segments itself ({@link
     * Packet#gsoSize}, Linux's {@code NETIF_F_TSO}), or 0 when it takes only whole segments (the
     * default). Only a device that {@link #fillsChecksums() fills in checksums} may offer it. Asked once,
     * when the stack is built.
     */
    default int gsoMaxBytes() { return 0; }

    /**
     * The kernel wait that ends when receive queue {@code queue} has frames (poll(2) on its file), for
     * a driver whose polling worker reads the device itself; null when arrivals come through the
     * {@link RxListener} instead. A sleeping worker blocks in it through
     * {@link io.flexnet.runtime.StackRuntime#await}, and a kick ends it with {@link KernelWait#wake()}.
     */
    default io.flexnet.runtime.KernelWait rxWait(int queue) { return null; }

    /** Frames the driver itself dropped, by reason. */
    io.flexnet.packet.DropCounters drops();

    @Override
    void close();

    @FunctionalInterface
    interface RxListener {
        void rxReady(int queue);
    }
}
