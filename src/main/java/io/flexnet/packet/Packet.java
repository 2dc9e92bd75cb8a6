package io.flexnet.packet;

import java.lang.foreign.MemorySegment;

/**
 * Handle to one pooled slot holding one Ethernet frame, plus the metadata layers fill in as the frame
 * moves through the stack. Handles are created once with the pool and reused forever: nothing here is
 * allocated per packet.
 *
 * <p>The frame occupies {@code [offset, offset + length)} of the slot. Receive layers advance the
 * header cursor ({@link #l3Offset}, {@link #l4Offset}, {@link #payloadOffset}); transmit layers
 * {@link #prepend(int) prepend} headers into the headroom in front of the payload without copying it.
 *
 * <p>A handle is owned by exactly one party at a time (a driver, a coroutine, a queue, a socket); the
 * owner either passes it on or {@link #release() releases} it. Fields are plain: ownership transfer goes
 * through a queue or a lock, which publishes them.
 */
public final class Packet {
    /**
     * When non-zero, this frame is a TCP super frame ({@link PacketPool#allocateJumbo() jumbo slot}) that
     * the device cuts into segments of this many payload bytes, headers copied and fixed up
     * (Linux's {@code gso_size}; TSO). 0 for an ordinary frame. Set by {@code tcp_send} only for a
     * device that offers it ({@code NicDriver.gsoMaxBytes()}); received super frames (GRO) leave it 0.
     */
    public int gsoSize;

    /** {@link #csumVerdict}: nobody vouched for this frame's checksums; the layers check every one. */
    public static final int CSUM_NONE = 0;
    /**
     * {@link #csumVerdict}: the device verified this frame's checksums (Linux's {@code
     * CHECKSUM_UNNECESSARY}, virtio's {@code VIRTIO_NET_HDR_F_DATA_VALID}); the receive layers skip
     * the software sums.
     */
    public static final int CSUM_UNNECESSARY = 1;
    /**
     * {@link #csumVerdict}: the transport checksum field holds only the pseudo-header's sum and the
     * device fills in the rest (Linux's {@code CHECKSUM_PARTIAL}, virtio's {@code
     * VIRTIO_NET_HDR_F_NEEDS_CSUM}), from {@link #l4Offset} into the field at {@link #csumOffset}
     * bytes after it. On receive it means the frame came from a sender on the same host whose data
     * never crossed a wire, so it is as good as verified; on transmit, that the device will sum it.
     */
    public static final int CSUM_PARTIAL = 2;

    private final PacketPool pool;
    private final int index;
    private final MemorySegment slot;

    /** Start of the frame within the slot. */
    public int offset;
    /** Bytes of frame from {@link #offset}. */
    public int length;

    /** Receive queue the frame arrived on, or -1. */
    public int rxQueue;
    /** Arrival time, in the runtime's nanosecond clock. */
    public long arrivalNanos;
    /** RSS (or other) flow hash, 0 when not computed. */
    public int flowHash;

    /** Offsets (within the slot) of the network header, transport header and payload. */
    public int l3Offset, l4Offset, payloadOffset;
    /** Bytes of transport payload. */
    public int payloadLength;
    /**
     * The device's word on this frame's checksums, as Linux's {@code skb->ip_summed}: {@link #CSUM_NONE}
     * (the default: every sum is checked in software), {@link #CSUM_UNNECESSARY} (the device checked
     * them) or {@link #CSUM_PARTIAL} (the transport sum is left for the device to fill in). Set by the
     * driver on receive and read by {@code ip_rcv}, {@code udp_rcv} and {@code tcp_rcv}; set by the
     * transport's send layer on transmit and read by the driver.
     */
    public int csumVerdict;
    /** With {@link #CSUM_PARTIAL}: the checksum field's offset from {@link #l4Offset} (6 for UDP, 16 for TCP). */
    public int csumOffset;
    /** 802.1Q VLAN id read from the Ethernet header, or -1. */
    public int vlan;

    /** Flow identity in host byte order, filled by receive layers and read by send layers. */
    public int srcIp, dstIp, srcPort, dstPort, protocol;
    /** IPv4 next hop chosen by {@code ip_send} (the destination when on-link, else the gateway). */
    public int nextHop;
    /**
     * Id of the endpoint (socket group, request handler) bound to the destination port, stored by
     * {@code udp_rcv} and looked up again by {@code socket_rcv}; -1 until then. Not a tenant id: policy
     * hooks find a port's tenant themselves.
     */
    public int owner;
    /** Free for the current owner (a socket, an application) to use. */
    public long userData;
    /**
     * One object the policy layer keeps per slot for the slot's whole life (its view of the packet),
     * made on first use and never reset: found in one load, where a table keyed by pool and slot
     * would take five. Written once, by the packet's owner.
     */
    public Object companion;

    boolean free = true;

    Packet(PacketPool pool, int index, MemorySegment slot) {
        this.pool = pool;
        this.index = index;
        this.slot = slot;
    }

    /** The whole slot; absolute offsets such as {@link #offset} index into it. */
    public MemorySegment segment() { return slot; }

    /** Slot number within the pool, stable for the life of the pool. */
    public int index() { return index; }

    public PacketPool pool() { return pool; }

    /** Bytes available in front of the frame for headers to be prepended. */
    public int headroom() { return offset; }

    /** Bytes available after the frame. */
    public int tailroom() { return (int) slot.byteSize() - offset - length; }

    /**
     * Grows the frame at the front by {@code bytes} and returns the new frame offset, where the caller
     * writes its header. Fails when the headroom is too small: that is a bug in the headroom budget.
     */
    public int prepend(int bytes) {
        if (bytes > offset) {
            throw new IllegalStateException("headroom " + offset + " < " + bytes);
        }
        offset -= bytes;
        length += bytes;
        return offset;
    }

    /** Resets the frame to empty at {@code headroom} bytes into the slot, clearing all metadata. */
    public void reset(int headroom) {
        offset = headroom;
        length = 0;
        rxQueue = -1;
        arrivalNanos = 0;
        flowHash = 0;
        l3Offset = l4Offset = payloadOffset = -1;
        payloadLength = 0;
        vlan = -1;
        csumVerdict = CSUM_NONE;
        csumOffset = 0;
        gsoSize = 0;
        srcIp = dstIp = srcPort = dstPort = protocol = 0;
        nextHop = 0;
        owner = -1;
        userData = 0;
    }

    /** Returns the slot to its pool. The handle must not be used afterwards. */
    public void release() { pool.release(this); }

    /** Copies the frame into a new array. For tests and tools, never the per-packet path. */
    public byte[] toBytes() {
        return slot.asSlice(offset, length).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    @Override
    public String toString() {
        return "Packet[" + index + " off=" + offset + " len=" + length + "]";
    }
}
