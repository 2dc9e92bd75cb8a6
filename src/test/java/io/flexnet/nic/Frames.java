package io.flexnet.nic;

import io.flexnet.packet.Checksum;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * Builds Ethernet frames byte by byte for NIC tests (Ethernet II, 802.1Q, ARP, IPv4, ICMP, UDP, TCP) with
 * real checksums, independent of the stack's header views so the NIC can be tested on its own.
 */
final class Frames {
    static final int ETH = 14;
    static final int IPV4 = 20;

    private Frames() {}

    static int ip(String dotted) {
        String[] p = dotted.split("\\.");
        return Integer.parseInt(p[0]) << 24 | Integer.parseInt(p[1]) << 16 | Integer.parseInt(p[2]) << 8 | Integer.parseInt(p[3]);
    }

    static String ipString(int ip) {
        return (ip >>> 24) + "." + (ip >>> 16 & 0xFF) + "." + (ip >>> 8 & 0xFF) + "." + (ip & 0xFF);
    }

    static long mac(String colons) {
        return Long.parseLong(colons.replace(":", ""), 16);
    }

    static ByteBuffer eth(int size, long dst, long src, int type) {
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putShort((short) (dst >>> 32)).putInt((int) dst);
        b.putShort((short) (src >>> 32)).putInt((int) src);
        b.putShort((short) type);
        return b;
    }

    /** ARP request (RFC 826) for {@code targetIp} from {@code senderMac}/{@code senderIp}, broadcast. */
    static byte[] arpRequest(long senderMac, int senderIp, int targetIp) {
        ByteBuffer b = eth(ETH + 28, 0xFFFF_FFFF_FFFFL, senderMac, 0x0806);
        b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 1);
        b.putShort((short) (senderMac >>> 32)).putInt((int) senderMac).putInt(senderIp);
        b.putShort((short) 0).putInt(0).putInt(targetIp);
        return b.array();
    }

    /** IPv4 packet with {@code l4} as payload; fragment fields as given (0 for a whole datagram). */
    static byte[] ipv4(long dstMac, long srcMac, int srcIp, int dstIp, int proto, byte[] l4, int flagsAndOffset) {
        ByteBuffer b = eth(ETH + IPV4 + l4.length, dstMac, srcMac, 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (IPV4 + l4.length));
        b.putShort((short) 0x1234).putShort((short) flagsAndOffset);
        b.put((byte) 64).put((byte) proto).putShort((short) 0).putInt(srcIp).putInt(dstIp);
        b.put(l4);
        byte[] f = b.array();
        int sum = Checksum.compute(MemorySegment.ofArray(f), ETH, IPV4);
        f[ETH + 10] = (byte) (sum >>> 8);
        f[ETH + 11] = (byte) sum;
        return f;
    }

    static byte[] udp(long dstMac, long srcMac, int srcIp, int dstIp, int srcPort, int dstPort, byte[] payload) {
        ByteBuffer u = ByteBuffer.allocate(8 + payload.length);
        u.putShort((short) srcPort).putShort((short) dstPort).putShort((short) (8 + payload.length)).putShort((short) 0);
        u.put(payload);
        byte[] l4 = u.array();
        int sum = Checksum.transport(MemorySegment.ofArray(l4), 0, l4.length, srcIp, dstIp, 17);
        if (sum == 0) sum = 0xFFFF;  // RFC 768: a computed zero is sent as all ones
        l4[6] = (byte) (sum >>> 8);
        l4[7] = (byte) sum;
        return ipv4(dstMac, srcMac, srcIp, dstIp, 17, l4, 0x4000);
    }

    /** A TCP segment with a 20-byte header and the given flags (0x02 SYN). */
    static byte[] tcp(long dstMac, long srcMac, int srcIp, int dstIp, int srcPort, int dstPort, int flags) {
        ByteBuffer t = ByteBuffer.allocate(20);
        t.putShort((short) srcPort).putShort((short) dstPort).putInt(1000).putInt(0);
        t.put((byte) 0x50).put((byte) flags).putShort((short) 65535).putShort((short) 0).putShort((short) 0);
        byte[] l4 = t.array();
        int sum = Checksum.transport(MemorySegment.ofArray(l4), 0, l4.length, srcIp, dstIp, 6);
        l4[16] = (byte) (sum >>> 8);
        l4[17] = (byte) sum;
        return ipv4(dstMac, srcMac, srcIp, dstIp, 6, l4, 0x4000);
    }

    /** ICMP echo request (RFC 792 type 8). */
    static byte[] icmpEcho(long dstMac, long srcMac, int srcIp, int dstIp, int id, int seq, byte[] payload) {
        ByteBuffer m = ByteBuffer.allocate(8 + payload.length);
        m.put((byte) 8).put((byte) 0).putShort((short) 0).putShort((short) id).putShort((short) seq).put(payload);
        byte[] l4 = m.array();
        int sum = Checksum.compute(MemorySegment.ofArray(l4), 0, l4.length);
        l4[2] = (byte) (sum >>> 8);
        l4[3] = (byte) sum;
        return ipv4(dstMac, srcMac, srcIp, dstIp, 1, l4, 0);
    }

    /** The same frame with an 802.1Q tag (TPID 0x8100, priority 0) inserted after the MAC addresses. */
    static byte[] vlan(byte[] frame, int vid) {
        ByteBuffer b = ByteBuffer.allocate(frame.length + 4);
        b.put(frame, 0, 12).putShort((short) 0x8100).putShort((short) (vid & 0x0FFF)).put(frame, 12, frame.length - 12);
        return b.array();
    }

    /** A frame of {@code len} bytes with the given EtherType and a counter pattern (for queue tests). */
    static byte[] raw(int len, int type, int seq) {
        ByteBuffer b = eth(len, 0x0200_0000_0001L, 0x0200_0000_0002L, type);
        while (b.remaining() >= 4) b.putInt(seq);
        return b.array();
    }
}
