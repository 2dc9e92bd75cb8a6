package io.flexnet.packet;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071): one's-complement sum of 16-bit words, with the IPv4 pseudo-header
 * for UDP and TCP, and incremental update after a field changes (RFC 1624, eqn. 3).
 */
public final class Checksum {
    private static final ValueLayout.OfLong U64 =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private Checksum() {}

    /**
     * Partial one's-complement sum of {@code len} bytes (not folded, not complemented); add partial
     * sums together and {@link #fold} at the end. Reads eight bytes at a time: summing 64-bit words
     * with the carries added back gives the same 16-bit result as summing 16-bit words.
     */
    public static long sum(MemorySegment s, long off, int len, long initial) {
        long acc = initial;
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            long w = s.get(U64, off + i);
            // Sum the two 32-bit halves into a 64-bit accumulator: cannot overflow for any frame.
            acc += (w >>> 32) + (w & 0xFFFF_FFFFL);
        }
        for (; i + 2 <= len; i += 2) acc += Bytes.u16(s, off + i);
        if (i < len) acc += Bytes.u8(s, off + i) << 8;  // odd byte, padded with zero
        return acc;
    }

    /** Folds a partial sum to 16 bits (not complemented). */
    public static int fold(long acc) {
        acc = (acc >>> 32) + (acc & 0xFFFF_FFFFL);
        acc = (acc >>> 16) + (acc & 0xFFFF);
        acc = (acc >>> 16) + (acc & 0xFFFF);
        acc = (acc >>> 16) + (acc & 0xFFFF);
        return (int) acc;
    }

    /** The checksum field value for {@code len} bytes: complement of the folded sum. */
    public static int compute(MemorySegment s, long off, int len) {
        return ~fold(sum(s, off, len, 0)) & 0xFFFF;
    }

    /** Partial sum of the IPv4 pseudo-header (addresses in host order). */
    public static long pseudoHeader(int srcIp, int dstIp, int protocol, int l4Length) {
        return (srcIp >>> 16) + (srcIp & 0xFFFF) + (dstIp >>> 16) + (dstIp & 0xFFFF)
                + protocol + l4Length;
    }

    /** UDP/TCP checksum over pseudo-header and segment; a zero result is returned as-is. */
    public static int transport(MemorySegment s, long l4Off, int l4Len, int srcIp, int dstIp, int protocol) {
        long acc = sum(s, l4Off, l4Len, pseudoHeader(srcIp, dstIp, protocol, l4Len));
        return ~fold(acc) & 0xFFFF;
    }

    /**
     * RFC 1624 eqn. 3: new checksum {@code HC' = ~(~HC + ~m + m')} after a 16-bit field changes from
     * {@code oldWord} to {@code newWord}. Avoids the -0 pitfall of eqn. 2.
     */
    public static int update16(int checksum, int oldWord, int newWord) {
        long acc = (~checksum & 0xFFFF) + (~oldWord & 0xFFFF) + (newWord & 0xFFFF);
        return ~fold(acc) & 0xFFFF;
    }

    /** As {@link #update16} for a 32-bit field (an address): both halves at once. */
    public static int update32(int checksum, int oldValue, int newValue) {
        long acc = (~checksum & 0xFFFF)
                + (~oldValue >>> 16 & 0xFFFF) + (~oldValue & 0xFFFF)
                + (newValue >>> 16) + (newValue & 0xFFFF);
        return ~fold(acc) & 0xFFFF;
    }
}
