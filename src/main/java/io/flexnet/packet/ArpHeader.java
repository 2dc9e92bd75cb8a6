package io.flexnet.packet;

import java.lang.foreign.MemorySegment;

/**
 * Flyweight over an ARP packet for IPv4 over Ethernet (RFC 826), the only kind the stack speaks:
 * <pre>
 *  0 htype  2 ptype  4 hlen 5 plen  6 oper  8 sha(6)  14 spa(4)  18 tha(6)  24 tpa(4)  28
 * </pre>
 */
public final class ArpHeader {
    public static final int HTYPE_OFFSET = 0;
    public static final int PTYPE_OFFSET = 2;
    public static final int HLEN_OFFSET = 4;
    public static final int PLEN_OFFSET = 5;
    public static final int OPER_OFFSET = 6;
    public static final int SHA_OFFSET = 8;
    public static final int SPA_OFFSET = 14;
    public static final int THA_OFFSET = 18;
    public static final int TPA_OFFSET = 24;
    public static final int LENGTH = 28;

    public static final int HTYPE_ETHERNET = 1;
    public static final int OP_REQUEST = 1;
    public static final int OP_REPLY = 2;

    private MemorySegment segment;
    private long offset;

    public ArpHeader wrap(MemorySegment s, long off) {
        this.segment = s;
        this.offset = off;
        return this;
    }

    public MemorySegment segment() { return segment; }
    public long offset() { return offset; }

    public static int htype(MemorySegment s, long off) { return Bytes.u16(s, off + HTYPE_OFFSET); }
    public static void htype(MemorySegment s, long off, int v) { Bytes.u16(s, off + HTYPE_OFFSET, v); }
    public static int ptype(MemorySegment s, long off) { return Bytes.u16(s, off + PTYPE_OFFSET); }
    public static void ptype(MemorySegment s, long off, int v) { Bytes.u16(s, off + PTYPE_OFFSET, v); }
    public static int hlen(MemorySegment s, long off) { return Bytes.u8(s, off + HLEN_OFFSET); }
    public static void hlen(MemorySegment s, long off, int v) { Bytes.u8(s, off + HLEN_OFFSET, v); }
    public static int plen(MemorySegment s, long off) { return Bytes.u8(s, off + PLEN_OFFSET); }
    public static void plen(MemorySegment s, long off, int v) { Bytes.u8(s, off + PLEN_OFFSET, v); }
    public static int oper(MemorySegment s, long off) { return Bytes.u16(s, off + OPER_OFFSET); }
    public static void oper(MemorySegment s, long off, int v) { Bytes.u16(s, off + OPER_OFFSET, v); }
    public static long sha(MemorySegment s, long off) { return Bytes.u48(s, off + SHA_OFFSET); }
    public static void sha(MemorySegment s, long off, long v) { Bytes.u48(s, off + SHA_OFFSET, v); }
    public static int spa(MemorySegment s, long off) { return Bytes.i32(s, off + SPA_OFFSET); }
    public static void spa(MemorySegment s, long off, int v) { Bytes.i32(s, off + SPA_OFFSET, v); }
    public static long tha(MemorySegment s, long off) { return Bytes.u48(s, off + THA_OFFSET); }
    public static void tha(MemorySegment s, long off, long v) { Bytes.u48(s, off + THA_OFFSET, v); }
    public static int tpa(MemorySegment s, long off) { return Bytes.i32(s, off + TPA_OFFSET); }
    public static void tpa(MemorySegment s, long off, int v) { Bytes.i32(s, off + TPA_OFFSET, v); }

    /** The fixed fields say Ethernet hardware addresses (6 bytes) and IPv4 protocol addresses (4). */
    public static boolean isEthernetIpv4(MemorySegment s, long off) {
        return htype(s, off) == HTYPE_ETHERNET && ptype(s, off) == EthernetHeader.TYPE_IPV4
                && hlen(s, off) == 6 && plen(s, off) == 4;
    }

    /** Writes a whole Ethernet/IPv4 ARP packet. */
    public static void write(MemorySegment s, long off, int oper, long sha, int spa, long tha, int tpa) {
        htype(s, off, HTYPE_ETHERNET);
        ptype(s, off, EthernetHeader.TYPE_IPV4);
        hlen(s, off, 6);
        plen(s, off, 4);
        oper(s, off, oper);
        sha(s, off, sha);
        spa(s, off, spa);
        tha(s, off, tha);
        tpa(s, off, tpa);
    }

    public int htype() { return htype(segment, offset); }
    public int ptype() { return ptype(segment, offset); }
    public int hlen() { return hlen(segment, offset); }
    public int plen() { return plen(segment, offset); }
    public int oper() { return oper(segment, offset); }
    public ArpHeader oper(int v) { oper(segment, offset, v); return this; }
    public long sha() { return sha(segment, offset); }
    public ArpHeader sha(long v) { sha(segment, offset, v); return this; }
    public int spa() { return spa(segment, offset); }
    public ArpHeader spa(int v) { spa(segment, offset, v); return this; }
    public long tha() { return tha(segment, offset); }
    public ArpHeader tha(long v) { tha(segment, offset, v); return this; }
    public int tpa() { return tpa(segment, offset); }
    public ArpHeader tpa(int v) { tpa(segment, offset, v); return this; }
    public boolean isEthernetIpv4() { return isEthernetIpv4(segment, offset); }
}
