package io.flexnet.proto;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Wide network-order loads for the receive fast paths. Every segment access is bounds- and
 * liveness-checked, so reading a header as two or three words and taking the fields out of them is
 * several times cheaper than one read per field, and the same words feed the checksum.
 */
final class Words {
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private Words() {}

    static long u64(MemorySegment s, long off) { return s.get(U64, off); }

    static int i32(MemorySegment s, long off) { return s.get(U32, off); }

    /** The two 32-bit halves of {@code w} as a partial one's-complement sum (see {@code Checksum.sum}). */
    static long halves(long w) { return (w >>> 32) + (w & 0xFFFF_FFFFL); }
}
