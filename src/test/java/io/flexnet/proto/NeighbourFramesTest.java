package io.flexnet.proto;

import static io.flexnet.proto.TestFrames.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.packet.ArpHeader;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.EthernetHeader;
import io.flexnet.packet.Ip4;
import io.flexnet.packet.MacAddress;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.runtime.ManualClock;
import java.util.ArrayList;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The neighbour table against ARP frames: which replies, requests and gratuitous announcements may
 * create, confirm or change an entry in each state, and which are refused and counted. The
 * transitions the table's own timers drive are {@link NeighbourStatesTest}'s.
 */
class NeighbourFramesTest {
    private static final long SECOND = NeighbourStatesTest.SECOND;
    private static final long OTHER_MAC = NeighbourStatesTest.OTHER_MAC;
    private static final Arp.Times T = NeighbourStatesTest.T;

    // ---- what ARP frames may change

    @Test
    void anAddressMayChangeExactlyOnceTheLockTimeHasPassed() {
        try (Harness h = new Harness()) {
            Arp arp = h.stack.arp();
            arp.learn(PEER_IP, PEER_MAC);
            h.advance(T.lock() - 1);
            h.receive(arpReplyTo(OTHER_MAC));
            assertEquals(PEER_MAC, arp.resolve(PEER_IP));
            assertEquals(1, arp.counters().get("locked-out"));
            assertEquals(1, arp.counters().get("reply-ignored"));
            h.advance(1);
            h.receive(arpReplyTo(OTHER_MAC));
            assertEquals(OTHER_MAC, arp.resolve(PEER_IP), "a reply after the lock time corrects it");
            assertEquals("reachable", arp.state(PEER_IP), "and confirms it");
            assertEquals(1, arp.counters().get("learned"));
            h.advance(T.reachable() - 1);
            arp.expire();
            assertEquals("reachable", arp.state(PEER_IP), "for a whole reachable time");
            h.advance(1);
            arp.expire();
            assertEquals("stale", arp.state(PEER_IP), "and no longer: a correction is a confirmation, not more");
        }
    }

    @Test
    void aReplyForSomeoneElseIsNotOursToLearnFromButRefreshesAKnownSender() {
        try (Harness h = new Harness()) {
            Arp arp = h.stack.arp();
            byte[] other = ethernet(MacAddress.BROADCAST, PEER_MAC, EthernetHeader.TYPE_ARP,
                    arp(ArpHeader.OP_REPLY, PEER_MAC, PEER_IP, GATEWAY_MAC, GATEWAY_IP));
            h.receive(other.clone());
            assertEquals(0, arp.cacheSize());
            assertEquals(0, arp.counters().get("unsolicited"), "not to us: not an unsolicited reply either");
            assertEquals(1, arp.drops().get(DropReason.NOT_FOR_US));
            h.receive(arpRequest(OUR_IP));  // stale entry for the peer
            h.drainSent();
            h.advance(T.stale() - SECOND);
            h.receive(other.clone());
            h.advance(SECOND);
            arp.expire();
            assertEquals("stale", arp.state(PEER_IP), "heard from, though it spoke to another");
        }
    }

    @Test
    void refusesArpFromAddressesNoNeighbourHas() {
        try (Harness h = new Harness()) {
            Arp arp = h.stack.arp();
            h.receive(arpWith(OUR_MAC, PEER_IP));                          // our own hardware address
            h.receive(arpWith(0, PEER_IP));                                // no hardware address
            h.receive(arpWith(PEER_MAC, SUBNET_BROADCAST));                // the subnet's broadcast
            h.receive(arpWith(PEER_MAC, Ip4.parse("224.0.0.5")));          // a group
            h.receive(arpWith(PEER_MAC, Ip4.parse("255.255.255.255")));
            assertEquals(5, arp.drops().get(DropReason.BAD_ARP));
            assertTrue(h.sent.isEmpty(), "nothing answered");
            assertEquals(0, arp.cacheSize());
        }
    }

    @Test
    void aProbeFromAnAddresslessSenderIsAnsweredButTeachesNothing() {
        try (Harness h = new Harness()) {
            Arp arp = h.stack.arp();
            h.receive(arpWith(PEER_MAC, 0));  // RFC 5227 address probe: sender address 0
            MemorySegment r = MemorySegment.ofArray(single(h));
            assertEquals(PEER_MAC, EthernetHeader.dst(r, 0));
            assertEquals(ArpHeader.OP_REPLY, ArpHeader.oper(r, 14));
            assertEquals(0, arp.cacheSize());
            assertEquals(1, arp.counters().get("replied"));
        }
    }

    @Test
    void framesStillWaitingAtShutdownAreCountedUnderTheGivenReason() {
        try (Harness h = new Harness()) {
            Arp arp = h.stack.arp();
            h.stack.send(ArpTest.udpToPeer(h));
            h.stack.send(ArpTest.udpToPeer(h));
            h.drainSent();
            assertEquals(2, arp.discardPending(DropReason.SHUTDOWN));
            assertEquals(2, arp.drops().get(DropReason.SHUTDOWN));
            assertEquals(0, arp.pending());
            assertEquals(0, arp.discardPending(DropReason.SHUTDOWN));
        }
    }

    @Test
    void aFrameWaitsNoLongerThanThePendingTimeoutEvenWhenItsEntryIsGone() {
        try (Harness h = new Harness()) {
            Arp arp = h.stack.arp();
            h.stack.send(ArpTest.udpToPeer(h));
            assertEquals(1, arp.counters().get("parked"));
            h.drainSent();
            assertTrue(arp.forget(PEER_IP));  // no entry left to time anything
            h.advance(SECOND);
            arp.expire();
            assertEquals(1, arp.pending());
            h.advance(T.pendingTimeout() - SECOND);
            arp.expire();
            assertEquals(0, arp.pending(), "the queue keeps its own deadline");
            assertEquals(1, arp.drops().get(DropReason.ARP_UNRESOLVED));
        }
    }

    @Test
    void aFrameOnVlanZeroAsksWithAPriorityTag() {
        try (Harness h = new Harness()) {
            Packet p = ArpTest.udpToPeer(h);
            p.vlan = 0;
            h.stack.send(p);
            MemorySegment s = MemorySegment.ofArray(single(h));
            assertTrue(EthernetHeader.tagged(s, 0), "802.1Q: id 0 still carries the tag");
            assertEquals(0, EthernetHeader.vlanId(s, 0));
            assertEquals(PEER_IP, ArpHeader.tpa(s, 18));
        }
    }

    @Test
    void aWaitingFrameWithNoRoomForItsEthernetHeaderIsDroppedWhenReleased() {
        try (Harness h = new Harness()) {
            Arp arp = h.stack.arp();
            Packet p = h.pool.allocate();
            p.offset = EthernetHeader.HEADER_LENGTH - 1;
            p.length = 20;
            p.nextHop = PEER_IP;
            arp.park(p, LayerContext.at(h.clock.nanoTime()));
            h.drainSent();
            arp.learn(PEER_IP, PEER_MAC);
            assertTrue(h.sent.isEmpty());
            assertEquals(1, arp.drops().get(DropReason.BAD_SEND));
        }
    }

    @Test
    void aReplyIsPaddedWithZerosOnlyWhenItsSlotHasRoom() {
        ManualClock clock = new ManualClock(SECOND);
        byte[] request = arpRequest(OUR_IP);  // 42 bytes: short of the 60-byte minimum
        for (int headroom : new int[] {128 - 60, 128 - 59}) {
            try (PacketPool pool = new PacketPool(2, 128, headroom)) {
                for (int i = 0; i < 2; i++) pool.get(i).segment().fill((byte) 0xEE);  // a previous frame's bytes
                List<Packet> sent = new ArrayList<>();
                Arp arp = new Arp(config(), pool, clock, 8, 2, T);
                arp.bind(new Output(null, null, sent::add));
                Packet p = pool.allocate(request, 0, request.length);
                arp.receive(p, p.offset + 14, LayerContext.at(clock.nanoTime()));
                Packet r = sent.getFirst();
                byte[] frame = r.toBytes();
                if (headroom == 128 - 60) {
                    assertEquals(60, frame.length, "exactly room for the minimum frame");
                    for (int i = 42; i < 60; i++) assertEquals(0, frame[i], "padding byte " + i);
                } else {
                    assertEquals(42, frame.length, "no room: sent short rather than written past the slot");
                }
                r.release();
            }
        }
    }

    @Test
    void aNeighbourInTheTablesFirstSlotIsTreatedLikeAnyOther() {
        // 198.18.0.164 hashes to slot 0 of the table (Fibonacci hashing): the edge of every "found it?" check.
        int first = Ip4.parse("198.18.0.164");
        long mac = MacAddress.parse("02:00:00:00:00:a4");
        try (Harness h = new Harness()) {
            Arp arp = h.stack.arp();
            h.stack.send(ArpTest.udpTo(h, first));
            h.stack.send(ArpTest.udpTo(h, first));
            assertEquals(1, h.drainSent().size(), "one request for both frames");
            assertEquals("incomplete", arp.state(first));
            h.receive(ethernet(OUR_MAC, mac, EthernetHeader.TYPE_ARP, arp(ArpHeader.OP_REPLY, mac, first, OUR_MAC, OUR_IP)));
            assertEquals(2, h.drainSent().size(), "both frames released by the reply");
            assertEquals(1, arp.counters().get("learned"));
            assertEquals(0, arp.counters().get("unsolicited"));
            assertEquals("reachable", arp.state(first));
            arp.learn(first, mac);
            assertEquals(1, arp.cacheSize(), "learned again in its own slot");
            h.advance(T.reachable());
            arp.expire();
            assertEquals("stale", arp.state(first));
            assertEquals(mac, arp.resolve(first), "stale, still used");
            assertTrue(arp.forget(first));
            assertEquals(0, arp.cacheSize());
        }
    }

    @Test
    void anEntryARequestCreatedIsForgottenAfterTheStaleTimeIfUnused() {
        try (Harness h = new Harness()) {
            Arp arp = h.stack.arp();
            h.receive(arpRequest(OUR_IP));
            h.drainSent();
            h.advance(T.stale() - 1);
            arp.expire();
            assertEquals("stale", arp.state(PEER_IP));
            h.advance(1);
            arp.expire();
            assertEquals("none", arp.state(PEER_IP), "nobody used it: the table does not fill with askers");
        }
    }

    private static byte[] arpReplyTo(long sha) {
        return ethernet(OUR_MAC, sha, EthernetHeader.TYPE_ARP, arp(ArpHeader.OP_REPLY, sha, PEER_IP, OUR_MAC, OUR_IP));
    }

    /** A request for our address from {@code sha} claiming {@code spa}. */
    private static byte[] arpWith(long sha, int spa) {
        return ethernet(MacAddress.BROADCAST, PEER_MAC, EthernetHeader.TYPE_ARP, arp(ArpHeader.OP_REQUEST, sha, spa, 0, OUR_IP));
    }

    private static byte[] single(Harness h) { return NeighbourStatesTest.single(h); }
}
