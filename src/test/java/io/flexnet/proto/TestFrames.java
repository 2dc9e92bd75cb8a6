package io.flexnet.proto;

import io.flexnet.fixture.Frame;
import io.flexnet.fixture.Hosts;
import java.util.Arrays;

/**
 * Shorthand for the proto tests that compose frames layer by layer (an IP datagram inside an Ethernet
 * frame, a UDP segment inside a datagram): each helper asks the fixture's one builder ({@link Frame})
 * for the layer and keeps that layer's bytes, so no byte is laid out here and the hosts are
 * {@link Hosts}'. New tests should use {@link Frame} directly.
 */
final class TestFrames {
    static final long OUR_MAC = Hosts.US.mac(), PEER_MAC = Hosts.PEER.mac(), GATEWAY_MAC = Hosts.GATEWAY.mac();
    static final int OUR_IP = Hosts.US.ip(), PEER_IP = Hosts.PEER.ip(), GATEWAY_IP = Hosts.GATEWAY.ip();
    static final int REMOTE_IP = Hosts.REMOTE.ip(), SUBNET_BROADCAST = Hosts.SUBNET_BROADCAST;
    private static final int ETH = 14, IP = 20;

    private TestFrames() {}

    static NetConfig config() { return Hosts.config(); }

    static byte[] ethernet(long dst, long src, int type, byte[] payload) {
        return Frame.ethernet(type).ethDst(dst).ethSrc(src).payload(payload).build();
    }

    /** An IPv4 datagram (no Ethernet header): TTL 64, DF set, id 0x1234, checksum filled. */
    static byte[] ipv4(int src, int dst, int protocol, byte[] payload) {
        return strip(Frame.ipv4(protocol).ipSrc(src).ipDst(dst).payload(payload).build(), ETH);
    }

    /** A UDP segment (no IP header), its checksum over the pseudo-header of {@code srcIp → dstIp}. */
    static byte[] udp(int srcIp, int dstIp, int sport, int dport, byte[] payload) {
        return strip(Frame.udp().ipSrc(srcIp).ipDst(dstIp).ports(sport, dport).payload(payload).build(), ETH + IP);
    }

    /** An ICMP echo message (no IP header). */
    static byte[] icmpEcho(int type, int id, int seq, byte[] data) {
        return strip(Frame.icmp(type, 0).echo(id, seq).payload(data).build(), ETH + IP);
    }

    /** An ARP packet (no Ethernet header). */
    static byte[] arp(int op, long sha, int spa, long tha, int tpa) {
        return strip(Frame.arpRequest().arpOp(op).arpSenderMac(sha).ipSrc(spa).arpTargetMac(tha).ipDst(tpa).build(), ETH);
    }

    /** UDP from the peer to us. */
    static byte[] udpFrame(int sport, int dport, byte[] payload) {
        return Frame.udp().from(Hosts.PEER).to(Hosts.US).ports(sport, dport).payload(payload).build();
    }

    static byte[] udpFrame(int srcIp, int dstIp, int sport, int dport, byte[] payload) {
        return Frame.udp().from(Hosts.PEER).to(Hosts.US).ipSrc(srcIp).ipDst(dstIp).ports(sport, dport).payload(payload).build();
    }

    /** Echo request from the peer to us. */
    static byte[] pingFrame(int id, int seq, byte[] data) {
        return Frame.icmpEcho().from(Hosts.PEER).to(Hosts.US).echo(id, seq).payload(data).build();
    }

    /** Broadcast "who has {@code target}, tell the peer". */
    static byte[] arpRequest(int target) {
        return Frame.arpRequest().from(Hosts.PEER).to(Hosts.US).ipDst(target).build();
    }

    /** "{@code ip} is at {@code mac}", addressed to us. */
    static byte[] arpReply(long mac, int ip) {
        return Frame.arpReply().from(Hosts.PEER).to(Hosts.US).ethSrc(mac).arpSenderMac(mac).ipSrc(ip).build();
    }

    static byte[] tagged(byte[] frame, int vlan) { return Frame.tagged(frame, vlan); }

    static byte[] bytes(int n) { return Frame.bytes(n); }

    /** Recomputes the IPv4 header checksum of an untagged frame after a test edited the header. */
    static void fixIpChecksum(byte[] frame) {
        int ihl = (frame[ETH] & 0xF) * 4;
        frame[ETH + 10] = 0;
        frame[ETH + 11] = 0;
        int c = Frame.checksum(frame, ETH, ihl, 0);
        frame[ETH + 10] = (byte) (c >>> 8);
        frame[ETH + 11] = (byte) c;
    }

    private static byte[] strip(byte[] frame, int from) { return Arrays.copyOfRange(frame, from, frame.length); }
}
