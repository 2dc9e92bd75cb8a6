package io.flexnet.proto;

import static io.flexnet.fixture.Hosts.GATEWAY;
import static io.flexnet.fixture.Hosts.PEER;
import static io.flexnet.fixture.Hosts.US;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.fixture.Frame;
import io.flexnet.fixture.Hosts;
import io.flexnet.fixture.Hosts.Host;
import io.flexnet.packet.ArpHeader;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.EthernetHeader;
import io.flexnet.packet.MacAddress;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ARP as an Internet host must keep it (Linux's neighbour table): no entry from an unsolicited reply,
 * no address flipped by a frame within the lock time, unconfirmed neighbours probed (unicast, then
 * broadcast) and forgotten when silent, retries on schedule however full the queue.
 */
class NeighbourTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long FORGED = MacAddress.parse("02:00:00:00:00:66");

    @Test
    void anUnsolicitedReplyCreatesNoEntry() {
        try (Harness h = new Harness()) {
            h.receive(Frame.arpReply().from(GATEWAY).to(US).build());
            assertEquals(-1, h.stack.arp().resolve(GATEWAY.ip()), "arp_accept=0: nobody asked");
            assertEquals(0, h.stack.arp().cacheSize());
            assertEquals(1, h.stack.arp().counters().get("unsolicited"));
            assertEquals(1, h.stack.arp().counters().get("reply-ignored"));
        }
    }

    @Test
    void aRequestForUsCreatesAStaleEntryForItsSender() {
        try (Harness h = new Harness()) {
            h.receive(Frame.arpRequest().from(PEER).to(US).build());
            h.drainSent();
            assertEquals("stale", h.stack.arp().state(PEER.ip()), "it wants to talk to us, but is not confirmed");
        }
    }

    @Test
    void oneForgedFrameCannotFlipAnEntryWithinTheLockTime() {
        try (Harness h = new Harness()) {
            h.stack.arp().learn(PEER.ip(), PEER.mac());
            h.advance(SECOND / 2);
            h.receive(arpFrom(FORGED, ArpHeader.OP_REPLY));
            h.receive(arpFrom(FORGED, ArpHeader.OP_REQUEST));
            h.drainSent();
            assertEquals(PEER.mac(), h.stack.arp().resolve(PEER.ip()), "still the address it had");
            assertEquals(2, h.stack.arp().counters().get("locked-out"));
            h.advance(SECOND);
            h.receive(arpFrom(FORGED, ArpHeader.OP_REQUEST));
            h.drainSent();
            assertEquals(FORGED, h.stack.arp().resolve(PEER.ip()), "after the lock time a change is honoured, unconfirmed");
        }
    }

    @Test
    void aForgedAddressIsProbedAwayWithinSecondsNotAMinute() {
        try (Harness h = new Harness()) {
            Arp.Times t = h.stack.arp().times();
            h.stack.arp().learn(PEER.ip(), PEER.mac());
            h.advance(2 * SECOND);
            h.receive(arpFrom(FORGED, ArpHeader.OP_REQUEST));  // e.g. one bit-flipped request
            h.drainSent();
            assertEquals("stale", h.stack.arp().state(PEER.ip()));
            h.stack.send(ArpTest.udpToPeer(h));               // traffic: uses it, starts the delay
            assertEquals(FORGED, EthernetHeader.dst(MemorySegment.ofArray(h.drainSent().getFirst()), 0));
            assertEquals("delay", h.stack.arp().state(PEER.ip()));
            h.advance(t.delayFirstProbe());
            h.stack.expire();
            for (int i = 0; i < t.unicastProbes(); i++) {
                byte[] probe = single(h);
                assertEquals(FORGED, EthernetHeader.dst(MemorySegment.ofArray(probe), 0), "unicast probe " + i);
                assertEquals(ArpHeader.OP_REQUEST, ArpHeader.oper(MemorySegment.ofArray(probe), 14));
                assertEquals(PEER.ip(), ArpHeader.tpa(MemorySegment.ofArray(probe), 14));
                h.advance(t.retransmit());
                h.stack.expire();
            }
            byte[] broadcast = single(h);
            assertEquals(MacAddress.BROADCAST, EthernetHeader.dst(MemorySegment.ofArray(broadcast), 0), "then by broadcast");
            h.receive(Frame.arpReply().from(PEER).to(US).build());  // the real peer answers
            assertEquals("reachable", h.stack.arp().state(PEER.ip()));
            assertEquals(PEER.mac(), h.stack.arp().resolve(PEER.ip()), "corrected");
            assertTrue(t.delayFirstProbe() + (t.unicastProbes() + 1) * t.retransmit() < 10 * SECOND);
        }
    }

    @Test
    void aSilentNeighbourIsForgottenAfterItsProbes() {
        try (Harness h = new Harness()) {
            Arp.Times t = h.stack.arp().times();
            h.stack.arp().learn(PEER.ip(), PEER.mac());
            h.advance(t.reachable());
            h.stack.expire();
            h.stack.send(ArpTest.udpToPeer(h));
            h.drainSent();
            h.advance(t.delayFirstProbe());
            int probes = 0;
            for (int i = 0; i <= t.unicastProbes() + t.broadcastProbes(); i++) {
                h.stack.expire();
                probes += h.drainSent().size();
                h.advance(t.retransmit());
            }
            assertEquals(t.unicastProbes() + t.broadcastProbes(), probes);
            assertEquals("none", h.stack.arp().state(PEER.ip()), "failed: forgotten, to be resolved afresh");
            assertEquals(1, h.stack.arp().counters().get("failed"));
        }
    }

    @Test
    void aPermanentNeighbourIsNeverProbed() {
        try (Harness h = new Harness()) {
            h.stack.arp().learnPermanent(PEER.ip(), PEER.mac());
            h.advance(3600 * SECOND);
            h.stack.send(ArpTest.udpToPeer(h));
            h.advance(3600 * SECOND);
            h.stack.expire();
            assertEquals(1, h.drainSent().size(), "the datagram, and no probe");
            assertEquals("permanent", h.stack.arp().state(PEER.ip()));
            h.receive(arpFrom(FORGED, ArpHeader.OP_REQUEST));
            h.drainSent();
            assertEquals(PEER.mac(), h.stack.arp().resolve(PEER.ip()), "not ARP's to change");
        }
    }

    @Test
    void retriesGoOutOnScheduleWhenThePendingQueueIsFull() {
        try (Harness h = new Harness(Hosts.config(), 64, 2)) {
            for (int i = 0; i < 5; i++) h.stack.send(ArpTest.udpToPeer(h));
            assertEquals(1, h.drainSent().size(), "one request");
            assertEquals(3, h.stack.arp().drops().get(DropReason.ARP_PENDING_FULL));
            h.advance(SECOND);
            h.stack.send(ArpTest.udpToPeer(h));  // dropped again: the queue is still full
            assertEquals(1, h.drainSent().size(), "the retry went out on time anyway");
            h.advance(SECOND);
            h.stack.expire();
            assertEquals(1, h.drainSent().size(), "and the next, driven by the timer alone");
            assertEquals(3, h.stack.arp().counters().get("requests-sent"));
        }
    }

    /** An ARP frame from the peer's address with {@code sha} as its hardware address, to us. */
    private static byte[] arpFrom(long sha, int op) {
        return Frame.arpRequest().arpOp(op).from(new Host(sha, PEER.ip())).to(US).ethDst(US.mac())
                .arpTargetMac(op == ArpHeader.OP_REPLY ? US.mac() : 0).build();
    }

    private static byte[] single(Harness h) {
        List<byte[]> sent = h.drainSent();
        assertEquals(1, sent.size(), "one frame");
        return sent.getFirst();
    }

}
