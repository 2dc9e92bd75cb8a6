// Hand-built and hand-parsed Ethernet frames (ARP, IPv4 ICMP echo) for tests that talk to the kernel.
package io.flexnet.nic;

import io.flexnet.packet.Bytes;
import io.flexnet.packet.Checksum;
import io.flexnet.packet.Packet;
import java.lang.foreign.MemorySegment;

/**
 * Written from the wire formats (Ethernet II; ARP, RFC 826; IPv4, RFC 791; ICMP echo, RFC 792; UDP,
 * RFC 768) rather
 * than with the stack's own header views, so a test that uses these checks the stack and the driver
 * against the kernel, not against themselves.
 */
public final class TapFrames {
    public static final long BROADCAST = 0xFFFF_FFFF_FFFFL;
    public static final int ETHERTYPE_IPV4 = 0x0800;
    public static final int ETHERTYPE_ARP = 0x0806;
    public static final int ETH_HEADER = 14;
    public static final int ARP_REQUEST = 1, ARP_REPLY = 2;
    public static final int IP_PROTO_ICMP = 1, IP_PROTO_UDP = 17;
    public static final int ICMP_ECHO_REPLY = 0, ICMP_ECHO_REQUEST = 8;

    private TapFrames() {}

    /** "02:00:00:00:00:01" as 48 bits. */
    public static long mac(String text) {
        String hex = text.replace(":", "");
        if (hex.length() != 12) throw new IllegalArgumentException("not a MAC: " + text);
        return Long.parseLong(hex, 16);
    }

    public static String macText(long mac) {
        StringBuilder sb = new StringBuilder();
        for (int i = 5; i >= 0; i--) {
            sb.append(String.format("%02x", (mac >>> (8 * i)) & 0xFF));
            if (i > 0) sb.append(':');
        }
        return sb.toString();
    }

    /** "198.18.0.1" in host order. */
    public static int ip(String dotted) {
        String[] p = dotted.split("\\.");
        if (p.length != 4) throw new IllegalArgumentException("not an IPv4 address: " + dotted);
        int v = 0;
        for (String s : p) v = (v << 8) | Integer.parseInt(s);
        return v;
    }

    public static String ipText(int ip) {
        return (ip >>> 24) + "." + ((ip >>> 16) & 0xFF) + "." + ((ip >>> 8) & 0xFF) + "." + (ip & 0xFF);
    }

    /** An Ethernet II frame carrying an ARP packet for IPv4 over Ethernet (RFC 826), 42 bytes. */
    public static byte[] arp(long ethDst, int oper, long senderMac, int senderIp, long targetMac, int targetIp) {
        byte[] f = new byte[ETH_HEADER + 28];
        MemorySegment s = MemorySegment.ofArray(f);
        ethernet(s, ethDst, senderMac, ETHERTYPE_ARP);
        int a = ETH_HEADER;
        Bytes.u16(s, a, 1);                 // hardware type: Ethernet
        Bytes.u16(s, a + 2, ETHERTYPE_IPV4); // protocol type: IPv4
        Bytes.u8(s, a + 4, 6);              // hardware address length
        Bytes.u8(s, a + 5, 4);              // protocol address length
        Bytes.u16(s, a + 6, oper);
        Bytes.u48(s, a + 8, senderMac);
        Bytes.i32(s, a + 14, senderIp);
        Bytes.u48(s, a + 18, targetMac);
        Bytes.i32(s, a + 24, targetIp);
        return f;
    }

    /** An ICMP echo request in IPv4 in Ethernet, both checksums right. */
    public static byte[] echoRequest(long srcMac, long dstMac, int srcIp, int dstIp, int id, int seq,
                                     byte[] payload) {
        int icmpLen = 8 + payload.length;
        byte[] f = ipv4(srcMac, dstMac, srcIp, dstIp, IP_PROTO_ICMP, seq, icmpLen);
        MemorySegment s = MemorySegment.ofArray(f);
        int icmp = ETH_HEADER + 20;
        Bytes.u8(s, icmp, ICMP_ECHO_REQUEST);
        Bytes.u16(s, icmp + 4, id);
        Bytes.u16(s, icmp + 6, seq);
        System.arraycopy(payload, 0, f, icmp + 8, payload.length);
        Bytes.u16(s, icmp + 2, Checksum.compute(s, icmp, icmpLen));
        return f;
    }

    /** A UDP datagram in IPv4 in Ethernet, with the pseudo-header checksum (RFC 768) filled in. */
    public static byte[] udp(long srcMac, long dstMac, int srcIp, int dstIp, int srcPort, int dstPort,
                             byte[] payload) {
        int udpLen = 8 + payload.length;
        byte[] f = ipv4(srcMac, dstMac, srcIp, dstIp, IP_PROTO_UDP, 1, udpLen);
        MemorySegment s = MemorySegment.ofArray(f);
        int udp = ETH_HEADER + 20;
        Bytes.u16(s, udp, srcPort);
        Bytes.u16(s, udp + 2, dstPort);
        Bytes.u16(s, udp + 4, udpLen);
        System.arraycopy(payload, 0, f, udp + 8, payload.length);
        int sum = Checksum.transport(s, udp, udpLen, srcIp, dstIp, IP_PROTO_UDP);
        Bytes.u16(s, udp + 6, sum == 0 ? 0xFFFF : sum);  // 0 means "no checksum" in UDP: send its other form
        return f;
    }

    /** Ethernet and a 20-byte IPv4 header (checksum filled) in front of {@code l4Len} zero bytes. */
    private static byte[] ipv4(long srcMac, long dstMac, int srcIp, int dstIp, int protocol, int ident, int l4Len) {
        byte[] f = new byte[ETH_HEADER + 20 + l4Len];
        MemorySegment s = MemorySegment.ofArray(f);
        ethernet(s, dstMac, srcMac, ETHERTYPE_IPV4);
        int ip = ETH_HEADER;
        Bytes.u8(s, ip, 0x45);                 // version 4, header 5 words
        Bytes.u8(s, ip + 1, 0);                // DSCP/ECN
        Bytes.u16(s, ip + 2, 20 + l4Len);      // total length
        Bytes.u16(s, ip + 4, ident);           // identification
        Bytes.u16(s, ip + 6, 0x4000);          // don't fragment
        Bytes.u8(s, ip + 8, 64);               // TTL
        Bytes.u8(s, ip + 9, protocol);
        Bytes.i32(s, ip + 12, srcIp);
        Bytes.i32(s, ip + 16, dstIp);
        Bytes.u16(s, ip + 10, Checksum.compute(s, ip, 20));
        return f;
    }

    private static void ethernet(MemorySegment s, long dst, long src, int type) {
        Bytes.u48(s, 0, dst);
        Bytes.u48(s, 6, src);
        Bytes.u16(s, 12, type);
    }

    public static long ethDst(Packet p) { return Bytes.u48(p.segment(), p.offset); }
    public static long ethSrc(Packet p) { return Bytes.u48(p.segment(), p.offset + 6); }
    public static int ethType(Packet p) { return p.length < ETH_HEADER ? -1 : Bytes.u16(p.segment(), p.offset + 12); }

    /** The fields of an ARP frame for IPv4 over Ethernet, or null when {@code p} is not one. */
    public static Arp arp(Packet p) {
        if (ethType(p) != ETHERTYPE_ARP || p.length < ETH_HEADER + 28) return null;
        MemorySegment s = p.segment();
        int a = p.offset + ETH_HEADER;
        if (Bytes.u16(s, a) != 1 || Bytes.u16(s, a + 2) != ETHERTYPE_IPV4
                || Bytes.u8(s, a + 4) != 6 || Bytes.u8(s, a + 5) != 4) {
            return null;
        }
        return new Arp(ethDst(p), ethSrc(p), Bytes.u16(s, a + 6), Bytes.u48(s, a + 8), Bytes.i32(s, a + 14),
                Bytes.u48(s, a + 18), Bytes.i32(s, a + 24));
    }

    public record Arp(long ethDst, long ethSrc, int oper, long senderMac, int senderIp, long targetMac,
                      int targetIp) {}

    /** The fields of an ICMP echo (request or reply) in IPv4, or null when {@code p} is not one. */
    public static Echo echo(Packet p) {
        if (ethType(p) != ETHERTYPE_IPV4 || p.length < ETH_HEADER + 20 + 8) return null;
        MemorySegment s = p.segment();
        int ip = p.offset + ETH_HEADER;
        int ihl = (Bytes.u8(s, ip) & 0xF) * 4;
        int total = Bytes.u16(s, ip + 2);
        if (Bytes.u8(s, ip) >>> 4 != 4 || Bytes.u8(s, ip + 9) != IP_PROTO_ICMP || total > p.length - ETH_HEADER) {
            return null;
        }
        int icmp = ip + ihl;
        int type = Bytes.u8(s, icmp);
        if (type != ICMP_ECHO_REPLY && type != ICMP_ECHO_REQUEST) return null;
        byte[] payload = s.asSlice(icmp + 8, total - ihl - 8).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        return new Echo(ethDst(p), ethSrc(p), Bytes.i32(s, ip + 12), Bytes.i32(s, ip + 16), type,
                Bytes.u16(s, icmp + 4), Bytes.u16(s, icmp + 6), payload,
                Checksum.compute(s, ip, ihl) == 0, Checksum.compute(s, icmp, total - ihl) == 0);
    }

    /** {@code ipChecksumOk}/{@code icmpChecksumOk}: the one's-complement sum over the header checks out. */
    public record Echo(long ethDst, long ethSrc, int srcIp, int dstIp, int type, int id, int seq, byte[] payload,
                       boolean ipChecksumOk, boolean icmpChecksumOk) {}

    /** The fields of a UDP datagram in IPv4, or null when {@code p} is not one. */
    public static Udp udp(Packet p) {
        if (ethType(p) != ETHERTYPE_IPV4 || p.length < ETH_HEADER + 20 + 8) return null;
        MemorySegment s = p.segment();
        int ip = p.offset + ETH_HEADER;
        int ihl = (Bytes.u8(s, ip) & 0xF) * 4;
        int total = Bytes.u16(s, ip + 2);
        if (Bytes.u8(s, ip) >>> 4 != 4 || Bytes.u8(s, ip + 9) != IP_PROTO_UDP || total > p.length - ETH_HEADER) {
            return null;
        }
        int udp = ip + ihl;
        int udpLen = Bytes.u16(s, udp + 4);
        if (udpLen < 8 || udpLen > total - ihl) return null;
        int srcIp = Bytes.i32(s, ip + 12), dstIp = Bytes.i32(s, ip + 16);
        boolean sumOk = Bytes.u16(s, udp + 6) == 0  // sender chose no checksum
                || Checksum.transport(s, udp, udpLen, srcIp, dstIp, IP_PROTO_UDP) == 0;
        byte[] payload = s.asSlice(udp + 8, udpLen - 8).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        return new Udp(ethDst(p), ethSrc(p), srcIp, dstIp, Bytes.u16(s, udp), Bytes.u16(s, udp + 2), payload,
                Checksum.compute(s, ip, ihl) == 0, sumOk);
    }

    public record Udp(long ethDst, long ethSrc, int srcIp, int dstIp, int srcPort, int dstPort, byte[] payload,
                      boolean ipChecksumOk, boolean udpChecksumOk) {}

    /** One line naming a frame, for failure messages. */
    public static String describe(Packet p) {
        return String.format("%d bytes %s > %s type 0x%04x", p.length, macText(ethSrc(p)), macText(ethDst(p)),
                ethType(p));
    }
}
