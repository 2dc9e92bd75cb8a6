package io.flexnet.proto;

import static io.flexnet.proto.TestFrames.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.packet.ArpHeader;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.EthernetHeader;
import io.flexnet.packet.Ip4;
import io.flexnet.packet.Ipv4Header;
import io.flexnet.packet.MacAddress;
import io.flexnet.packet.Packet;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The neighbour table's transitions one at a time (Linux's NUD states): what each event does to an
 * entry in each state, at the exact times the table's timers say, and what goes on the wire.
 */
class NeighbourStatesTest {
    static final long SECOND = 1_000_000_000L;
    static final long OTHER_MAC = MacAddress.parse("02:00:00:00:00:66");
    static final Arp.Times T = Arp.Times.LINUX;

    // ---- entries set by hand

    @Test
    void aNeighbourLearnedByHandLapsesToStaleAfterItsReachableTime() {
        try (Harness h = new Harness()) {
            Arp arp = h.stack.arp();
            arp.learn(PEER_IP, PEER_MAC);
            h.advance(T.reachable());
            arp.expire();
            assertEquals("stale", arp.state(PEER_IP), "a hand-made entry is confirmed once, not forever");
            h.advance(T.stale() - 1);
            arp.expire();
            assertEquals("stale", arp.state(PEER_IP), "kept, unused, for the whole stale time");
            h.advance(1);
            arp.expire();
            assertEquals("none", arp.state(PEER_IP));
        }
    }

    @Test
    void learningANeighbourSendsTheFramesThatWaitedForIt() {
        try (Harness h = new Harness()) {
            Arp arp = h.stack.arp();
            h.stack.send(ArpTest.udpToPeer(h));
            h.stack.send(ArpTest.udpTo(h, Ip4.parse("198.18.0.3")));
            assertEquals(2, h.drainSent().size(), "two requests");
            arp.learn(PEER_IP, PEER_MAC);
            List<byte[]> out = h.drainSent();
            assertEquals(1, out.size(), "the frame for the peer, not the other");
            MemorySegment f = MemorySegment.ofArray(out.getFirst());
            assertEquals(PEER_MAC, EthernetHeader.dst(f, 0));
            assertEquals(EthernetHeader.TYPE_IPV4, EthernetHeader.type(f, 0));
            assertEquals(PEER_IP, Ipv4Header.dst(f, 14));
            assertEquals(1, arp.pending());
            assertEquals(1, arp.counters().get("flushed"));
            assertEquals("reachable", arp.state(PEER_IP));
        }
    }

    @Test
    void theCacheSizeCountsNeighboursAsTheyComeAndGo() {
        try (Harness h = new Harness()) {
            Arp arp = h.stack.arp();
            assertEquals(0, arp.cacheSize());
            arp.learn(PEER_IP, PEER_MAC);
            assertEquals(1, arp.cacheSize());
            arp.learnPermanent(GATEWAY_IP, GATEWAY_MAC);
            assertEquals(2, arp.cacheSize());
            arp.learn(PEER_IP, OTHER_MAC);
            assertEquals(2, arp.cacheSize(), "learning a known neighbour again replaces it");
            assertEquals(OTHER_MAC, arp.resolve(PEER_IP));
            assertTrue(arp.forget(PEER_IP));
            assertEquals(false, arp.forget(PEER_IP), "nothing left to forget");
            assertEquals(1, arp.cacheSize());
            assertEquals("none", arp.state(PEER_IP));
        }
    }

    @Test
    void learnRefusesWhatCannotBeAUnicastNeighbour() {
        try (Harness h = new Harness()) {
            Arp arp = h.stack.arp();
            assertThrows(IllegalArgumentException.class, () -> arp.learn(0, PEER_MAC));
            assertThrows(IllegalArgumentException.class, () -> arp.learn(Ip4.parse("224.0.0.1"), PEER_MAC));
            assertThrows(IllegalArgumentException.class, () -> arp.learn(Ip4.parse("255.255.255.255"), PEER_MAC));
            assertThrows(IllegalArgumentException.class, () -> arp.learn(PEER_IP, 0));
            assertThrows(IllegalArgumentException.class, () -> arp.learn(PEER_IP, MacAddress.parse("01:00:5e:00:00:01")));
            assertThrows(IllegalArgumentException.class, () -> arp.learnPermanent(PEER_IP, 0x1_0200_0000_0001L));
            assertEquals(0, arp.cacheSize());
        }
    }

    @Test
    void aPermanentNeighbourIsConfirmedByARepliesButNeverChanged() {
        try (Harness h = new Harness()) {
            Arp arp = h.stack.arp();
            arp.learnPermanent(PEER_IP, PEER_MAC);
            h.advance(2 * SECOND);
            h.receive(arpReply(OTHER_MAC, PEER_IP));
            assertEquals(PEER_MAC, arp.resolve(PEER_IP));
            assertEquals(1, arp.counters().get("learned"), "its own answer is a confirmation");
            assertEquals("permanent", arp.state(PEER_IP));
        }
    }

    // ---- resolution (incomplete)

    @Test
    void resolutionAsksEverySecondAndGivesUpWhenNoFrameWantsTheAddressAnyMore() {
        try (Harness h = new Harness()) {
            Arp arp = h.stack.arp();
            h.stack.send(ArpTest.udpToPeer(h));
            assertBroadcastRequestFor(single(h), PEER_IP);
            assertEquals("incomplete", arp.state(PEER_IP));
            assertEquals(-1, arp.resolve(PEER_IP), "no address yet");
            h.advance(T.retransmit() - 1);
            arp.expire();
            assertEquals(0, h.drainSent().size(), "not before the retransmit time");
            h.advance(1);
            arp.expire();
            assertBroadcastRequestFor(single(h), PEER_IP);
            h.advance(T.retransmit());
            arp.expire();
            assertBroadcastRequestFor(single(h), PEER_IP);
            h.advance(T.retransmit());  // three seconds: the frame gives up, and so does the entry
            arp.expire();
            assertEquals(0, h.drainSent().size());
            assertEquals(1, arp.drops().get(DropReason.ARP_UNRESOLVED));
            assertEquals("none", arp.state(PEER_IP));
            assertEquals(1, arp.counters().get("failed"));
            assertEquals(3, arp.counters().get("requests-sent"));
        }
    }

    @Test
    void aFrameThatStillWantsTheAddressKeepsResolutionGoing() {
        try (Harness h = new Harness()) {
            Arp arp = h.stack.arp();
            h.stack.send(ArpTest.udpToPeer(h));
            h.advance(2 * SECOND + SECOND / 2);
            h.stack.send(ArpTest.udpToPeer(h));  // wanted again half a second before the third request
            h.drainSent();
            h.advance(SECOND / 2);
            arp.expire();
            assertEquals(1, arp.drops().get(DropReason.ARP_UNRESOLVED), "the first frame waited its three seconds");
            assertEquals(1, arp.pending());
            assertEquals("incomplete", arp.state(PEER_IP));
            h.advance(SECOND / 2);  // the retry that second frame's arrival sent is a second old
            arp.expire();
            assertBroadcastRequestFor(single(h), PEER_IP);
            assertEquals("incomplete", arp.state(PEER_IP));
            assertEquals(0, arp.counters().get("failed"));
        }
    }

    @Test
    void aRequestFromANeighbourBeingResolvedReleasesItsFramesUnconfirmed() {
        try (Harness h = new Harness()) {
            Arp arp = h.stack.arp();
            h.stack.send(ArpTest.udpToPeer(h));
            h.drainSent();
            h.receive(arpRequest(OUR_IP));
            List<byte[]> out = h.drainSent();
            assertEquals(2, out.size(), "the waiting frame and our reply");
            assertEquals(0, arp.pending());
            assertEquals("stale", arp.state(PEER_IP), "it asked; it did not answer us");
            assertEquals(0, arp.counters().get("learned"));
        }
    }

    @Test
    void aReplyToOurRequestMakesTheNeighbourReachable() {
        try (Harness h = new Harness()) {
            Arp arp = h.stack.arp();
            h.stack.send(ArpTest.udpToPeer(h));
            h.drainSent();
            h.receive(arpReply(PEER_MAC, PEER_IP));
            assertEquals("reachable", arp.state(PEER_IP));
            h.advance(T.reachable() - 1);
            arp.expire();
            assertEquals("reachable", arp.state(PEER_IP), "for the whole reachable time");
            h.advance(1);
            arp.expire();
            assertEquals("stale", arp.state(PEER_IP));
        }
    }

    @Test
    void requestsForAFrameOnAVlanAskOnThatVlan() {
        try (Harness h = new Harness()) {
            Packet p = ArpTest.udpToPeer(h);
            p.vlan = 42;
            h.stack.send(p);
            byte[] req = single(h);
            MemorySegment s = MemorySegment.ofArray(req);
            assertEquals(42, EthernetHeader.vlanId(s, 0));
            assertEquals(EthernetHeader.TYPE_ARP, EthernetHeader.etherType(s, 0));
            assertEquals(ArpHeader.OP_REQUEST, ArpHeader.oper(s, 18));
            assertEquals(PEER_IP, ArpHeader.tpa(s, 18));
            assertEquals(60, req.length);
            h.advance(T.retransmit());
            h.stack.arp().expire();
            assertEquals(42, EthernetHeader.vlanId(MemorySegment.ofArray(single(h)), 0), "and so do the retries");
        }
    }

    @Test
    void anEmptyPoolCostsTheRequestNotTheFrame() {
        try (Harness h = new Harness(config(), 2)) {
            Arp arp = h.stack.arp();
            Packet held = h.pool.allocate();
            h.stack.send(ArpTest.udpToPeer(h));  // the frame takes the last slot
            assertEquals(0, h.sent.size());
            assertEquals(1, arp.drops().get(DropReason.POOL_EMPTY));
            assertEquals(1, arp.pending(), "still waiting; the next retry may find a slot");
            assertEquals(0, arp.counters().get("requests-sent"));
            held.release();
        }
    }

    // ---- confirmed, stale, delay, probe

    @Test
    void usingAReachableEntryAtTheMomentItLapsesStartsTheDelay() {
        try (Harness h = new Harness()) {
            Arp arp = h.stack.arp();
            arp.learn(PEER_IP, PEER_MAC);
            h.advance(T.reachable() - 1);
            assertEquals(PEER_MAC, arp.resolve(PEER_IP));
            assertEquals("reachable", arp.state(PEER_IP));
            h.advance(1);
            assertEquals(PEER_MAC, arp.resolve(PEER_IP), "still used while it is checked");
            assertEquals("delay", arp.state(PEER_IP));
        }
    }

    @Test
    void aStaleEntryHeardFromAgainIsKeptForAnotherStaleTime() {
        try (Harness h = new Harness()) {
            Arp arp = h.stack.arp();
            h.receive(arpRequest(OUR_IP));
            h.advance(T.stale() - SECOND);
            h.receive(arpRequest(Ip4.parse("198.18.0.77")));  // heard from, asking someone else
            h.drainSent();
            h.advance(SECOND);
            arp.expire();
            assertEquals("stale", arp.state(PEER_IP), "its stale time started again when it spoke");
            h.advance(T.stale() - SECOND);
            arp.expire();
            assertEquals("none", arp.state(PEER_IP));
        }
    }

    @Test
    void aConfirmationDuringTheDelayCancelsTheProbes() {
        try (Harness h = new Harness()) {
            Arp arp = h.stack.arp();
            h.receive(arpRequest(OUR_IP));
            h.drainSent();
            assertEquals(PEER_MAC, arp.resolve(PEER_IP));
            assertEquals("delay", arp.state(PEER_IP));
            h.advance(SECOND);
            h.receive(arpReply(PEER_MAC, PEER_IP));
            assertEquals("reachable", arp.state(PEER_IP));
            assertEquals(1, arp.counters().get("learned"));
            h.advance(T.delayFirstProbe());
            arp.expire();
            assertEquals(0, h.drainSent().size(), "no probe for a confirmed neighbour");
            assertEquals("reachable", arp.state(PEER_IP), "confirmed for a whole reachable time from the reply");
        }
    }

    @Test
    void probesStartExactlyAfterTheDelayAndAskTheKnownAddressFirst() {
        try (Harness h = new Harness()) {
            Arp arp = h.stack.arp();
            h.receive(arpRequest(OUR_IP));
            h.drainSent();
            arp.resolve(PEER_IP);
            h.advance(T.delayFirstProbe() - 1);
            arp.expire();
            assertEquals(0, h.drainSent().size());
            assertEquals("delay", arp.state(PEER_IP));
            h.advance(1);
            arp.expire();
            byte[] probe = single(h);
            MemorySegment s = MemorySegment.ofArray(probe);
            assertEquals("probe", arp.state(PEER_IP));
            assertEquals(PEER_MAC, EthernetHeader.dst(s, 0));
            assertEquals(OUR_MAC, EthernetHeader.src(s, 0));
            assertEquals(ArpHeader.OP_REQUEST, ArpHeader.oper(s, 14));
            assertEquals(OUR_MAC, ArpHeader.sha(s, 14));
            assertEquals(OUR_IP, ArpHeader.spa(s, 14));
            assertEquals(PEER_MAC, ArpHeader.tha(s, 14), "a unicast probe names whom it asks");
            assertEquals(PEER_IP, ArpHeader.tpa(s, 14));
            assertEquals(60, probe.length);
            for (int i = 1; i < T.unicastProbes(); i++) {
                h.advance(T.retransmit() - 1);
                arp.expire();
                assertEquals(0, h.drainSent().size(), "one probe per retransmit time");
                h.advance(1);
                arp.expire();
                assertEquals(PEER_MAC, EthernetHeader.dst(MemorySegment.ofArray(single(h)), 0));
            }
            h.advance(T.retransmit());
            arp.expire();
            MemorySegment b = MemorySegment.ofArray(single(h));
            assertEquals(MacAddress.BROADCAST, EthernetHeader.dst(b, 0));
            assertEquals(0, ArpHeader.tha(b, 14), "a broadcast request leaves the target address empty");
            assertEquals(T.unicastProbes() + 1, arp.counters().get("probes-sent"));
            assertEquals(0, arp.counters().get("requests-sent"), "probes are counted apart");
        }
    }

    @Test
    void aReplyWithTheSameAddressDuringProbingConfirmsAndResetsTheProbes() {
        try (Harness h = new Harness()) {
            Arp arp = h.stack.arp();
            h.receive(arpRequest(OUR_IP));
            arp.resolve(PEER_IP);
            h.advance(T.delayFirstProbe());
            arp.expire();
            h.advance(T.retransmit());
            arp.expire();
            h.drainSent();  // our reply and two probes
            h.receive(arpReply(PEER_MAC, PEER_IP));
            assertEquals("reachable", arp.state(PEER_IP));
            // Lapse and use it again: probing starts from the first unicast probe, not where it stopped.
            h.advance(T.reachable());
            arp.resolve(PEER_IP);
            h.advance(T.delayFirstProbe());
            arp.expire();
            for (int i = 0; i < T.unicastProbes(); i++) {
                assertEquals(PEER_MAC, EthernetHeader.dst(MemorySegment.ofArray(single(h)), 0), "unicast probe " + i);
                h.advance(T.retransmit());
                arp.expire();
            }
        }
    }

    @Test
    void probesOfANeighbourOnAVlanGoOutOnIt() {
        try (Harness h = new Harness()) {
            Arp arp = h.stack.arp();
            h.receive(tagged(arpRequest(OUR_IP), 7));
            h.drainSent();
            arp.resolve(PEER_IP);
            h.advance(T.delayFirstProbe());
            arp.expire();
            MemorySegment s = MemorySegment.ofArray(single(h));
            assertEquals(7, EthernetHeader.vlanId(s, 0));
            assertEquals(PEER_IP, ArpHeader.tpa(s, 18));
        }
    }

    @Test
    void theNextTimerIsKeptForEveryEntryNotOnlyTheFirst() {
        try (Harness h = new Harness()) {
            Arp arp = h.stack.arp();
            arp.learn(PEER_IP, PEER_MAC);
            h.advance(10 * SECOND);
            arp.learn(GATEWAY_IP, GATEWAY_MAC);
            h.advance(T.reachable() - 10 * SECOND);
            arp.expire();
            assertEquals("stale", arp.state(PEER_IP));
            assertEquals("reachable", arp.state(GATEWAY_IP));
            h.advance(10 * SECOND);
            arp.expire();
            assertEquals("stale", arp.state(GATEWAY_IP), "its own timer, ten seconds later");
        }
    }

    private static void assertBroadcastRequestFor(byte[] frame, int target) {
        MemorySegment s = MemorySegment.ofArray(frame);
        assertEquals(MacAddress.BROADCAST, EthernetHeader.dst(s, 0));
        assertEquals(ArpHeader.OP_REQUEST, ArpHeader.oper(s, 14));
        assertEquals(0, ArpHeader.tha(s, 14));
        assertEquals(target, ArpHeader.tpa(s, 14));
        assertEquals(60, frame.length, "padded to the Ethernet minimum");
    }

    /** The one frame the harness sent. */
    static byte[] single(Harness h) {
        List<byte[]> sent = h.drainSent();
        assertEquals(1, sent.size(), "one frame");
        return sent.getFirst();
    }
}
