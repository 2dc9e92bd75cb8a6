package io.flexnet.packet;

import java.lang.foreign.MemorySegment;

/**
 * Finds the IPv4 transport header and payload of a raw frame before any layer has parsed it — what
 * steering, selectors and policies that run ahead of {@code eth_rcv} need. Bounds-checked against the
 * frame: a frame that is not unfragmented IPv4 carrying UDP or TCP, or that lies about its lengths,
 * gives {@link #NONE}, never an exception. Allocation-free: the offsets come back packed in a long.
 *
 * <pre>{@code
 * long t = FrameTuple.locate(p.segment(), p.offset, p.length);
 * if (t != FrameTuple.NONE) dstPort = Bytes.u16(p.segment(), FrameTuple.l4(t) + 2);
 * }</pre>
 *
 * Up to two VLAN tags (802.1Q, 802.1ad) are skipped. Fragments give NONE: later fragments carry no
 * ports, and keeping all fragments of a datagram on one default path is what RSS does too.
 */
public final class FrameTuple {
    public static final long NONE = -1;
    /** Offsets are packed in 16 bits each: frames must end within the first 64 KiB of their segment. */
    private static final int LIMIT = 0xFFFF;

    private FrameTuple() {}

    /**
     * The frame at {@code [off, off + len)} of {@code s}: packed offsets of the IPv4 header, the
     * transport header, and the transport payload's start and end, or {@link #NONE}.
     */
    public static long locate(MemorySegment s, int off, int len) {
        // The common frame in three reads, small enough to inline: untagged IPv4 without options,
        // not fragmented, UDP. Anything else, and any failed check, goes the general way. The first
        // word straddles the Ethernet and IPv4 headers, so the header views' word helpers (which
        // unpack a header's own words) do not fit it: the shifts below are the layout, spelled out.
        if (off >= 0 && len >= 42 && (long) off + len <= Math.min(s.byteSize(), LIMIT)) {
            final int l3 = off + 14, l4 = l3 + 20;
            final long head = Bytes.u64(s, off + 12);   // EtherType, version/IHL, TOS, total length, id
            final int word = Bytes.i32(s, l3 + 6);      // flags/fragment offset, TTL, protocol
            final int total = (int) (head >>> 16) & 0xFFFF;
            if ((head >>> 40) == (EthernetHeader.TYPE_IPV4 << 8 | 0x45) && (word & 0x3FFF_0000) == 0
                    && (word & 0xFF) == Ipv4Header.PROTO_UDP && total >= 28) {
                final int ipEnd = Math.min(off + len, l3 + total);
                final int udpLength = Bytes.u16(s, l4 + 4);
                if (l4 + 8 <= ipEnd && udpLength >= 8) {
                    return (long) l3 | (long) l4 << 16 | (long) (l4 + 8) << 32 | (long) Math.min(ipEnd, l4 + udpLength) << 48;
                }
            }
        }
        return general(s, off, len);
    }

    /** Every frame {@link #locate} accepts, with every check; the fast path's answers are a subset. */
    static long general(MemorySegment s, int off, int len) {
        if (off < 0 || len < 14 || (long) off + len > Math.min(s.byteSize(), LIMIT)) return NONE;
        final int end = off + len;
        int typeAt = off + 12;
        int type = Bytes.u16(s, typeAt);
        for (int tags = 0; tags < 2 && (type == EthernetHeader.TYPE_VLAN || type == 0x88A8); tags++) {
            typeAt += 4;
            if (typeAt + 2 > end) return NONE;
            type = Bytes.u16(s, typeAt);
        }
        if (type != EthernetHeader.TYPE_IPV4) return NONE;
        final int l3 = typeAt + 2;
        if (l3 + 20 > end) return NONE;
        final int ihl = Ipv4Header.headerLength(s, l3);
        final int total = Ipv4Header.totalLength(s, l3);
        if (Ipv4Header.version(s, l3) != 4 || ihl < Ipv4Header.MIN_HEADER_LENGTH || total < ihl) return NONE;
        if (Ipv4Header.isFragment(s, l3)) return NONE;
        int ipEnd = Math.min(end, l3 + total);
        final int proto = Ipv4Header.protocol(s, l3);
        final int l4 = l3 + ihl;
        final int payload;
        if (proto == Ipv4Header.PROTO_UDP) {
            if (l4 + UdpHeader.HEADER_LENGTH > ipEnd) return NONE;
            int udpLength = UdpHeader.length(s, l4);
            if (udpLength < UdpHeader.HEADER_LENGTH) return NONE;
            ipEnd = Math.min(ipEnd, l4 + udpLength);
            payload = l4 + UdpHeader.HEADER_LENGTH;
        } else if (proto == Ipv4Header.PROTO_TCP) {
            if (l4 + TcpHeader.MIN_HEADER_LENGTH > ipEnd) return NONE;
            int dataOffset = TcpHeader.headerLength(s, l4);
            if (dataOffset < TcpHeader.MIN_HEADER_LENGTH || l4 + dataOffset > ipEnd) return NONE;
            payload = l4 + dataOffset;
        } else {
            return NONE;
        }
        return (long) l3 | (long) l4 << 16 | (long) payload << 32 | (long) ipEnd << 48;
    }

    /** Offset of the IPv4 header. */
    public static int l3(long t) { return (int) (t & LIMIT); }

    /** Offset of the UDP or TCP header. */
    public static int l4(long t) { return (int) (t >>> 16 & LIMIT); }

    /** Offset of the transport payload. */
    public static int payload(long t) { return (int) (t >>> 32 & LIMIT); }

    /** End of the transport payload (exclusive): the datagram's end, not trailing Ethernet padding. */
    public static int end(long t) { return (int) (t >>> 48 & LIMIT); }
}
