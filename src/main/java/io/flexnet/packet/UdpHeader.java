package io.flexnet.packet;

import java.lang.foreign.MemorySegment;

/**
 * Flyweight over a UDP header (RFC 768):
 * <pre>  0 source port  2 destination port  4 length (header + data)  6 checksum  8 data</pre>
 * A checksum field of 0 means "not computed"; a computed 0 is sent as 0xFFFF.
 */
public final class UdpHeader {
    public static final int SRC_PORT_OFFSET = 0;
    public static final int DST_PORT_OFFSET = 2;
    public static final int LENGTH_OFFSET = 4;
    public static final int CHECKSUM_OFFSET = 6;
    public static final int HEADER_LENGTH = 8;

    private MemorySegment segment;
    private long offset;

    public UdpHeader wrap(MemorySegment s, long off) {
        this.segment = s;
        this.offset = off;
        return this;
    }

    public MemorySegment segment() { return segment; }
    public long offset() { return offset; }

    public static int srcPort(MemorySegment s, long off) { return Bytes.u16(s, off + SRC_PORT_OFFSET); }
    public static void srcPort(MemorySegment s, long off, int v) { Bytes.u16(s, off + SRC_PORT_OFFSET, v); }
    public static int dstPort(MemorySegment s, long off) { return Bytes.u16(s, off + DST_PORT_OFFSET); }
    public static void dstPort(MemorySegment s, long off, int v) { Bytes.u16(s, off + DST_PORT_OFFSET, v); }
    public static int length(MemorySegment s, long off) { return Bytes.u16(s, off + LENGTH_OFFSET); }
    public static void length(MemorySegment s, long off, int v) { Bytes.u16(s, off + LENGTH_OFFSET, v); }
    public static int checksum(MemorySegment s, long off) { return Bytes.u16(s, off + CHECKSUM_OFFSET); }
    public static void checksum(MemorySegment s, long off, int v) { Bytes.u16(s, off + CHECKSUM_OFFSET, v); }
    public static long payloadOffset(MemorySegment s, long off) { return off + HEADER_LENGTH; }

    // ---- the whole header as one word, for the per-packet paths (see Bytes)

    public static int srcPort(long word) { return (int) (word >>> 48); }
    public static int dstPort(long word) { return (int) (word >>> 32) & 0xFFFF; }
    public static int length(long word) { return (int) (word >>> 16) & 0xFFFF; }
    public static int checksum(long word) { return (int) word & 0xFFFF; }

    /** The header as one word. */
    public static long word(int srcPort, int dstPort, int length, int checksum) {
        return ((long) (srcPort & 0xFFFF) << 48) | ((long) (dstPort & 0xFFFF) << 32) | ((long) (length & 0xFFFF) << 16)
                | (checksum & 0xFFFF);
    }

    /**
     * True when the checksum is absent (0) or right: pseudo-header plus the {@link #length} bytes
     * sum to all ones. The caller has checked that {@code length} bytes are present.
     */
    public static boolean checksumOk(MemorySegment s, long off, int srcIp, int dstIp) {
        if (checksum(s, off) == 0) return true;
        int len = length(s, off);
        long acc = Checksum.sum(s, off, len, Checksum.pseudoHeader(srcIp, dstIp, Ipv4Header.PROTO_UDP, len));
        return Checksum.fold(acc) == 0xFFFF;
    }

    /** Computes and stores the checksum over pseudo-header and {@link #length} bytes; 0 becomes 0xFFFF. */
    public static void fillChecksum(MemorySegment s, long off, int srcIp, int dstIp) {
        int len = length(s, off);
        checksum(s, off, 0);
        int c = Checksum.transport(s, off, len, srcIp, dstIp, Ipv4Header.PROTO_UDP);
        checksum(s, off, c == 0 ? 0xFFFF : c);
    }

    public int srcPort() { return srcPort(segment, offset); }
    public UdpHeader srcPort(int v) { srcPort(segment, offset, v); return this; }
    public int dstPort() { return dstPort(segment, offset); }
    public UdpHeader dstPort(int v) { dstPort(segment, offset, v); return this; }
    public int length() { return length(segment, offset); }
    public UdpHeader length(int v) { length(segment, offset, v); return this; }
    public int checksum() { return checksum(segment, offset); }
    public UdpHeader checksum(int v) { checksum(segment, offset, v); return this; }
    public long payloadOffset() { return payloadOffset(segment, offset); }
    public boolean checksumOk(int srcIp, int dstIp) { return checksumOk(segment, offset, srcIp, dstIp); }
    public UdpHeader fillChecksum(int srcIp, int dstIp) { fillChecksum(segment, offset, srcIp, dstIp); return this; }
}
