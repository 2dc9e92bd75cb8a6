package io.flexnet.packet;

import java.lang.foreign.MemorySegment;

/**
 * Flyweight over an IPv4 header (RFC 791), options included through the IHL:
 * <pre>
 *  0 ver|ihl  1 tos  2 total length  4 identification  6 flags|fragment offset  8 ttl  9 protocol
 *  10 header checksum  12 source  16 destination  20 options (ihl*4 - 20 bytes)
 * </pre>
 * Addresses are {@code int}s in host order, as {@link Packet} holds them.
 */
public final class Ipv4Header {
    public static final int VERSION_IHL_OFFSET = 0;
    public static final int TOS_OFFSET = 1;
    public static final int TOTAL_LENGTH_OFFSET = 2;
    public static final int IDENTIFICATION_OFFSET = 4;
    public static final int FLAGS_FRAGMENT_OFFSET = 6;
    public static final int TTL_OFFSET = 8;
    public static final int PROTOCOL_OFFSET = 9;
    public static final int CHECKSUM_OFFSET = 10;
    public static final int SRC_OFFSET = 12;
    public static final int DST_OFFSET = 16;
    public static final int OPTIONS_OFFSET = 20;
    /** Header without options (IHL 5). */
    public static final int MIN_HEADER_LENGTH = 20;
    public static final int MAX_HEADER_LENGTH = 60;

    public static final int FLAG_DF = 0x4000;
    public static final int FLAG_MF = 0x2000;
    /** Fragment offset (in 8-byte units) bits of the flags/fragment word. */
    public static final int FRAGMENT_OFFSET_MASK = 0x1FFF;

    public static final int PROTO_ICMP = 1;
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;

    private MemorySegment segment;
    private long offset;

    public Ipv4Header wrap(MemorySegment s, long off) {
        this.segment = s;
        this.offset = off;
        return this;
    }

    public MemorySegment segment() { return segment; }
    public long offset() { return offset; }

    // ---- static accessors

    public static int version(MemorySegment s, long off) { return Bytes.u8(s, off) >>> 4; }
    public static int ihl(MemorySegment s, long off) { return Bytes.u8(s, off) & 0xF; }
    /** Header length in bytes: IHL × 4. */
    public static int headerLength(MemorySegment s, long off) { return ihl(s, off) << 2; }
    public static void versionIhl(MemorySegment s, long off, int version, int ihl) {
        Bytes.u8(s, off, (version << 4) | (ihl & 0xF));
    }
    public static int tos(MemorySegment s, long off) { return Bytes.u8(s, off + TOS_OFFSET); }
    public static void tos(MemorySegment s, long off, int v) { Bytes.u8(s, off + TOS_OFFSET, v); }
    public static int dscp(MemorySegment s, long off) { return tos(s, off) >>> 2; }
    public static int ecn(MemorySegment s, long off) { return tos(s, off) & 3; }
    public static int totalLength(MemorySegment s, long off) { return Bytes.u16(s, off + TOTAL_LENGTH_OFFSET); }
    public static void totalLength(MemorySegment s, long off, int v) { Bytes.u16(s, off + TOTAL_LENGTH_OFFSET, v); }
    public static int identification(MemorySegment s, long off) { return Bytes.u16(s, off + IDENTIFICATION_OFFSET); }
    public static void identification(MemorySegment s, long off, int v) { Bytes.u16(s, off + IDENTIFICATION_OFFSET, v); }
    /** The whole flags/fragment-offset word. */
    public static int flagsFragment(MemorySegment s, long off) { return Bytes.u16(s, off + FLAGS_FRAGMENT_OFFSET); }
    public static void flagsFragment(MemorySegment s, long off, int v) { Bytes.u16(s, off + FLAGS_FRAGMENT_OFFSET, v); }
    public static boolean dontFragment(MemorySegment s, long off) { return (flagsFragment(s, off) & FLAG_DF) != 0; }
    public static boolean moreFragments(MemorySegment s, long off) { return (flagsFragment(s, off) & FLAG_MF) != 0; }
    /** Fragment offset in 8-byte units. */
    public static int fragmentOffset(MemorySegment s, long off) { return flagsFragment(s, off) & FRAGMENT_OFFSET_MASK; }
    /** Part of a fragmented datagram: more fragments follow, or this one does not start at 0. */
    public static boolean isFragment(MemorySegment s, long off) {
        return (flagsFragment(s, off) & (FLAG_MF | FRAGMENT_OFFSET_MASK)) != 0;
    }
    public static int ttl(MemorySegment s, long off) { return Bytes.u8(s, off + TTL_OFFSET); }
    public static void ttl(MemorySegment s, long off, int v) { Bytes.u8(s, off + TTL_OFFSET, v); }
    public static int protocol(MemorySegment s, long off) { return Bytes.u8(s, off + PROTOCOL_OFFSET); }
    public static void protocol(MemorySegment s, long off, int v) { Bytes.u8(s, off + PROTOCOL_OFFSET, v); }
    public static int checksum(MemorySegment s, long off) { return Bytes.u16(s, off + CHECKSUM_OFFSET); }
    public static void checksum(MemorySegment s, long off, int v) { Bytes.u16(s, off + CHECKSUM_OFFSET, v); }
    public static int src(MemorySegment s, long off) { return Bytes.i32(s, off + SRC_OFFSET); }
    public static void src(MemorySegment s, long off, int ip) { Bytes.i32(s, off + SRC_OFFSET, ip); }
    public static int dst(MemorySegment s, long off) { return Bytes.i32(s, off + DST_OFFSET); }
    public static void dst(MemorySegment s, long off, int ip) { Bytes.i32(s, off + DST_OFFSET, ip); }
    public static long optionsOffset(MemorySegment s, long off) { return off + OPTIONS_OFFSET; }
    public static int optionsLength(MemorySegment s, long off) { return headerLength(s, off) - MIN_HEADER_LENGTH; }

    /** True when the header (IHL × 4 bytes) sums to all ones, i.e. the checksum field is right. */
    public static boolean checksumOk(MemorySegment s, long off) {
        return Checksum.fold(Checksum.sum(s, off, headerLength(s, off), 0)) == 0xFFFF;
    }

    /** Computes and stores the header checksum over IHL × 4 bytes. */
    public static void fillChecksum(MemorySegment s, long off) {
        checksum(s, off, 0);
        checksum(s, off, Checksum.compute(s, off, headerLength(s, off)));
    }

    /** Writes a header without options (IHL 5) and its checksum. */
    public static void write(MemorySegment s, long off, int tos, int totalLength, int id, int flagsFragment,
                             int ttl, int protocol, int src, int dst) {
        versionIhl(s, off, 4, 5);
        tos(s, off, tos);
        totalLength(s, off, totalLength);
        identification(s, off, id);
        flagsFragment(s, off, flagsFragment);
        ttl(s, off, ttl);
        protocol(s, off, protocol);
        src(s, off, src);
        dst(s, off, dst);
        fillChecksum(s, off);
    }

    // ---- the fixed header as words, for the per-packet paths (see Bytes): word 0 is bytes 0-7
    // (version/IHL, TOS, total length, identification, flags/fragment offset), word 1 is bytes 8-15
    // (TTL, protocol, checksum, source); the destination is the int at DST_OFFSET.

    /** Version and IHL, as the first byte: {@code 0x45} for IPv4 without options. */
    public static int versionIhl(long word0) { return (int) (word0 >>> 56); }
    public static int tos(long word0) { return (int) (word0 >>> 48) & 0xFF; }
    public static int totalLength(long word0) { return (int) (word0 >>> 32) & 0xFFFF; }
    public static int identification(long word0) { return (int) (word0 >>> 16) & 0xFFFF; }
    /** Part of a fragmented datagram: more fragments follow, or this one does not start at 0. */
    public static boolean isFragment(long word0) { return (word0 & (FLAG_MF | FRAGMENT_OFFSET_MASK)) != 0; }
    public static int ttl(long word1) { return (int) (word1 >>> 56); }
    public static int protocol(long word1) { return (int) (word1 >>> 48) & 0xFF; }
    public static int src(long word1) { return (int) word1; }

    /** Word 0 of a header without options (version 4, IHL 5). */
    public static long word0(int tos, int totalLength, int identification, int flagsFragment) {
        return (0x45L << 56) | ((long) (tos & 0xFF) << 48) | ((long) (totalLength & 0xFFFF) << 32)
                | ((long) (identification & 0xFFFF) << 16) | (flagsFragment & 0xFFFF);
    }

    /** Word 1: TTL, protocol, checksum and source. */
    public static long word1(int ttl, int protocol, int checksum, int src) {
        return ((long) (ttl & 0xFF) << 56) | ((long) (protocol & 0xFF) << 48) | ((long) (checksum & 0xFFFF) << 32)
                | (src & 0xFFFF_FFFFL);
    }

    // ---- flyweight accessors

    public int version() { return version(segment, offset); }
    public int ihl() { return ihl(segment, offset); }
    public int headerLength() { return headerLength(segment, offset); }
    public Ipv4Header versionIhl(int version, int ihl) { versionIhl(segment, offset, version, ihl); return this; }
    public int tos() { return tos(segment, offset); }
    public Ipv4Header tos(int v) { tos(segment, offset, v); return this; }
    public int dscp() { return dscp(segment, offset); }
    public int ecn() { return ecn(segment, offset); }
    public int totalLength() { return totalLength(segment, offset); }
    public Ipv4Header totalLength(int v) { totalLength(segment, offset, v); return this; }
    public int identification() { return identification(segment, offset); }
    public Ipv4Header identification(int v) { identification(segment, offset, v); return this; }
    public int flagsFragment() { return flagsFragment(segment, offset); }
    public Ipv4Header flagsFragment(int v) { flagsFragment(segment, offset, v); return this; }
    public boolean dontFragment() { return dontFragment(segment, offset); }
    public boolean moreFragments() { return moreFragments(segment, offset); }
    public int fragmentOffset() { return fragmentOffset(segment, offset); }
    public boolean isFragment() { return isFragment(segment, offset); }
    public int ttl() { return ttl(segment, offset); }
    public Ipv4Header ttl(int v) { ttl(segment, offset, v); return this; }
    public int protocol() { return protocol(segment, offset); }
    public Ipv4Header protocol(int v) { protocol(segment, offset, v); return this; }
    public int checksum() { return checksum(segment, offset); }
    public Ipv4Header checksum(int v) { checksum(segment, offset, v); return this; }
    public int src() { return src(segment, offset); }
    public Ipv4Header src(int ip) { src(segment, offset, ip); return this; }
    public int dst() { return dst(segment, offset); }
    public Ipv4Header dst(int ip) { dst(segment, offset, ip); return this; }
    public long optionsOffset() { return optionsOffset(segment, offset); }
    public int optionsLength() { return optionsLength(segment, offset); }
    public boolean checksumOk() { return checksumOk(segment, offset); }
    public Ipv4Header fillChecksum() { fillChecksum(segment, offset); return this; }
}
