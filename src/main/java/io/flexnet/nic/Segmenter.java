// Software TSO: a TCP/IPv4 super frame cut into the segments a device with segmentation offload would send.
package io.flexnet.nic;

import io.flexnet.packet.Bytes;
import io.flexnet.packet.Checksum;
import io.flexnet.packet.Ipv4Header;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.packet.TcpHeader;
import java.lang.foreign.MemorySegment;

/**
 * Cuts a super frame ({@link Packet#gsoSize} &gt; 0: Ethernet, IPv4 and TCP headers in front of many
 * segments' data) into whole frames as Linux's {@code tcp_gso_segment} does: every segment gets the
 * headers, {@code gsoSize} bytes of data (the last what remains), its own sequence number, IP total
 * length, identification (one more each) and both checksums; PSH and FIN only on the last, CWR only
 * on the first. The {@link InMemoryNic} does this when built to offer segmentation, so simulations and
 * tests run the TSO path of {@code tcp_send} without a kernel.
 *
 * <pre>{@code
 * for (int i = 0, n = Segmenter.count(p); i < n; i++) wire.offer(Segmenter.segment(p, i, pool));
 * p.release();
 * }</pre>
 */
public final class Segmenter {
    private Segmenter() {}

    /** Bytes of Ethernet, IPv4 and TCP headers in front of the data of {@code p}. */
    public static int headers(Packet p) {
        return p.l4Offset - p.offset + TcpHeader.dataOffset(p.segment(), p.l4Offset) * 4;
    }

    /** Segments {@code p} is cut into: its data over {@link Packet#gsoSize}, rounded up; 1 for an ordinary frame. */
    public static int count(Packet p) {
        if (p.gsoSize <= 0) return 1;
        int data = p.length - headers(p);
        return Math.max(1, (data + p.gsoSize - 1) / p.gsoSize);
    }

    /**
     * Segment {@code i} of super frame {@code p} in a new slot of {@code pool}, sums complete, or null
     * when the pool has no free slot. {@code p} is left as it was.
     */
    public static Packet segment(Packet p, int i, PacketPool pool) {
        final int hdrs = headers(p);
        final int data = p.length - hdrs;
        final int gso = p.gsoSize;
        final int from = i * gso;
        if (i < 0 || from >= Math.max(data, 1)) throw new IndexOutOfBoundsException("segment " + i + " of " + count(p));
        final int len = Math.min(gso, data - from);
        Packet q = pool.allocate();
        if (q == null) return null;
        final MemorySegment src = p.segment(), dst = q.segment();
        final int at = q.offset;
        MemorySegment.copy(src, p.offset, dst, at, hdrs);
        MemorySegment.copy(src, p.offset + hdrs + from, dst, at + hdrs, len);
        q.length = hdrs + len;
        final int l3 = at + (p.l3Offset - p.offset), l4 = at + (p.l4Offset - p.offset);
        final int ipLen = l4 - l3, tcpLen = hdrs - (l4 - at) + len;
        // IPv4: this segment's length and identification, then its header sum.
        Ipv4Header.totalLength(dst, l3, ipLen + tcpLen);
        Bytes.u16(dst, l3 + Ipv4Header.IDENTIFICATION_OFFSET,
                (Ipv4Header.identification(src, p.l3Offset) + i) & 0xFFFF);
        Bytes.u16(dst, l3 + Ipv4Header.CHECKSUM_OFFSET, 0);
        Bytes.u16(dst, l3 + Ipv4Header.CHECKSUM_OFFSET, ~Checksum.fold(Checksum.sum(dst, l3, ipLen, 0)) & 0xFFFF);
        // TCP: this segment's sequence number and flags, then its whole sum.
        Bytes.i32(dst, l4 + TcpHeader.SEQ_OFFSET, Bytes.i32(src, p.l4Offset + TcpHeader.SEQ_OFFSET) + from);
        int flags = TcpHeader.flags(src, p.l4Offset);
        if (from + len < data) flags &= ~(TcpHeader.PSH | TcpHeader.FIN);
        if (i > 0) flags &= ~TcpHeader.CWR;
        TcpHeader.flags(dst, l4, flags);
        TcpHeader.fillChecksum(dst, l4, tcpLen, p.srcIp, p.dstIp);
        q.l3Offset = l3;
        q.l4Offset = l4;
        q.srcIp = p.srcIp;
        q.dstIp = p.dstIp;
        q.srcPort = p.srcPort;
        q.dstPort = p.dstPort;
        q.protocol = p.protocol;
        q.flowHash = p.flowHash;
        q.nextHop = p.nextHop;
        return q;
    }
}
