package io.flexnet.proto;

import static io.flexnet.fixture.Hosts.GATEWAY;
import static io.flexnet.fixture.Hosts.PEER;
import static io.flexnet.fixture.Hosts.REMOTE;
import static io.flexnet.fixture.Hosts.SUBNET_BROADCAST;
import static io.flexnet.fixture.Hosts.US;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.fixture.Frame;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.EthernetHeader;
import io.flexnet.packet.Hex;
import io.flexnet.packet.Ip4;
import io.flexnet.packet.Ipv4Header;
import io.flexnet.packet.MacAddress;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.packet.UdpHeader;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** The send layers: headers, routing, next-hop resolution, refusals. */
class SendPathTest {

    private static Packet datagram(Harness h, int dstIp, byte[] payload) {
        Packet p = SocketSend.allocate(h.pool, payload, 0, payload.length);
        p.dstIp = dstIp;
        p.dstPort = 9000;
        p.srcPort = 4000;
        return p;
    }

    @Test
    void sendsUdpDatagramWithCorrectHeaders() {
        try (Harness h = new Harness()) {
            h.stack.arp().learn(PEER.ip(), PEER.mac());
            byte[] payload = Frame.bytes(64);
            h.stack.send(datagram(h, PEER.ip(), payload));
            Packet f = h.takeSent();
            MemorySegment s = f.segment();
            assertEquals(h.pool.headroom(), f.offset, "headers prepended exactly into the reserved 42 bytes");
            assertEquals(14 + 20 + 8 + 64, f.length);
            assertEquals(PEER.mac(), EthernetHeader.dst(s, f.offset));
            assertEquals(US.mac(), EthernetHeader.src(s, f.offset));
            assertEquals(EthernetHeader.TYPE_IPV4, EthernetHeader.type(s, f.offset));
            Ipv4Header ip = new Ipv4Header().wrap(s, f.offset + 14);
            assertEquals(4, ip.version());
            assertEquals(5, ip.ihl());
            assertEquals(92, ip.totalLength());
            assertEquals(IpSend.TTL, ip.ttl());
            assertEquals(0, ip.flagsFragment(), "DF off, not a fragment");
            assertEquals(Ipv4Header.PROTO_UDP, ip.protocol());
            assertEquals(US.ip(), ip.src());
            assertEquals(PEER.ip(), ip.dst());
            assertTrue(ip.checksumOk());
            UdpHeader udp = new UdpHeader().wrap(s, f.offset + 34);
            assertEquals(4000, udp.srcPort());
            assertEquals(9000, udp.dstPort());
            assertEquals(72, udp.length());
            assertTrue(udp.checksum() != 0);
            assertTrue(udp.checksumOk(US.ip(), PEER.ip()));
            assertEquals(Hex.of(payload), Hex.of(s.asSlice(f.offset + 42, 64).toArray(ValueLayout.JAVA_BYTE)));
            f.release();
        }
    }

    @Test
    void whatOneStackSendsTheOtherReceives() {
        // Two stacks wired back to back: A's frames go to B and B's to A, ARP included.
        NetConfig a = new NetConfig(PEER.mac(), PEER.ip(), 24, 0, 1500);
        try (Harness ha = new Harness(a, 32); Harness hb = new Harness()) {
            Probe server = new Probe(9);
            hb.stack.ports().bind(9000, server);
            ha.stack.send(datagram(ha, US.ip(), "hello".getBytes()));
            for (int round = 0; round < 4; round++) {
                for (byte[] f : ha.drainSent()) hb.receive(f);
                for (byte[] f : hb.drainSent()) ha.receive(f);
            }
            assertEquals(1, server.got.size());
            Packet p = server.got.get(0);
            assertEquals(PEER.ip(), p.srcIp);
            assertEquals(4000, p.srcPort);
            assertEquals("hello", new String(p.segment().asSlice(p.payloadOffset, p.payloadLength).toArray(ValueLayout.JAVA_BYTE)));
            server.releaseAll();
        }
    }

    @Test
    void routesOffLinkDestinationsViaTheGateway() {
        try (Harness h = new Harness()) {
            h.stack.arp().learn(GATEWAY.ip(), GATEWAY.mac());
            h.stack.send(datagram(h, REMOTE.ip(), Frame.bytes(8)));
            Packet f = h.takeSent();
            assertEquals(GATEWAY.mac(), EthernetHeader.dst(f.segment(), f.offset));
            assertEquals(REMOTE.ip(), Ipv4Header.dst(f.segment(), f.offset + 14));
            assertEquals(GATEWAY.ip(), f.nextHop);
            f.release();
        }
    }

    @Test
    void dropsNoRouteWithoutGateway() {
        try (Harness h = new Harness(new NetConfig(US.mac(), US.ip(), 24, 0, 1500), 16)) {
            h.stack.send(datagram(h, REMOTE.ip(), Frame.bytes(8)));
            h.stack.send(datagram(h, US.ip(), Frame.bytes(8)));  // no loopback either
            assertEquals(2, h.stack.ipSend().drops().get(DropReason.NO_ROUTE));
            assertTrue(h.sent.isEmpty());
        }
    }

    @Test
    void dropsPayloadTooLongForTheMtu() {
        try (Harness h = new Harness()) {
            h.stack.arp().learn(PEER.ip(), PEER.mac());
            h.stack.send(datagram(h, PEER.ip(), Frame.bytes(1472)));
            h.takeSent().release();
            h.stack.send(datagram(h, PEER.ip(), Frame.bytes(1473)));
            assertEquals(1, h.stack.socketSend().drops().get(DropReason.TOO_LONG));
            assertEquals(1472, h.stack.socketSend().maxPayload());
        }
    }

    @Test
    void refusesUnsendableDatagrams() {
        try (Harness h = new Harness()) {
            Packet noPort = datagram(h, PEER.ip(), Frame.bytes(8));
            noPort.dstPort = 0;
            h.stack.send(noPort);
            Packet spoofed = datagram(h, PEER.ip(), Frame.bytes(8));
            spoofed.srcIp = Ip4.parse("198.18.0.9");
            h.stack.send(spoofed);
            Packet outside = datagram(h, PEER.ip(), Frame.bytes(8));
            outside.payloadOffset = h.pool.slotSize() - 4;
            h.stack.send(outside);
            assertEquals(3, h.stack.socketSend().drops().get(DropReason.BAD_SEND));
        }
    }

    @Test
    void mapsBroadcastAndMulticastWithoutArp() {
        try (Harness h = new Harness()) {
            h.stack.send(datagram(h, SUBNET_BROADCAST, Frame.bytes(8)));
            h.stack.send(datagram(h, Ip4.parse("239.1.2.3"), Frame.bytes(8)));
            Packet b = h.takeSent();
            assertEquals(MacAddress.BROADCAST, EthernetHeader.dst(b.segment(), b.offset));
            Packet m = h.takeSent();
            assertEquals(MacAddress.parse("01:00:5e:01:02:03"), EthernetHeader.dst(m.segment(), m.offset));
            b.release();
            m.release();
            assertEquals(0, h.stack.arp().pending());
        }
    }

    @Test
    void givesEachDatagramItsOwnIdentification() {
        try (Harness h = new Harness()) {
            h.stack.arp().learn(PEER.ip(), PEER.mac());
            h.stack.send(datagram(h, PEER.ip(), Frame.bytes(8)));
            h.stack.send(datagram(h, PEER.ip(), Frame.bytes(8)));
            Packet a = h.takeSent(), b = h.takeSent();
            int ida = Ipv4Header.identification(a.segment(), a.offset + 14);
            int idb = Ipv4Header.identification(b.segment(), b.offset + 14);
            assertEquals((ida + 1) & 0xFFFF, idb);
            a.release();
            b.release();
        }
    }

    @Test
    void allocateCopiesThePayloadBehindRoomForAllHeaders() {
        try (PacketPool pool = new PacketPool(2)) {
            Packet p = SocketSend.allocate(pool, MemorySegment.ofArray(new byte[] {9, 8, 7}));
            assertEquals(pool.headroom() + 42, p.payloadOffset);
            assertEquals(p.payloadOffset, p.offset);
            assertEquals(3, p.payloadLength);
            assertEquals(8, p.segment().get(ValueLayout.JAVA_BYTE, p.payloadOffset + 1));
            Packet q = SocketSend.allocate(pool, new byte[10], 0, 10);
            assertNull(SocketSend.allocate(pool, new byte[10], 0, 10), "pool empty");
            assertThrows(IllegalArgumentException.class, () -> SocketSend.allocate(pool, new byte[4000], 0, 4000));
            p.release();
            q.release();
        }
    }
}
