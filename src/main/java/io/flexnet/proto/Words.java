package io.flexnet.proto;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Wide network-order loads and stores for the per-packet paths. Every segment access is bounds- and
 * liveness-checked, so moving a header as two or three words and packing or unpacking the fields in
 * registers is several times cheaper than one access per field, and the same words feed the checksum.
 */
final class Words {
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private Words() {}

    static long u64(MemorySegment s, long off) { return s.get(U64, off); }

    static int i32(MemorySegment s, long off) { return s.get(U32, off); }

    static void u64(MemorySegment s, long off, long v) { s.set(U64, off, v); }

    static void i32(MemorySegment s, long off, int v) { s.set(U32, off, v); }
}
