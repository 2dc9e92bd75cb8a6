package io.flexnet.proto;

import static io.flexnet.proto.TestFrames.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.packet.DropReason;
import io.flexnet.packet.EthernetHeader;
import io.flexnet.packet.IcmpHeader;
import io.flexnet.packet.Ipv4Header;
import io.flexnet.packet.MacAddress;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.packet.UdpHeader;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every layer at the edges of what it accepts: the first and last port, the empty and the largest
 * datagram, a header with nothing after it. The value at the edge is accepted; one past it is not.
 */
class LayerLimitsTest {

    // ---- ports

    @Test
    void theFirstAndLastPortsBindAndUnbind() {
        PortTable t = new PortTable();
        Probe a = new Probe(1);
        t.bind(1, a);
        t.bind(0xFFFF, a);
        assertSame(a, t.get(1));
        assertSame(a, t.get(0xFFFF));
        assertSame(a, t.unbind(1), "port 1 is a port");
        assertNull(t.get(1));
        assertSame(a, t.endpoint(1), "still bound to 65535");
        assertSame(a, t.unbind(0xFFFF), "so is 65535");
        assertNull(t.get(0xFFFF));
        assertNull(t.endpoint(1));
        assertNull(t.unbind(0));
        assertNull(t.unbind(0x10000));
    }

    @Test
    void endpointIdsRunFromZeroToTheMaximum() {
        PortTable t = new PortTable();
        Probe zero = new Probe(0), max = new Probe(PortTable.MAX_ENDPOINT_ID);
        t.bind(10, zero);
        t.bind(11, max);
        assertSame(zero, t.endpoint(0));
        assertSame(max, t.endpoint(PortTable.MAX_ENDPOINT_ID));
        assertNull(t.endpoint(PortTable.MAX_ENDPOINT_ID + 1));
        assertThrows(IllegalArgumentException.class, () -> t.bind(12, new Probe(-1)));
        assertThrows(IllegalArgumentException.class, () -> t.bind(12, new Probe(PortTable.MAX_ENDPOINT_ID + 1)));
        assertThrows(IllegalArgumentException.class, () -> t.bind(12, null));
        assertNull(t.get(12));
    }

    // ---- socket_send and udp_send

    @Test
    void anEmptyDatagramIsSent() {
        try (Harness h = new Harness()) {
            h.stack.arp().learn(PEER_IP, PEER_MAC);
            Packet p = SocketSend.allocate(h.pool, new byte[0], 0, 0);
            p.dstIp = PEER_IP;
            p.dstPort = 9000;
            p.srcPort = 4000;
            h.stack.send(p);
            byte[] f = single(h);
            assertEquals(14 + 20 + 8, f.length);
            assertEquals(8, UdpHeader.length(MemorySegment.ofArray(f), 34), "a header alone");
            assertEquals(1, h.stack.socketSend().counters().get("out"));
            assertEquals(1, h.stack.udpSend().counters().get("out"));
            assertEquals(1, h.stack.ipSend().counters().get("out"));
        }
    }

    @Test
    void port65535IsSendableFromAndTo() {
        try (Harness h = new Harness()) {
            h.stack.arp().learn(PEER_IP, PEER_MAC);
            Packet p = ArpTest.udpToPeer(h);
            p.srcPort = 0xFFFF;
            p.dstPort = 0xFFFF;
            h.stack.send(p);
            MemorySegment f = MemorySegment.ofArray(single(h));
            assertEquals(0xFFFF, UdpHeader.srcPort(f, 34));
            assertEquals(0xFFFF, UdpHeader.dstPort(f, 34));
            Packet q = ArpTest.udpToPeer(h);
            q.dstPort = 0x10000;
            h.stack.send(q);
            assertEquals(1, h.stack.socketSend().drops().get(DropReason.BAD_SEND));
        }
    }

    @Test
    void aPayloadOfExactlyTheMtuIsSentAndOneMoreIsTooLong() {
        try (Harness h = new Harness()) {
            h.stack.arp().learn(PEER_IP, PEER_MAC);
            int max = h.stack.socketSend().maxPayload();
            assertEquals(1500 - 28, max);
            h.stack.send(datagram(h, max));
            assertEquals(14 + 1500, single(h).length);
            h.stack.send(datagram(h, max + 1));
            assertEquals(1, h.stack.socketSend().drops().get(DropReason.TOO_LONG));
            assertTrue(h.sent.isEmpty());
        }
    }

    @Test
    void aPayloadEndingAtTheVeryEndOfItsSlotIsSent() {
        try (Harness h = new Harness()) {
            h.stack.arp().learn(PEER_IP, PEER_MAC);
            Packet p = h.pool.allocate();
            int len = 100;
            p.payloadOffset = h.pool.slotSize() - len;
            p.payloadLength = len;
            p.dstIp = PEER_IP;
            p.dstPort = 9000;
            p.srcPort = 4000;
            h.stack.send(p);
            assertEquals(14 + 28 + len, single(h).length);
            Packet q = h.pool.allocate();
            q.payloadOffset = h.pool.slotSize() - len + 1;
            q.payloadLength = len;
            q.dstIp = PEER_IP;
            q.dstPort = 9000;
            q.srcPort = 4000;
            h.stack.send(q);
            assertEquals(1, h.stack.socketSend().drops().get(DropReason.BAD_SEND), "one byte past the slot");
        }
    }

    @Test
    void aPayloadAtTheSlotStartPassesTheSocketButHasNoRoomForHeaders() {
        try (Harness h = new Harness()) {
            Packet p = h.pool.allocate();
            p.payloadOffset = 0;
            p.payloadLength = 4;
            p.dstIp = PEER_IP;
            p.dstPort = 9000;
            p.srcPort = 4000;
            h.stack.send(p);
            assertEquals(0, h.stack.socketSend().drops().total(), "a valid payload as far as the socket can tell");
            assertEquals(1, h.stack.udpSend().drops().get(DropReason.BAD_SEND));
        }
    }

    @Test
    void allocateTakesPayloadsUpToTheSlotsEnd() {
        try (PacketPool pool = new PacketPool(2)) {
            int room = pool.slotSize() - pool.headroom() - UdpSend.HEADROOM;
            Packet p = SocketSend.allocate(pool, new byte[room], 0, room);
            assertEquals(room, p.payloadLength);
            p.release();
            Packet e = SocketSend.allocate(pool, MemorySegment.ofArray(new byte[0]));
            assertEquals(0, e.payloadLength);
            e.release();
            IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                    () -> SocketSend.allocate(pool, new byte[room + 1], 0, room + 1));
            assertTrue(x.getMessage().contains("after " + (pool.headroom() + UdpSend.HEADROOM) + " bytes"), x.getMessage());
            assertThrows(IllegalArgumentException.class, () -> SocketSend.allocate(pool, MemorySegment.ofArray(new byte[room + 1])));
            assertEquals(2, pool.available());
        }
    }

    @Test
    void udpSendNeedsExactlyEightBytesInFrontAndCarriesAtMost65535() {
        UdpSend udp = new UdpSend(config());
        try (PacketPool pool = new PacketPool(2, 70_000, 128)) {
            Packet p = pool.allocate();
            p.offset = 8;
            p.length = 0;
            assertEquals(Layer.NEXT, udp.process(p, LayerContext.at(0)), "room for its own header is enough here");
            assertEquals(0, p.offset);
            assertEquals(8, p.length);
            assertEquals(Ipv4Header.PROTO_UDP, p.protocol);
            p.offset = 128;
            p.length = 0xFFFF - 8;
            assertEquals(Layer.NEXT, udp.process(p, LayerContext.at(0)));
            assertEquals(0xFFFF, UdpHeader.length(p.segment(), p.offset));
            p.offset = 128;
            p.length = 0xFFFF - 7;
            assertEquals(Layer.DONE, udp.process(p, LayerContext.at(0)));
            assertEquals(1, udp.drops().get(DropReason.TOO_LONG));
            Packet q = pool.allocate();
            q.offset = 7;
            assertEquals(Layer.DONE, udp.process(q, LayerContext.at(0)));
            assertEquals(1, udp.drops().get(DropReason.BAD_SEND));
            assertEquals(2, udp.counters().get("out"));
        }
    }

    // ---- the receive side

    @Test
    void anEmptyDatagramIsDeliveredWithItsLength() {
        try (Harness h = new Harness()) {
            Probe probe = new Probe(3);
            h.stack.ports().bind(2000, probe);
            h.receive(udpFrame(1000, 2000, new byte[0]));
            assertEquals(1, probe.got.size());
            Packet p = probe.got.getFirst();
            assertEquals(0, p.payloadLength);
            assertEquals(14 + 20 + 8, p.length, "the frame up to the datagram's end");
            assertEquals(1, h.stack.udpRcv().counters().get("out"));
            assertEquals(1, h.stack.ipRcv().counters().get("out"));
            probe.releaseAll();
        }
    }

    @Test
    void bytesAfterAShortUdpLengthAreNeitherSummedNorDelivered() {
        try (Harness h = new Harness()) {
            Probe probe = new Probe(3);
            h.stack.ports().bind(2000, probe);
            // A 4-byte datagram in an IP payload of 12 + 8: RFC 768 ignores what follows the UDP length.
            byte[] udp = udp(PEER_IP, OUR_IP, 1000, 2000, new byte[] {1, 2, 3, 4});
            byte[] padded = java.util.Arrays.copyOf(udp, udp.length + 8);
            for (int i = udp.length; i < padded.length; i++) padded[i] = (byte) 0xA5;
            h.receive(ethernet(OUR_MAC, PEER_MAC, EthernetHeader.TYPE_IPV4, ipv4(PEER_IP, OUR_IP, Ipv4Header.PROTO_UDP, padded)));
            assertEquals(1, probe.got.size(), "the checksum covers the UDP length only");
            Packet p = probe.got.getFirst();
            assertEquals(4, p.payloadLength);
            assertEquals(14 + 20 + 12, p.length);
            probe.releaseAll();
        }
    }

    @Test
    void aUdpHeaderCutShortIsABadLength() {
        try (Harness h = new Harness()) {
            byte[] f = udpFrame(1000, 2000, new byte[0]);
            byte[] cut = java.util.Arrays.copyOf(f, f.length - 1);
            Ipv4Header.totalLength(MemorySegment.ofArray(cut), 14, 27);
            fixIpChecksum(cut);
            h.receive(cut);
            assertEquals(1, h.stack.udpRcv().drops().get(DropReason.BAD_UDP_LENGTH));
        }
    }

    @Test
    void aBroadcastDatagramThatExactlyFillsItsFrameIsAccepted() {
        try (Harness h = new Harness()) {
            Probe probe = new Probe(3);
            h.stack.ports().bind(2000, probe);
            byte[] f = ethernet(MacAddress.BROADCAST, PEER_MAC, EthernetHeader.TYPE_IPV4,
                    ipv4(PEER_IP, SUBNET_BROADCAST, Ipv4Header.PROTO_UDP, udp(PEER_IP, SUBNET_BROADCAST, 1000, 2000, bytes(30))));
            h.receive(f);
            assertEquals(1, probe.got.size(), "a broadcast takes the careful path, and passes it");
            probe.releaseAll();
        }
    }

    @Test
    void anIpv4HeaderWithNothingAfterItIsAWholeDatagramToIp() {
        try (Harness h = new Harness()) {
            byte[] f = ethernet(OUR_MAC, PEER_MAC, EthernetHeader.TYPE_IPV4, ipv4(PEER_IP, OUR_IP, Ipv4Header.PROTO_UDP, new byte[0]));
            h.receive(f);
            assertEquals(0, h.stack.ipRcv().drops().total(), "twenty bytes are a header");
            assertEquals(1, h.stack.udpRcv().drops().get(DropReason.BAD_UDP_LENGTH), "but no UDP datagram");
            byte[] bcast = ethernet(MacAddress.BROADCAST, PEER_MAC, EthernetHeader.TYPE_IPV4,
                    ipv4(PEER_IP, SUBNET_BROADCAST, Ipv4Header.PROTO_UDP, new byte[0]));
            h.receive(bcast);
            assertEquals(0, h.stack.ipRcv().drops().total(), "on the careful path too");
            assertEquals(2, h.stack.udpRcv().drops().get(DropReason.BAD_UDP_LENGTH));
            h.receive(java.util.Arrays.copyOf(f, 14 + 19));
            assertEquals(1, h.stack.ipRcv().drops().get(DropReason.TRUNCATED));
        }
    }

    @Test
    void anEthernetHeaderAloneIsNotTruncatedButATagCutShortIs() {
        try (Harness h = new Harness()) {
            byte[] bare = ethernet(OUR_MAC, PEER_MAC, 0x88B5, new byte[0]);  // IEEE local experimental
            h.receive(bare);
            assertEquals(1, h.stack.ethRcv().drops().get(DropReason.UNKNOWN_ETHERTYPE));
            h.receive(java.util.Arrays.copyOf(bare, 13));
            assertEquals(1, h.stack.ethRcv().drops().get(DropReason.TRUNCATED));
            byte[] tag = tagged(bare, 5);
            h.receive(tag.clone());
            assertEquals(2, h.stack.ethRcv().drops().get(DropReason.UNKNOWN_ETHERTYPE), "a whole tag is read");
            h.receive(java.util.Arrays.copyOf(tag, 17));
            assertEquals(2, h.stack.ethRcv().drops().get(DropReason.TRUNCATED));
        }
    }

    // ---- ICMP

    @Test
    void anEchoRequestOfHeaderAloneIsAnswered() {
        try (Harness h = new Harness()) {
            h.stack.arp().learn(PEER_IP, PEER_MAC);
            h.receive(pingFrame(7, 1, new byte[0]));
            MemorySegment r = MemorySegment.ofArray(single(h));
            assertEquals(IcmpHeader.TYPE_ECHO_REPLY, IcmpHeader.type(r, 34));
            assertTrue(IcmpHeader.checksumOk(r, 34, 8));
            byte[] cut = pingFrame(7, 1, new byte[0]);
            cut = java.util.Arrays.copyOf(cut, cut.length - 1);
            Ipv4Header.totalLength(MemorySegment.ofArray(cut), 14, 27);
            fixIpChecksum(cut);
            h.receive(cut);
            assertEquals(1, h.stack.icmp().drops().get(DropReason.BAD_ICMP));
        }
    }

    @Test
    void portUnreachableQuotesTheHeaderAndEightBytesWithTheUnusedWordZero() {
        try (Harness h = new Harness()) {
            dirtyEverySlot(h.pool);  // the error's slot must not carry a previous frame's bytes
            h.stack.arp().learn(PEER_IP, PEER_MAC);
            byte[] f = udpFrame(1000, 2000, bytes(40));
            h.receive(f);
            byte[] e = single(h);
            MemorySegment s = MemorySegment.ofArray(e);
            assertEquals(14 + 20 + 8 + 28, e.length, "IP header and eight bytes of the original, no more");
            assertEquals(IcmpHeader.TYPE_DEST_UNREACHABLE, IcmpHeader.type(s, 34));
            assertEquals(IcmpHeader.CODE_PORT_UNREACHABLE, IcmpHeader.code(s, 34));
            assertEquals(0, IcmpHeader.unused(s, 34));
            assertEquals(io.flexnet.packet.Hex.of(java.util.Arrays.copyOfRange(f, 14, 42)),
                    io.flexnet.packet.Hex.of(java.util.Arrays.copyOfRange(e, 42, 70)));
            assertTrue(IcmpHeader.checksumOk(s, 34, 36));
            assertEquals(1, h.stack.icmp().counters().get("unreachable-sent"));
        }
    }

    @Test
    void aShortOriginalIsQuotedWhole() {
        try (Harness h = new Harness()) {
            h.stack.arp().learn(PEER_IP, PEER_MAC);
            byte[] f = udpFrame(1000, 2000, new byte[0]);
            h.receive(f);
            byte[] e = single(h);
            assertEquals(14 + 20 + 8 + 28, e.length, "header and the whole 8-byte datagram");
            assertEquals(io.flexnet.packet.Hex.of(java.util.Arrays.copyOfRange(f, 14, 42)),
                    io.flexnet.packet.Hex.of(java.util.Arrays.copyOfRange(e, 42, 70)));
        }
    }

    @Test
    void noErrorWhenThePoolIsEmptyAndTheDatagramIsStillDropped() {
        try (Harness h = new Harness(config(), 2)) {
            h.stack.arp().learnPermanent(PEER_IP, PEER_MAC);
            Packet held = h.pool.allocate();
            h.receive(udpFrame(1000, 2000, bytes(4)));  // takes the last slot
            assertTrue(h.sent.isEmpty());
            assertEquals(1, h.stack.icmp().drops().get(DropReason.POOL_EMPTY));
            assertEquals(1, h.stack.udpRcv().drops().get(DropReason.NO_SOCKET));
            assertEquals(1, h.pool.available(), "the datagram's slot came back");
            assertEquals(IcmpRateLimit.linuxDefaults().toString(), h.stack.icmp().rateLimit().toString(), "Linux's limits by default");
            held.release();
        }
    }

    @Test
    void udpRcvSaysDoneForWhatItDrops() {
        try (Harness h = new Harness()) {
            LayerContext cx = LayerContext.at(0);
            Packet tcp = h.packet(udpFrame(1000, 2000, bytes(4)));
            tcp.l4Offset = tcp.offset + 34;
            tcp.protocol = Ipv4Header.PROTO_TCP;
            assertEquals(Layer.DONE, h.stack.udpRcv().process(tcp, cx));
            assertEquals(1, h.stack.udpRcv().drops().get(DropReason.UNKNOWN_PROTOCOL));
            Packet shortOne = h.packet(udpFrame(1000, 2000, bytes(4)));
            shortOne.protocol = Ipv4Header.PROTO_UDP;
            shortOne.l4Offset = shortOne.offset + shortOne.length - 7;
            assertEquals(Layer.DONE, h.stack.udpRcv().process(shortOne, cx));
            assertEquals(1, h.stack.udpRcv().drops().get(DropReason.BAD_UDP_LENGTH));
        }
    }

    @Test
    void ipRcvSaysDoneForAVersionItDoesNotSpeak() {
        try (Harness h = new Harness()) {
            byte[] f = udpFrame(1000, 2000, bytes(4));
            f[14] = 0x65;  // IPv6's version in an IPv4 frame
            Packet p = h.packet(f);
            p.l3Offset = p.offset + 14;
            assertEquals(Layer.DONE, h.stack.ipRcv().process(p, LayerContext.at(0)));
            assertEquals(1, h.stack.ipRcv().drops().get(DropReason.BAD_IP_VERSION));
        }
    }

    private static void dirtyEverySlot(PacketPool pool) {
        for (int i = 0; i < pool.capacity(); i++) pool.get(i).segment().fill((byte) 0xEE);
    }

    private static Packet datagram(Harness h, int len) {
        Packet p = SocketSend.allocate(h.pool, new byte[len], 0, len);
        p.dstIp = PEER_IP;
        p.dstPort = 9000;
        p.srcPort = 4000;
        return p;
    }

    private static byte[] single(Harness h) {
        List<byte[]> sent = h.drainSent();
        assertEquals(1, sent.size(), "one frame");
        return sent.getFirst();
    }
}
