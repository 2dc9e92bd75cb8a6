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

    /** From this many bytes the vectorised word loop beats the straight runs (ChecksumBench). */
    private static final int LONG_RUN = 256;

    private Checksum() {}

    /**
     * Partial one's-complement sum of {@code len} bytes (not folded, not complemented); add partial
     * sums together and {@link #fold} at the end. Reads eight bytes at a time: summing the 32-bit
     * halves of 64-bit words into 64-bit accumulators, carries added back at the fold, gives the same
     * 16-bit result as summing 16-bit words.
     *
     * <p>Shaped for short datagrams (runs of 256 bytes or more start with a plain word loop, which the
     * JIT vectorises): whole 64-byte blocks in a loop, then the remaining words as one
     * straight run entered part-way (a fall-through switch), then the last 4, 2 and 1 bytes. A plain
     * word loop costs more in the JIT's loop set-up (pre-, main-, vector- and post-loops) than in
     * loads when a datagram is a few dozen bytes; two accumulators halve the dependency chain.
     */
    public static long sum(MemorySegment s, long off, int len, long initial) {
        long a = initial, b = 0;
        long o = off;
        int n = len;
        if (n >= LONG_RUN) {
            // A long run: a plain word loop, which the JIT unrolls and vectorises, then the tail below.
            final int words = n & ~63;
            for (int i = 0; i < words; i += 8) a += halves(s.get(U64, o + i));
            o += words;
            n -= words;
        }
        while (n >= 64) {
            long w0 = s.get(U64, o), w1 = s.get(U64, o + 8), w2 = s.get(U64, o + 16), w3 = s.get(U64, o + 24);
            long w4 = s.get(U64, o + 32), w5 = s.get(U64, o + 40), w6 = s.get(U64, o + 48), w7 = s.get(U64, o + 56);
            a += halves(w0) + halves(w1) + halves(w2) + halves(w3);
            b += halves(w4) + halves(w5) + halves(w6) + halves(w7);
            o += 64;
            n -= 64;
        }
        switch (n >>> 3) {  // falls through: case k adds the k words left, the last first
            case 7: a += halves(s.get(U64, o + 48));
            case 6: b += halves(s.get(U64, o + 40));
            case 5: a += halves(s.get(U64, o + 32));
            case 4: b += halves(s.get(U64, o + 24));
            case 3: a += halves(s.get(U64, o + 16));
            case 2: b += halves(s.get(U64, o + 8));
            case 1: a += halves(s.get(U64, o));
            default:
        }
        o += n & ~7;
        if ((n & 4) != 0) {
            a += Bytes.u32L(s, o);
            o += 4;
        }
        if ((n & 2) != 0) {
            b += Bytes.u16(s, o);
            o += 2;
        }
        if ((n & 1) != 0) a += Bytes.u8(s, o) << 8;  // odd byte, padded with zero
        return a + b;
    }

    /** The two 32-bit halves of a word as a partial sum: at most 2^33, so thousands fit in a long. */
    public static long halves(long w) { return (w >>> 32) + (w & 0xFFFF_FFFFL); }

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

    /**
     * Completes a {@link Packet#CSUM_PARTIAL} transport checksum as the device that offered to would:
     * sums from the transport header to the frame's end (the field already holds the pseudo-header's
     * sum), complements, and stores the result, a computed 0 as 0xFFFF (Linux's
     * {@code CSUM_MANGLED_0}, right for UDP and harmless for TCP). Marks the frame {@link
     * Packet#CSUM_NONE}: its sums are now all in place.
     */
    public static void completePartial(Packet p) {
        final MemorySegment s = p.segment();
        final int l4 = p.l4Offset;
        final int c = ~fold(sum(s, l4, p.offset + p.length - l4, 0)) & 0xFFFF;
        Bytes.u16(s, l4 + p.csumOffset, c == 0 ? 0xFFFF : c);
        p.csumVerdict = Packet.CSUM_NONE;
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
