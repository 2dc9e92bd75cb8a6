package io.flexnet.packet;

import java.lang.foreign.MemorySegment;

/**
 * Flyweight over a TCP header (RFC 9293):
 * <pre>
 *  0 source port  2 destination port  4 sequence  8 acknowledgment
 *  12 data offset(4 bits)|reserved(3)|AE(1)  13 CWR ECE URG ACK PSH RST SYN FIN
 *  14 window  16 checksum  18 urgent pointer  20 options (data offset × 4 - 20 bytes)
 * </pre>
 * Options are read with a reusable {@link TcpOptions} cursor. Sequence and acknowledgment numbers
 * are unsigned 32-bit values returned in a {@code long}.
 */
public final class TcpHeader {
    public static final int SRC_PORT_OFFSET = 0;
    public static final int DST_PORT_OFFSET = 2;
    public static final int SEQ_OFFSET = 4;
    public static final int ACK_OFFSET = 8;
    public static final int DATA_OFFSET_OFFSET = 12;
    public static final int FLAGS_OFFSET = 13;
    public static final int WINDOW_OFFSET = 14;
    public static final int CHECKSUM_OFFSET = 16;
    public static final int URGENT_OFFSET = 18;
    public static final int OPTIONS_OFFSET = 20;
    public static final int MIN_HEADER_LENGTH = 20;
    public static final int MAX_HEADER_LENGTH = 60;

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;
    /** The low bit of byte 12 (once NS, RFC 3540; AE in accurate ECN), as bit 8 of {@link #flags}. */
    public static final int AE = 0x100;

    private MemorySegment segment;
    private long offset;

    public TcpHeader wrap(MemorySegment s, long off) {
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
    public static long seq(MemorySegment s, long off) { return Bytes.u32L(s, off + SEQ_OFFSET); }
    public static void seq(MemorySegment s, long off, long v) { Bytes.i32(s, off + SEQ_OFFSET, (int) v); }
    public static long ack(MemorySegment s, long off) { return Bytes.u32L(s, off + ACK_OFFSET); }
    public static void ack(MemorySegment s, long off, long v) { Bytes.i32(s, off + ACK_OFFSET, (int) v); }
    /** Data offset in 32-bit words (5..15). */
    public static int dataOffset(MemorySegment s, long off) { return Bytes.u8(s, off + DATA_OFFSET_OFFSET) >>> 4; }
    /** Header length in bytes: data offset × 4. */
    public static int headerLength(MemorySegment s, long off) { return dataOffset(s, off) << 2; }
    /** Sets the data offset (words), keeping the reserved and AE bits. */
    public static void dataOffset(MemorySegment s, long off, int words) {
        int b = Bytes.u8(s, off + DATA_OFFSET_OFFSET);
        Bytes.u8(s, off + DATA_OFFSET_OFFSET, (words << 4) | (b & 0x0F));
    }
    /** The nine flag bits: {@link #FIN} .. {@link #CWR} and {@link #AE}. */
    public static int flags(MemorySegment s, long off) { return Bytes.u16(s, off + DATA_OFFSET_OFFSET) & 0x1FF; }
    /** Sets the nine flag bits, keeping data offset and reserved bits. */
    public static void flags(MemorySegment s, long off, int flags) {
        int w = Bytes.u16(s, off + DATA_OFFSET_OFFSET);
        Bytes.u16(s, off + DATA_OFFSET_OFFSET, (w & ~0x1FF) | (flags & 0x1FF));
    }
    public static boolean hasFlags(MemorySegment s, long off, int mask) { return (flags(s, off) & mask) == mask; }
    public static int window(MemorySegment s, long off) { return Bytes.u16(s, off + WINDOW_OFFSET); }
    public static void window(MemorySegment s, long off, int v) { Bytes.u16(s, off + WINDOW_OFFSET, v); }
    public static int checksum(MemorySegment s, long off) { return Bytes.u16(s, off + CHECKSUM_OFFSET); }
    public static void checksum(MemorySegment s, long off, int v) { Bytes.u16(s, off + CHECKSUM_OFFSET, v); }
    public static int urgent(MemorySegment s, long off) { return Bytes.u16(s, off + URGENT_OFFSET); }
    public static void urgent(MemorySegment s, long off, int v) { Bytes.u16(s, off + URGENT_OFFSET, v); }
    public static long optionsOffset(MemorySegment s, long off) { return off + OPTIONS_OFFSET; }
    public static int optionsLength(MemorySegment s, long off) { return headerLength(s, off) - MIN_HEADER_LENGTH; }

    /** True when pseudo-header plus the {@code segmentLength} bytes of header and data sum to all ones. */
    public static boolean checksumOk(MemorySegment s, long off, int segmentLength, int srcIp, int dstIp) {
        long acc = Checksum.sum(s, off, segmentLength,
                Checksum.pseudoHeader(srcIp, dstIp, Ipv4Header.PROTO_TCP, segmentLength));
        return Checksum.fold(acc) == 0xFFFF;
    }

    public static void fillChecksum(MemorySegment s, long off, int segmentLength, int srcIp, int dstIp) {
        checksum(s, off, 0);
        checksum(s, off, Checksum.transport(s, off, segmentLength, srcIp, dstIp, Ipv4Header.PROTO_TCP));
    }

    public int srcPort() { return srcPort(segment, offset); }
    public TcpHeader srcPort(int v) { srcPort(segment, offset, v); return this; }
    public int dstPort() { return dstPort(segment, offset); }
    public TcpHeader dstPort(int v) { dstPort(segment, offset, v); return this; }
    public long seq() { return seq(segment, offset); }
    public TcpHeader seq(long v) { seq(segment, offset, v); return this; }
    public long ack() { return ack(segment, offset); }
    public TcpHeader ack(long v) { ack(segment, offset, v); return this; }
    public int dataOffset() { return dataOffset(segment, offset); }
    public TcpHeader dataOffset(int words) { dataOffset(segment, offset, words); return this; }
    public int headerLength() { return headerLength(segment, offset); }
    public int flags() { return flags(segment, offset); }
    public TcpHeader flags(int v) { flags(segment, offset, v); return this; }
    public boolean hasFlags(int mask) { return hasFlags(segment, offset, mask); }
    public int window() { return window(segment, offset); }
    public TcpHeader window(int v) { window(segment, offset, v); return this; }
    public int checksum() { return checksum(segment, offset); }
    public TcpHeader checksum(int v) { checksum(segment, offset, v); return this; }
    public int urgent() { return urgent(segment, offset); }
    public TcpHeader urgent(int v) { urgent(segment, offset, v); return this; }
    public long optionsOffset() { return optionsOffset(segment, offset); }
    public int optionsLength() { return optionsLength(segment, offset); }
    public boolean checksumOk(int segmentLength, int srcIp, int dstIp) {
        return checksumOk(segment, offset, segmentLength, srcIp, dstIp);
    }
    public TcpHeader fillChecksum(int segmentLength, int srcIp, int dstIp) {
        fillChecksum(segment, offset, segmentLength, srcIp, dstIp);
        return this;
    }
}
