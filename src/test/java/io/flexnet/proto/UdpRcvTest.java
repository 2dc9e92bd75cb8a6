package io.flexnet.proto;

import static io.flexnet.fixture.Hosts.PEER;
import static io.flexnet.fixture.Hosts.SUBNET_BROADCAST;
import static io.flexnet.fixture.Hosts.US;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.fixture.Frame;
import io.flexnet.packet.Bytes;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.EthernetHeader;
import io.flexnet.packet.Frames;
import io.flexnet.packet.Hex;
import io.flexnet.packet.IcmpHeader;
import io.flexnet.packet.Ip4;
import io.flexnet.packet.Ipv4Header;
import io.flexnet.packet.MacAddress;
import io.flexnet.packet.Packet;
import io.flexnet.packet.UdpHeader;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** udp_rcv: lengths, checksums, delivery by port, port unreachable. */
class UdpRcvTest {

    @Test
    void deliversToBoundPortWithPayloadSet() {
        try (Harness h = new Harness()) {
            Probe probe = new Probe(3);
            h.stack.ports().bind(2000, probe);
            h.receive(Frame.udp().from(PEER).to(US).ports(1000, 2000).payload(Frame.bytes(64)).build());
            assertEquals(1, probe.got.size());
            Packet p = probe.got.get(0);
            assertEquals(3, p.owner);
            assertEquals(1000, p.srcPort);
            assertEquals(2000, p.dstPort);
            assertEquals(64, p.payloadLength);
            assertEquals(p.l4Offset + 8, p.payloadOffset);
            assertEquals(Hex.of(Frame.bytes(64)), Hex.of(p.segment().asSlice(p.payloadOffset, 64)
                    .toArray(ValueLayout.JAVA_BYTE)));
            assertEquals(1, h.stack.socketRcv().counters().get("delivered"));
            probe.releaseAll();
        }
    }

    @Test
    void deliversRealDnsQueryToPort53() {
        NetConfig cfg = NetConfig.parse("00:22:19:b6:7e:22", "95.211.92.14/24", null, 1500);
        try (Harness h = new Harness(cfg, 8)) {
            Probe dns = new Probe(53);
            h.stack.ports().bind(53, dns);
            h.receive(Hex.bytes(Frames.DNS));
            Packet p = dns.got.get(0);
            assertEquals(Ip4.parse("109.194.160.4"), p.srcIp);
            assertEquals(57766, p.srcPort);
            assertEquals(40, p.payloadLength);
            assertEquals(0xF618, Bytes.u16(p.segment(), p.payloadOffset));
            dns.releaseAll();
        }
    }

    @Test
    void dropsBadUdpLength() {
        for (int len : new int[] {7, 8 + 16 + 1, 0xFFFF}) {
            try (Harness h = new Harness()) {
                h.stack.ports().bind(2000, new Probe(1));
                byte[] f = Frame.udp().from(PEER).to(US).ports(1000, 2000).payload(Frame.bytes(16)).build();
                MemorySegment s = MemorySegment.ofArray(f);
                UdpHeader.length(s, 34, len);
                h.receive(f);
                assertEquals(1, h.stack.udpRcv().drops().get(DropReason.BAD_UDP_LENGTH), "length " + len);
            }
        }
    }

    @Test
    void ignoresBytesBeyondTheUdpLength() {
        try (Harness h = new Harness()) {
            Probe probe = new Probe(1);
            h.stack.ports().bind(2000, probe);
            byte[] f = Frame.udp().from(PEER).to(US).ports(1000, 2000).payload(Frame.bytes(16)).build();
            MemorySegment s = MemorySegment.ofArray(f);
            UdpHeader.length(s, 34, 8 + 10);
            UdpHeader.checksum(s, 34, 0);
            h.receive(f);
            assertEquals(10, probe.got.get(0).payloadLength);
            probe.releaseAll();
        }
    }

    @Test
    void dropsBadUdpChecksumButAcceptsNone() {
        try (Harness h = new Harness()) {
            Probe probe = new Probe(1);
            h.stack.ports().bind(2000, probe);
            byte[] f = Frame.udp().from(PEER).to(US).ports(1000, 2000).payload(Frame.bytes(16)).build();
            f[50] ^= 0x40;
            h.receive(f);
            assertEquals(1, h.stack.udpRcv().drops().get(DropReason.BAD_UDP_CHECKSUM));
            UdpHeader.checksum(MemorySegment.ofArray(f), 34, 0);
            h.receive(f);
            assertEquals(1, probe.got.size());
            probe.releaseAll();
        }
    }

    @Test
    void sendsPortUnreachableForClosedPort() {
        try (Harness h = new Harness()) {
            h.stack.arp().learn(PEER.ip(), PEER.mac());
            byte[] f = Frame.udp().from(PEER).to(US).ports(1000, 2001).payload(Frame.bytes(32)).build();
            h.receive(f);
            assertEquals(1, h.stack.udpRcv().drops().get(DropReason.NO_SOCKET));
            Packet e = h.takeSent();
            MemorySegment s = e.segment();
            assertEquals(PEER.mac(), EthernetHeader.dst(s, e.offset));
            Ipv4Header ip = new Ipv4Header().wrap(s, e.offset + 14);
            assertEquals(US.ip(), ip.src());
            assertEquals(PEER.ip(), ip.dst());
            assertEquals(Ipv4Header.PROTO_ICMP, ip.protocol());
            assertEquals(20 + 8 + 28, ip.totalLength());
            assertTrue(ip.checksumOk());
            IcmpHeader icmp = new IcmpHeader().wrap(s, e.offset + 34);
            assertEquals(IcmpHeader.TYPE_DEST_UNREACHABLE, icmp.type());
            assertEquals(IcmpHeader.CODE_PORT_UNREACHABLE, icmp.code());
            assertTrue(icmp.checksumOk(36));
            byte[] quoted = s.asSlice(icmp.originalOffset(), 28).toArray(ValueLayout.JAVA_BYTE);
            assertEquals(Hex.of(java.util.Arrays.copyOfRange(f, 14, 42)), Hex.of(quoted),
                    "quotes the original IP header and first 8 bytes");
            assertEquals(e.pool().headroom(), e.offset, "the error frame starts at the headroom");
            e.release();
        }
    }

    @Test
    void sendsNoErrorForBroadcastDatagrams() {
        try (Harness h = new Harness()) {
            byte[] f = Frame.udp().from(PEER).to(US).ipDst(SUBNET_BROADCAST).ports(1000, 2001).payload(Frame.bytes(8))
                    .build();
            EthernetHeader.dst(MemorySegment.ofArray(f), 0, MacAddress.BROADCAST);
            h.receive(f);
            assertEquals(1, h.stack.udpRcv().drops().get(DropReason.NO_SOCKET));
            assertTrue(h.sent.isEmpty());
        }
    }

    @Test
    void dropsTcpBecauseThereIsNoTcpLayerYet() {
        NetConfig cfg = NetConfig.parse("bc:30:5b:e8:d3:49", "172.17.81.73/24", null, 1500);
        try (Harness h = new Harness(cfg, 8)) {
            h.receive(Hex.bytes(Frames.TCP_RST_PADDED));
            assertEquals(1, h.stack.l4Rcv().drops().get(DropReason.UNKNOWN_PROTOCOL), "l4_rcv has no transport for it");
        }
    }
}
