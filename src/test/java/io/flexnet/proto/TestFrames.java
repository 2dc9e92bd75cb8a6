package io.flexnet.proto;

import io.flexnet.packet.ArpHeader;
import io.flexnet.packet.EthernetHeader;
import io.flexnet.packet.IcmpHeader;
import io.flexnet.packet.Ip4;
import io.flexnet.packet.Ipv4Header;
import io.flexnet.packet.MacAddress;
import io.flexnet.packet.UdpHeader;
import java.lang.foreign.MemorySegment;

/**
 * Test-only frame builder on the header views. The views themselves are checked against captured
 * and tshark-decoded frames in the packet tests, so frames built here are trustworthy.
 */
final class TestFrames {
    static final long OUR_MAC = MacAddress.parse("02:00:00:00:00:02");
    static final long PEER_MAC = MacAddress.parse("02:00:00:00:00:01");
    static final long GATEWAY_MAC = MacAddress.parse("02:00:00:00:00:fe");
    static final int OUR_IP = Ip4.parse("198.18.0.2");
    static final int PEER_IP = Ip4.parse("198.18.0.1");
    static final int GATEWAY_IP = Ip4.parse("198.18.0.254");
    static final int REMOTE_IP = Ip4.parse("203.0.113.9");
    static final int SUBNET_BROADCAST = Ip4.parse("198.18.0.255");

    private TestFrames() {}

    static NetConfig config() { return new NetConfig(OUR_MAC, OUR_IP, 24, GATEWAY_IP, 1500); }

    static byte[] ethernet(long dst, long src, int type, byte[] payload) {
        byte[] f = new byte[EthernetHeader.HEADER_LENGTH + payload.length];
        EthernetHeader.write(MemorySegment.ofArray(f), 0, dst, src, type);
        System.arraycopy(payload, 0, f, EthernetHeader.HEADER_LENGTH, payload.length);
        return f;
    }

    /** IPv4 without options: TTL 64, DF set, id 0x1234, checksum filled. */
    static byte[] ipv4(int src, int dst, int protocol, byte[] payload) {
        byte[] d = new byte[20 + payload.length];
        Ipv4Header.write(MemorySegment.ofArray(d), 0, 0, d.length, 0x1234, Ipv4Header.FLAG_DF, 64, protocol, src, dst);
        System.arraycopy(payload, 0, d, 20, payload.length);
        return d;
    }

    static byte[] udp(int srcIp, int dstIp, int sport, int dport, byte[] payload) {
        byte[] u = new byte[8 + payload.length];
        MemorySegment s = MemorySegment.ofArray(u);
        System.arraycopy(payload, 0, u, 8, payload.length);
        new UdpHeader().wrap(s, 0).srcPort(sport).dstPort(dport).length(u.length).fillChecksum(srcIp, dstIp);
        return u;
    }

    static byte[] icmpEcho(int type, int id, int seq, byte[] data) {
        byte[] m = new byte[8 + data.length];
        System.arraycopy(data, 0, m, 8, data.length);
        new IcmpHeader().wrap(MemorySegment.ofArray(m), 0).type(type).code(0).id(id).sequence(seq).fillChecksum(m.length);
        return m;
    }

    static byte[] arp(int op, long sha, int spa, long tha, int tpa) {
        byte[] a = new byte[ArpHeader.LENGTH];
        ArpHeader.write(MemorySegment.ofArray(a), 0, op, sha, spa, tha, tpa);
        return a;
    }

    /** UDP from the peer to us. */
    static byte[] udpFrame(int sport, int dport, byte[] payload) {
        return udpFrame(PEER_IP, OUR_IP, sport, dport, payload);
    }

    static byte[] udpFrame(int srcIp, int dstIp, int sport, int dport, byte[] payload) {
        return ethernet(OUR_MAC, PEER_MAC, EthernetHeader.TYPE_IPV4,
                ipv4(srcIp, dstIp, Ipv4Header.PROTO_UDP, udp(srcIp, dstIp, sport, dport, payload)));
    }

    /** Echo request from the peer to us. */
    static byte[] pingFrame(int id, int seq, byte[] data) {
        return ethernet(OUR_MAC, PEER_MAC, EthernetHeader.TYPE_IPV4,
                ipv4(PEER_IP, OUR_IP, Ipv4Header.PROTO_ICMP, icmpEcho(IcmpHeader.TYPE_ECHO_REQUEST, id, seq, data)));
    }

    /** Broadcast "who has {@code target}, tell the peer". */
    static byte[] arpRequest(int target) {
        return ethernet(MacAddress.BROADCAST, PEER_MAC, EthernetHeader.TYPE_ARP,
                arp(ArpHeader.OP_REQUEST, PEER_MAC, PEER_IP, 0, target));
    }

    /** "{@code ip} is at {@code mac}", addressed to us. */
    static byte[] arpReply(long mac, int ip) {
        return ethernet(OUR_MAC, mac, EthernetHeader.TYPE_ARP, arp(ArpHeader.OP_REPLY, mac, ip, OUR_MAC, OUR_IP));
    }

    /** The same frame with an 802.1Q tag for {@code vlan} inserted after the addresses. */
    static byte[] tagged(byte[] frame, int vlan) {
        byte[] t = new byte[frame.length + 4];
        System.arraycopy(frame, 0, t, 0, 12);
        t[12] = (byte) 0x81;
        t[13] = 0x00;
        t[14] = (byte) (vlan >>> 8);
        t[15] = (byte) vlan;
        System.arraycopy(frame, 12, t, 16, frame.length - 12);
        return t;
    }

    static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 7 + 1);
        return b;
    }

    /** Recomputes the IPv4 header checksum of an untagged frame after a test edited the header. */
    static void fixIpChecksum(byte[] frame) {
        Ipv4Header.fillChecksum(MemorySegment.ofArray(frame), EthernetHeader.HEADER_LENGTH);
    }
}
