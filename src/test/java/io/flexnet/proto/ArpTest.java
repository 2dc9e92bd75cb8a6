package io.flexnet.proto;

import static io.flexnet.fixture.Hosts.GATEWAY;
import static io.flexnet.fixture.Hosts.PEER;
import static io.flexnet.fixture.Hosts.US;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.fixture.Frame;
import io.flexnet.fixture.Hosts;
import io.flexnet.packet.ArpHeader;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.EthernetHeader;
import io.flexnet.packet.Ip4;
import io.flexnet.packet.Ipv4Header;
import io.flexnet.packet.MacAddress;
import io.flexnet.packet.Packet;
import io.flexnet.packet.UdpHeader;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ARP: answering, learning, parking frames until resolution, expiry. */
class ArpTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void answersArpRequestForOwnAddress() {
        try (Harness h = new Harness()) {
            Packet req = h.packet(Frame.arpRequest().from(PEER).to(US).build());
            int slot = req.index();
            h.stack.receive(req);
            Packet reply = h.takeSent();
            assertEquals(slot, reply.index(), "answered in the request's own slot");
            MemorySegment s = reply.segment();
            int off = reply.offset;
            assertEquals(PEER.mac(), EthernetHeader.dst(s, off));
            assertEquals(US.mac(), EthernetHeader.src(s, off));
            assertEquals(EthernetHeader.TYPE_ARP, EthernetHeader.type(s, off));
            ArpHeader arp = new ArpHeader().wrap(s, off + 14);
            assertTrue(arp.isEthernetIpv4());
            assertEquals(ArpHeader.OP_REPLY, arp.oper());
            assertEquals(US.mac(), arp.sha());
            assertEquals(US.ip(), arp.spa());
            assertEquals(PEER.mac(), arp.tha());
            assertEquals(PEER.ip(), arp.tpa());
            assertEquals(60, reply.length, "padded to the Ethernet minimum");
            reply.release();
            assertEquals(PEER.mac(), h.stack.arp().resolve(PEER.ip()), "learned the requester");
        }
    }

    @Test
    void answersOnTheRequestsVlan() {
        try (Harness h = new Harness()) {
            h.receive(Frame.arpRequest().from(PEER).to(US).vlan(42).build());
            Packet reply = h.takeSent();
            assertEquals(42, EthernetHeader.vlanId(reply.segment(), reply.offset));
            assertEquals(ArpHeader.OP_REPLY, ArpHeader.oper(reply.segment(), reply.offset + 18));
            reply.release();
        }
    }

    @Test
    void learnsFromAReplyToOurRequest() {
        try (Harness h = new Harness()) {
            h.stack.send(udpTo(h, GATEWAY.ip()));  // off-link? no: the gateway itself, on-link
            h.drainSent();                       // our request
            h.receive(Frame.arpReply().from(GATEWAY).to(US).build());
            assertEquals(GATEWAY.mac(), h.stack.arp().resolve(GATEWAY.ip()));
            assertEquals(1, h.stack.arp().counters().get("learned"));
            assertEquals(1, h.drainSent().size(), "the frame that waited went out");
        }
    }

    @Test
    void doesNotLearnFromRequestsForOthersButRefreshesKnownSenders() {
        try (Harness h = new Harness()) {
            h.receive(Frame.arpRequest().from(PEER).ipDst(Ip4.parse("198.18.0.77")).build());
            assertEquals(-1, h.stack.arp().resolve(PEER.ip()));
            assertEquals(1, h.stack.arp().drops().get(DropReason.NOT_FOR_US));

            h.stack.arp().learn(PEER.ip(), MacAddress.parse("02:00:00:00:00:55"));
            h.advance(h.stack.arp().times().lock());           // past the lock time of that change
            h.receive(Frame.arpRequest().from(PEER).ipDst(Ip4.parse("198.18.0.77"))
                    .build());  // RFC 826 merge: the sender moved
            assertEquals(PEER.mac(), h.stack.arp().resolve(PEER.ip()));
        }
    }

    @Test
    void dropsMalformedArp() {
        try (Harness h = new Harness()) {
            byte[] f = Frame.arpRequest().from(PEER).to(US).build();
            ArpHeader.hlen(MemorySegment.ofArray(f), 14, 8);
            h.receive(f);
            h.receive(java.util.Arrays.copyOf(Frame.arpRequest().from(PEER).to(US)
                    .build(), 14 + 27));  // one byte short
            byte[] multicastSender = Frame.arpRequest().from(PEER).to(US).build();
            ArpHeader.sha(MemorySegment.ofArray(multicastSender), 14, MacAddress.parse("01:00:5e:00:00:01"));
            h.receive(multicastSender);
            byte[] claimsOurAddress = Frame.arpRequest().from(PEER).ipDst(PEER.ip()).build();
            ArpHeader.spa(MemorySegment.ofArray(claimsOurAddress), 14, US.ip());
            h.receive(claimsOurAddress);
            byte[] badOp = Frame.arpRequest().from(PEER).to(US).build();
            ArpHeader.oper(MemorySegment.ofArray(badOp), 14, 9);
            h.receive(badOp);
            assertEquals(5, h.stack.arp().drops().get(DropReason.BAD_ARP));
            assertTrue(h.sent.isEmpty());
            assertEquals(0, h.stack.arp().cacheSize());
        }
    }

    @Test
    void parksFrameUntilArpReplyThenSends() {
        try (Harness h = new Harness()) {
            Packet p = udpToPeer(h);
            h.stack.send(p);
            assertEquals(1, h.stack.arp().pending());
            assertEquals(1, h.stack.ethSend().counters().get("parked"));
            Packet request = h.takeSent();
            MemorySegment s = request.segment();
            assertEquals(MacAddress.BROADCAST, EthernetHeader.dst(s, request.offset));
            assertEquals(ArpHeader.OP_REQUEST, ArpHeader.oper(s, request.offset + 14));
            assertEquals(US.mac(), ArpHeader.sha(s, request.offset + 14));
            assertEquals(US.ip(), ArpHeader.spa(s, request.offset + 14));
            assertEquals(PEER.ip(), ArpHeader.tpa(s, request.offset + 14));
            request.release();

            h.receive(Frame.arpReply().from(PEER).to(US).build());
            assertEquals(0, h.stack.arp().pending());
            Packet out = h.takeSent();
            MemorySegment o = out.segment();
            assertEquals(PEER.mac(), EthernetHeader.dst(o, out.offset));
            assertEquals(US.mac(), EthernetHeader.src(o, out.offset));
            assertEquals(EthernetHeader.TYPE_IPV4, EthernetHeader.type(o, out.offset));
            assertEquals(PEER.ip(), Ipv4Header.dst(o, out.offset + 14));
            assertEquals(9000, UdpHeader.dstPort(o, out.offset + 34));
            assertEquals(1, h.stack.arp().counters().get("flushed"));
            out.release();
        }
    }

    @Test
    void sendsOneRequestPerRetryInterval() {
        try (Harness h = new Harness()) {
            h.stack.send(udpToPeer(h));
            h.stack.send(udpToPeer(h));
            h.advance(SECOND / 2);
            h.stack.send(udpToPeer(h));
            assertEquals(1, h.sent.size(), "one request for three frames within a second");
            h.advance(SECOND / 2);
            h.stack.send(udpToPeer(h));
            assertEquals(2, h.sent.size(), "asked again after the retry interval");
            assertEquals(4, h.stack.arp().pending());
            assertEquals(2, h.stack.arp().counters().get("requests-sent"));
        }
    }

    @Test
    void countsPendingOverflow() {
        try (Harness h = new Harness(Hosts.config(), 64, 2)) {
            for (int i = 0; i < 5; i++) h.stack.send(udpToPeer(h));
            assertEquals(2, h.stack.arp().pending());
            assertEquals(3, h.stack.arp().drops().get(DropReason.ARP_PENDING_FULL));
        }
    }

    @Test
    void expiresUnresolvedFrames() {
        try (Harness h = new Harness()) {
            h.stack.send(udpToPeer(h));
            h.advance(2 * SECOND);
            h.stack.send(udpToPeer(h));
            h.advance(SECOND);  // the first has waited 3 s, the second 1 s
            h.stack.expire();
            assertEquals(1, h.stack.arp().pending());
            assertEquals(1, h.stack.arp().drops().get(DropReason.ARP_UNRESOLVED));
            h.advance(2 * SECOND);
            h.receive(Frame.arpRequest().from(PEER).ipDst(Ip4.parse("198.18.0.77"))
                    .build());  // any ARP activity expires too
            assertEquals(0, h.stack.arp().pending());
            assertEquals(2, h.stack.arp().drops().get(DropReason.ARP_UNRESOLVED));
        }
    }

    @Test
    void forgetsAnEntryNobodyUsesAfterReachableAndStaleTimes() {
        try (Harness h = new Harness()) {
            Arp.Times t = h.stack.arp().times();
            h.stack.arp().learn(PEER.ip(), PEER.mac());
            h.advance(t.reachable() - 1);
            h.stack.expire();
            assertEquals("reachable", h.stack.arp().state(PEER.ip()));
            h.advance(1);
            h.stack.expire();
            assertEquals("stale", h.stack.arp().state(PEER.ip()));
            assertEquals(PEER.mac(), h.stack.arp().resolve(PEER.ip()), "a stale entry is still used");
            assertEquals("delay", h.stack.arp().state(PEER.ip()), "and using it starts the delay before probing");
            h.stack.arp().forget(PEER.ip());
            h.stack.arp().learn(PEER.ip(), PEER.mac());
            h.advance(t.reachable() + t.stale());
            h.stack.expire();  // reachable lapses to stale
            h.advance(t.stale());
            h.stack.expire();  // unused for the stale time: forgotten
            assertEquals(-1, h.stack.arp().resolve(PEER.ip()));
            assertEquals(0, h.stack.arp().cacheSize());
        }
    }

    @Test
    void keepsManyNeighboursAndEvictsTheSoonestTimerWhenAWindowIsFull() {
        ArpCache c = new ArpCache(16);
        assertEquals(16, c.capacity());
        for (int i = 1; i <= 16; i++) {
            int s = c.insert(Ip4.parse("198.18.0.0") + i);
            c.set(s, i, ArpCache.REACHABLE, 100 + i, 0);
        }
        int present = 0;
        for (int i = 1; i <= 16; i++) if (c.get(Ip4.parse("198.18.0.0") + i) == i) present++;
        assertTrue(present >= 8, "most of a full table stays: " + present);
        assertEquals(present, c.size());
        assertEquals(1, c.fresh(Ip4.parse("198.18.0.1"), 100), "confirmed until its timer");
        assertEquals(ArpCache.NEEDS_ATTENTION, c.fresh(Ip4.parse("198.18.0.1"), 101), "then the state machine decides");
    }

    static Packet udpToPeer(Harness h) { return udpTo(h, PEER.ip()); }

    static Packet udpTo(Harness h, int dst) {
        Packet p = SocketSend.allocate(h.pool, new byte[] {1, 2, 3}, 0, 3);
        p.dstIp = dst;
        p.dstPort = 9000;
        p.srcPort = 4000;
        return p;
    }

    @Test
    void resolvesWhatItLearned() {
        try (Harness h = new Harness()) {
            List<Integer> ips = List.of(PEER.ip(), GATEWAY.ip(), Ip4.parse("198.18.0.3"));
            for (int ip : ips) h.stack.arp().learn(ip, 0x0200_0000_0000L | (ip & 0xFF));
            for (int ip : ips) assertEquals(0x0200_0000_0000L | (ip & 0xFF), h.stack.arp().resolve(ip));
            assertEquals(-1, h.stack.arp().resolve(Ip4.parse("198.18.0.4")));
        }
    }
}
