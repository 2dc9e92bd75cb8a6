// struct virtio_net_hdr, the 10 bytes in front of every frame of a TAP opened with IFF_VNET_HDR.
package io.flexnet.nic;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The layout and numbers of {@code struct virtio_net_hdr} (linux/virtio_net.h, the legacy header the
 * TAP uses unless told another size): one byte of flags, one of GSO type, then four little-endian
 * 16-bit fields. In native order here: the TAP speaks the host's order (x86_64, aarch64: little) unless
 * told otherwise with {@code TUNSETVNETBE}.
 *
 * <pre>
 *  0 flags        NEEDS_CSUM: the checksum from csum_start, stored csum_offset further, is partial
 *                 DATA_VALID: the checksums were verified
 *  1 gso_type     NONE, TCPV4, UDP, TCPV6 (| ECN): a super frame to be cut into gso_size segments
 *  2 hdr_len      bytes of headers in front of the segments' data
 *  4 gso_size     bytes of data per segment
 *  6 csum_start   where the partial checksum starts (from the frame's first byte)
 *  8 csum_offset  where, from csum_start, the checksum field is
 * </pre>
 */
final class VirtioNetHdr {
    static final int SIZE = 10;

    static final int FLAGS = 0, GSO_TYPE = 1, HDR_LEN = 2, GSO_SIZE = 4, CSUM_START = 6, CSUM_OFFSET = 8;

    static final int F_NEEDS_CSUM = 1;
    static final int F_DATA_VALID = 2;

    static final int GSO_NONE = 0;
    static final int GSO_TCPV4 = 1;
    static final int GSO_UDP = 3;
    static final int GSO_TCPV6 = 4;
    static final int GSO_ECN = 0x80;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    private VirtioNetHdr() {}

    static int flags(MemorySegment h) { return h.get(ValueLayout.JAVA_BYTE, FLAGS) & 0xFF; }

    static int gsoType(MemorySegment h) { return h.get(ValueLayout.JAVA_BYTE, GSO_TYPE) & 0xFF; }

    static int gsoSize(MemorySegment h) { return h.get(U16, GSO_SIZE) & 0xFFFF; }

    static int csumOffset(MemorySegment h) { return h.get(U16, CSUM_OFFSET) & 0xFFFF; }

    /** A header asking for nothing: the frame is complete. */
    static void clear(MemorySegment h) {
        h.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, 0L);
        h.set(U16, 8, (short) 0);
    }

    static int hdrLen(MemorySegment h) { return h.get(U16, HDR_LEN) & 0xFFFF; }

    /**
     * A header asking the kernel to cut a TCP/IPv4 super frame into segments of {@code gsoSize} payload
     * bytes behind {@code hdrLen} bytes of headers, and to fill in each one's checksum (TSO).
     */
    static void tcpSegments(MemorySegment h, int hdrLen, int gsoSize, int csumStart, int csumOffset) {
        h.set(ValueLayout.JAVA_BYTE, FLAGS, (byte) F_NEEDS_CSUM);
        h.set(ValueLayout.JAVA_BYTE, GSO_TYPE, (byte) GSO_TCPV4);
        h.set(U16, HDR_LEN, (short) hdrLen);
        h.set(U16, GSO_SIZE, (short) gsoSize);
        h.set(U16, CSUM_START, (short) csumStart);
        h.set(U16, CSUM_OFFSET, (short) csumOffset);
    }

    /** A header asking the kernel to fill in the checksum from {@code start}, stored {@code offset} further. */
    static void needsChecksum(MemorySegment h, int start, int offset) {
        h.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, 0L);
        h.set(ValueLayout.JAVA_BYTE, FLAGS, (byte) F_NEEDS_CSUM);
        h.set(U16, CSUM_START, (short) start);
        h.set(U16, CSUM_OFFSET, (short) offset);
    }
}
