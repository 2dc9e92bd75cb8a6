package io.flexnet.packet;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Flyweight over an Ethernet II header, optionally carrying one 802.1Q tag:
 * <pre>
 *  0      6      12           14             (tagged: 12     14    16          18)
 *  | dst  | src  | ethertype  | payload       | 0x8100 | TCI | ethertype | payload
 * </pre>
 * The static {@code (segment, offset)} accessors need no object; an instance {@link #wrap wraps} one
 * header and is reused for as many frames as wanted. Readers of a possibly tagged frame check the
 * length first: {@link #headerLength} bytes must be present before {@link #etherType} is read.
 */
public final class EthernetHeader {
    public static final int DST_OFFSET = 0;
    public static final int SRC_OFFSET = 6;
    /** The outer type field: the ethertype, or {@link #TYPE_VLAN} when a tag follows. */
    public static final int TYPE_OFFSET = 12;
    /** Tag control information of a tagged frame: priority (3 bits), DEI (1), VLAN id (12). */
    public static final int TCI_OFFSET = 14;
    public static final int HEADER_LENGTH = 14;
    public static final int VLAN_TAG_LENGTH = 4;
    public static final int TAGGED_HEADER_LENGTH = HEADER_LENGTH + VLAN_TAG_LENGTH;
    /** Shortest frame on the wire without the FCS; shorter frames are padded by the sender. */
    public static final int MIN_FRAME = 60;

    public static final int TYPE_IPV4 = 0x0800;
    public static final int TYPE_ARP = 0x0806;
    public static final int TYPE_VLAN = 0x8100;

    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private MemorySegment segment;
    private long offset;

    public EthernetHeader wrap(MemorySegment s, long off) {
        this.segment = s;
        this.offset = off;
        return this;
    }

    public MemorySegment segment() { return segment; }
    public long offset() { return offset; }

    // ---- static accessors

    public static long dst(MemorySegment s, long off) { return Bytes.u48(s, off + DST_OFFSET); }
    public static void dst(MemorySegment s, long off, long mac) { Bytes.u48(s, off + DST_OFFSET, mac); }
    public static long src(MemorySegment s, long off) { return Bytes.u48(s, off + SRC_OFFSET); }
    public static void src(MemorySegment s, long off, long mac) { Bytes.u48(s, off + SRC_OFFSET, mac); }
    public static int type(MemorySegment s, long off) { return Bytes.u16(s, off + TYPE_OFFSET); }
    public static void type(MemorySegment s, long off, int type) { Bytes.u16(s, off + TYPE_OFFSET, type); }

    public static boolean tagged(MemorySegment s, long off) { return type(s, off) == TYPE_VLAN; }

    /** 14, or 18 when an 802.1Q tag is present. */
    public static int headerLength(MemorySegment s, long off) {
        return tagged(s, off) ? TAGGED_HEADER_LENGTH : HEADER_LENGTH;
    }

    /** Absolute offset of the real ethertype field: after the tag when there is one. */
    public static long etherTypeOffset(MemorySegment s, long off) {
        return tagged(s, off) ? off + TAGGED_HEADER_LENGTH - 2 : off + TYPE_OFFSET;
    }

    /** The ethertype of the payload, looking through an 802.1Q tag. */
    public static int etherType(MemorySegment s, long off) { return Bytes.u16(s, etherTypeOffset(s, off)); }

    /** The 12-bit VLAN id of a tagged frame, or -1 when untagged. */
    public static int vlanId(MemorySegment s, long off) {
        return tagged(s, off) ? Bytes.u16(s, off + TCI_OFFSET) & 0xFFF : -1;
    }

    /** Writes an untagged header: three stores (every segment access is checked, so fewer is faster). */
    public static void write(MemorySegment s, long off, long dst, long src, int etherType) {
        s.set(U64, off, (dst << 16) | ((src >>> 32) & 0xFFFF));
        Bytes.i32(s, off + SRC_OFFSET + 2, (int) src);
        type(s, off, etherType);
    }

    /** Writes a header with an 802.1Q tag (priority 0) for {@code vlan}. */
    public static void writeTagged(MemorySegment s, long off, long dst, long src, int vlan, int etherType) {
        dst(s, off, dst);
        src(s, off, src);
        type(s, off, TYPE_VLAN);
        Bytes.u16(s, off + TCI_OFFSET, vlan & 0xFFF);
        Bytes.u16(s, off + TCI_OFFSET + 2, etherType);
    }

    /**
     * Prepends an Ethernet header to {@code p}, tagged when {@code p.vlan >= 0} (a reply leaves on the
     * VLAN its request came from). Returns false, changing nothing, when the headroom is too small.
     */
    public static boolean prepend(Packet p, long dst, long src, int etherType) {
        int vlan = p.vlan;
        int len = vlan >= 0 ? TAGGED_HEADER_LENGTH : HEADER_LENGTH;
        if (p.offset < len) return false;
        int off = p.prepend(len);
        if (vlan >= 0) writeTagged(p.segment(), off, dst, src, vlan, etherType);
        else write(p.segment(), off, dst, src, etherType);
        return true;
    }

    // ---- flyweight accessors

    public long dst() { return dst(segment, offset); }
    public EthernetHeader dst(long mac) { dst(segment, offset, mac); return this; }
    public long src() { return src(segment, offset); }
    public EthernetHeader src(long mac) { src(segment, offset, mac); return this; }
    public int type() { return type(segment, offset); }
    public EthernetHeader type(int type) { type(segment, offset, type); return this; }
    public boolean tagged() { return tagged(segment, offset); }
    public int headerLength() { return headerLength(segment, offset); }
    public long etherTypeOffset() { return etherTypeOffset(segment, offset); }
    public int etherType() { return etherType(segment, offset); }
    public int vlanId() { return vlanId(segment, offset); }
}
