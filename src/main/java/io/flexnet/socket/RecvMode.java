package io.flexnet.socket;

/** How {@link UdpSocket#receive} waits when no datagram is queued. */
public enum RecvMode {
    /** Sleep until a datagram arrives (woken by the delivering thread, no polling). */
    BLOCKING,
    /** Return {@link UdpSocket#WOULD_BLOCK} at once ({@code O_NONBLOCK}). */
    NON_BLOCKING,
    /**
     * Spin on the queue for the socket's busy-poll budget, then sleep as {@link #BLOCKING} does
     * (Linux's {@code SO_BUSY_POLL}): lowest latency while traffic flows, no burnt core when it stops.
     */
    BUSY_POLL
}
