package io.flexnet.packet;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Network-order (big-endian) reads and writes of unsigned fields at absolute offsets in a segment.
 * Every header view is built on these. Unaligned layouts: headers start at arbitrary offsets.
 *
 * <p>The per-packet paths move headers as whole words ({@link #u64}, {@link #i32}) and unpack the
 * fields in registers with the header views' word helpers ({@code Ipv4Header.protocol(word1)}): every
 * segment access is bounds- and liveness-checked, so one access per header is several times cheaper
 * than one per field, and the same words feed the checksum.
 */
public final class Bytes {
    private static final ValueLayout.OfShort U16 =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong U64 =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private Bytes() {}

    public static int u8(MemorySegment s, long off) { return s.get(ValueLayout.JAVA_BYTE, off) & 0xFF; }

    public static int u16(MemorySegment s, long off) { return s.get(U16, off) & 0xFFFF; }

    /** 32 bits as an int (an IPv4 address in host order); use {@link #u32L} for unsigned arithmetic. */
    public static int i32(MemorySegment s, long off) { return s.get(U32, off); }

    public static long u32L(MemorySegment s, long off) { return s.get(U32, off) & 0xFFFF_FFFFL; }

    /** Eight bytes as one big-endian long: several fields in one read. */
    public static long u64(MemorySegment s, long off) { return s.get(U64, off); }

    /** 48-bit MAC address as the low bits of a long. */
    public static long u48(MemorySegment s, long off) {
        return ((long) u16(s, off) << 32) | u32L(s, off + 2);
    }

    public static void u8(MemorySegment s, long off, int v) { s.set(ValueLayout.JAVA_BYTE, off, (byte) v); }

    public static void u16(MemorySegment s, long off, int v) { s.set(U16, off, (short) v); }

    public static void i32(MemorySegment s, long off, int v) { s.set(U32, off, v); }

    /** Eight bytes from one big-endian long: several fields in one write. */
    public static void u64(MemorySegment s, long off, long v) { s.set(U64, off, v); }

    public static void u48(MemorySegment s, long off, long v) {
        u16(s, off, (int) (v >>> 32));
        i32(s, off + 2, (int) v);
    }
}
