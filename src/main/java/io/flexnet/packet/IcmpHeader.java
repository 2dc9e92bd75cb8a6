package io.flexnet.packet;

import java.lang.foreign.MemorySegment;

/**
 * Flyweight over an ICMP message header (RFC 792). Echo request/reply:
 * <pre>  0 type  1 code  2 checksum  4 identifier  6 sequence  8 data</pre>
 * Destination unreachable (and other errors):
 * <pre>  0 type  1 code  2 checksum  4 unused (code 4: 6 next-hop MTU)  8 original IP header + 8 bytes</pre>
 * The checksum covers the whole ICMP message, header and data.
 */
public final class IcmpHeader {
    public static final int TYPE_OFFSET = 0;
    public static final int CODE_OFFSET = 1;
    public static final int CHECKSUM_OFFSET = 2;
    public static final int ID_OFFSET = 4;
    public static final int SEQUENCE_OFFSET = 6;
    /** Errors: the 4 bytes after the checksum are unused, except the next-hop MTU of code 4. */
    public static final int UNUSED_OFFSET = 4;
    public static final int NEXT_HOP_MTU_OFFSET = 6;
    /** Errors: where the quoted original datagram (IP header + first 8 bytes) starts. */
    public static final int ORIGINAL_OFFSET = 8;
    public static final int HEADER_LENGTH = 8;

    public static final int TYPE_ECHO_REPLY = 0;
    public static final int TYPE_DEST_UNREACHABLE = 3;
    public static final int TYPE_ECHO_REQUEST = 8;
    public static final int TYPE_TIME_EXCEEDED = 11;

    public static final int CODE_NET_UNREACHABLE = 0;
    public static final int CODE_HOST_UNREACHABLE = 1;
    public static final int CODE_PROTOCOL_UNREACHABLE = 2;
    public static final int CODE_PORT_UNREACHABLE = 3;
    public static final int CODE_FRAGMENTATION_NEEDED = 4;

    private MemorySegment segment;
    private long offset;

    public IcmpHeader wrap(MemorySegment s, long off) {
        this.segment = s;
        this.offset = off;
        return this;
    }

    public MemorySegment segment() { return segment; }
    public long offset() { return offset; }

    public static int type(MemorySegment s, long off) { return Bytes.u8(s, off + TYPE_OFFSET); }
    public static void type(MemorySegment s, long off, int v) { Bytes.u8(s, off + TYPE_OFFSET, v); }
    public static int code(MemorySegment s, long off) { return Bytes.u8(s, off + CODE_OFFSET); }
    public static void code(MemorySegment s, long off, int v) { Bytes.u8(s, off + CODE_OFFSET, v); }
    /** Type and code as one 16-bit word, the unit of an incremental checksum update. */
    public static int typeCode(MemorySegment s, long off) { return Bytes.u16(s, off + TYPE_OFFSET); }
    public static int checksum(MemorySegment s, long off) { return Bytes.u16(s, off + CHECKSUM_OFFSET); }
    public static void checksum(MemorySegment s, long off, int v) { Bytes.u16(s, off + CHECKSUM_OFFSET, v); }
    public static int id(MemorySegment s, long off) { return Bytes.u16(s, off + ID_OFFSET); }
    public static void id(MemorySegment s, long off, int v) { Bytes.u16(s, off + ID_OFFSET, v); }
    public static int sequence(MemorySegment s, long off) { return Bytes.u16(s, off + SEQUENCE_OFFSET); }
    public static void sequence(MemorySegment s, long off, int v) { Bytes.u16(s, off + SEQUENCE_OFFSET, v); }
    public static int unused(MemorySegment s, long off) { return Bytes.i32(s, off + UNUSED_OFFSET); }
    public static void unused(MemorySegment s, long off, int v) { Bytes.i32(s, off + UNUSED_OFFSET, v); }
    public static int nextHopMtu(MemorySegment s, long off) { return Bytes.u16(s, off + NEXT_HOP_MTU_OFFSET); }
    public static void nextHopMtu(MemorySegment s, long off, int v) { Bytes.u16(s, off + NEXT_HOP_MTU_OFFSET, v); }
    public static long originalOffset(MemorySegment s, long off) { return off + ORIGINAL_OFFSET; }

    /** True when the {@code length}-byte message sums to all ones. */
    public static boolean checksumOk(MemorySegment s, long off, int length) {
        return Checksum.fold(Checksum.sum(s, off, length, 0)) == 0xFFFF;
    }

    /** Computes and stores the checksum of the {@code length}-byte message. */
    public static void fillChecksum(MemorySegment s, long off, int length) {
        checksum(s, off, 0);
        checksum(s, off, Checksum.compute(s, off, length));
    }

    public int type() { return type(segment, offset); }
    public IcmpHeader type(int v) { type(segment, offset, v); return this; }
    public int code() { return code(segment, offset); }
    public IcmpHeader code(int v) { code(segment, offset, v); return this; }
    public int typeCode() { return typeCode(segment, offset); }
    public int checksum() { return checksum(segment, offset); }
    public IcmpHeader checksum(int v) { checksum(segment, offset, v); return this; }
    public int id() { return id(segment, offset); }
    public IcmpHeader id(int v) { id(segment, offset, v); return this; }
    public int sequence() { return sequence(segment, offset); }
    public IcmpHeader sequence(int v) { sequence(segment, offset, v); return this; }
    public int unused() { return unused(segment, offset); }
    public IcmpHeader unused(int v) { unused(segment, offset, v); return this; }
    public int nextHopMtu() { return nextHopMtu(segment, offset); }
    public IcmpHeader nextHopMtu(int v) { nextHopMtu(segment, offset, v); return this; }
    public long originalOffset() { return originalOffset(segment, offset); }
    public boolean checksumOk(int length) { return checksumOk(segment, offset, length); }
    public IcmpHeader fillChecksum(int length) { fillChecksum(segment, offset, length); return this; }
}
