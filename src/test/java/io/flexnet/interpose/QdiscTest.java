// The qdiscs on virtual time: order, bounds, rates, shares, sparse-flow priority and CoDel's drops.
package io.flexnet.interpose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.nic.InMemoryNic;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class QdiscTest {
    private final PacketPool pool = new PacketPool(8192);

    @AfterEach
    void everySlotCameBack() {
        assertEquals(pool.capacity(), pool.available(), "slots leaked");
        pool.close();
    }

    private Packet frame(int length, int srcPort, int dstPort) {
        Packet p = pool.allocate();
        p.length = length;
        p.protocol = OwnerTable.PROTO_UDP;
        p.srcIp = 0xC6120002;
        p.dstIp = 0xC6120001;
        p.srcPort = srcPort;
        p.dstPort = dstPort;
        return p;
    }

    private static void send(Packet p) { p.release(); }

    @Test
    void pfifoKeepsOrderAndDropsTheNewcomerWhenFull() {
        Pfifo q = new Pfifo(3);
        Packet[] in = new Packet[5];
        for (int i = 0; i < 5; i++) {
            in[i] = frame(100 + i, 1000, 7);
            assertEquals(i < 3, q.enqueue(in[i], 0));
        }
        assertEquals(2, q.dropped());
        assertEquals(2, q.drops().get(DropReason.QDISC));
        for (int i = 0; i < 3; i++) send(assertSameAndGet(in[i], q.dequeue(1)));
        assertNull(q.dequeue(2));
        assertEquals(3, q.sentPackets());
        assertEquals(303, q.sentBytes());
        assertTrue(q.stats().startsWith("qdisc pfifo limit 3p\n Sent 303 bytes 3 pkt (dropped 2, overlimits 0 requeues 0)"),
                q.stats());
    }

    private static Packet assertSameAndGet(Packet expected, Packet got) {
        assertSame(expected, got);
        return got;
    }

    @Test
    void prioAlwaysServesTheLowerBandFirst() {
        OwnerTable owners = new OwnerTable();
        owners.bind(OwnerTable.PROTO_UDP, 5432, new Owner("db", "u", "p"));
        owners.bind(OwnerTable.PROTO_UDP, 27015, new Owner("game", "u", "p"));
        Prio q = new Prio(3, 100, Classifier.byTenant(owners, Map.of("db", 0, "game", 1), 2));
        Packet other = frame(100, 9999, 1), game = frame(100, 27015, 1), db = frame(100, 5432, 1);
        q.enqueue(other, 0);
        q.enqueue(game, 0);
        q.enqueue(db, 0);
        send(assertSameAndGet(db, q.dequeue(0)));
        send(assertSameAndGet(game, q.dequeue(0)));
        send(assertSameAndGet(other, q.dequeue(0)));
    }

    @Test
    void tbfSendsAtItsRateAfterTheBurst() {
        long rate = 1_250_000;  // 10 Mbit/s
        Tbf q = new Tbf(rate, 15_000, 200_000);
        long sent = 0;
        long tick = 100_000;    // dequeue every 100 us of virtual time for 10 s
        for (long now = 0; now <= 10_000_000_000L; now += tick) {
            while (q.backlogBytes() < 100_000) q.enqueue(frame(1000, 27015, 1), now);
            for (Packet p; (p = q.dequeue(now)) != null; ) {
                sent += p.length;
                send(p);
            }
        }
        long expected = rate * 10 + 15_000;
        assertTrue(Math.abs(sent - expected) <= 1000, "sent " + sent + " bytes, expected " + expected);
        assertTrue(q.overlimits() > 0);
        assertTrue(q.nextSendTime(10_000_000_000L) > 10_000_000_000L);
        q.reset();
    }

    @Test
    void drrGivesBackloggedClassesSharesByWeightWhateverTheirPacketSizes() {
        OwnerTable owners = new OwnerTable();
        owners.bind(OwnerTable.PROTO_UDP, 1, new Owner("a", "u", "p"));
        owners.bind(OwnerTable.PROTO_UDP, 2, new Owner("b", "u", "p"));
        Drr q = new Drr(new int[] {3, 1}, 1514, 64, Classifier.byTenant(owners, Map.of("a", 0, "b", 1), 1));
        long[] bytes = new long[2];
        for (int i = 0; i < 20_000; i++) {
            while (q.backlog(0) < 32) q.enqueue(frame(1000, 1, 9), 0);   // a: small frames
            while (q.backlog(1) < 32) q.enqueue(frame(1500, 2, 9), 0);   // b: big frames
            Packet p = q.dequeue(0);
            bytes[p.srcPort - 1] += p.length;
            send(p);
        }
        double share = (double) bytes[0] / (bytes[0] + bytes[1]);
        assertEquals(0.75, share, 0.0375, "class a's share (±5%)");
        assertEquals(0.75, share, 0.005, "and in fact within half a percent");
        q.reset();
    }

    @Test
    void fqCodelServesANewSparseFlowBeforeTheBulkBacklog() {
        FqCodel q = new FqCodel();
        for (int i = 0; i < 500; i++) q.enqueue(frame(1500, 40000, 80), 0);
        send(q.dequeue(0));                       // the bulk flow is now an old flow
        Packet dns = frame(80, 40001, 53);
        q.enqueue(dns, 0);
        Packet first = q.dequeue(0), second = q.dequeue(0);
        assertTrue(first == dns || second == dns, "the sparse packet waits behind at most one bulk packet");
        send(first);
        send(second);
        q.reset();
    }

    @Test
    void fqCodelDropsOnlyWhenDelayStandsAboveTargetForAnInterval() {
        // Arrivals faster than departures: a standing queue forms, its sojourn passes 5 ms and stays.
        FqCodel q = new FqCodel();
        long now = 0;
        for (int step = 0; step < 10_000; step++, now += 100_000) {   // 1 s in 100 us steps
            q.enqueue(frame(1500, 40000, 80), now);
            if ((step & 1) == 0) continue;                               // departures at half the rate
            Packet p = q.dequeue(now);
            if (p != null) send(p);
        }
        assertTrue(q.codelDrops() > 0, "CoDel dropped under a standing queue");
        long drops = q.codelDrops();
        // Drained to a short queue whose sojourn stays under the target: no more drops.
        while (q.backlogPackets() > 2) send(q.dequeue(now));
        q.reset();
        FqCodel calm = new FqCodel();
        for (int step = 0; step < 20_000; step++, now += 100_000) {
            calm.enqueue(frame(1500, 40000, 80), now);
            send(calm.dequeue(now + 1_000_000));  // each waits 1 ms
        }
        assertEquals(0, calm.codelDrops());
        assertTrue(drops < 20_000);
    }

    @Test
    void fqCodelAboveItsLimitDropsFromTheFattestFlow() {
        FqCodel q = new FqCodel(1024, 1514, 100, FqCodel.DEFAULT_TARGET, FqCodel.DEFAULT_INTERVAL);
        for (int i = 0; i < 100; i++) q.enqueue(frame(1500, 40000, 80), 0);
        Packet thin = frame(100, 40001, 53);
        q.enqueue(thin, 0);  // over the limit: the fattest flow pays, not the newcomer
        assertEquals(100, q.backlogPackets());
        assertEquals(1, q.overlimitDrops());
        // The thin flow's packet survived; the fat flow lost its head.
        boolean found = false;
        for (Packet p; (p = q.dequeue(0)) != null; ) {
            found |= p == thin;
            send(p);
        }
        assertTrue(found);
    }

    @Test
    void qdiscNicShapesTransmitsAndIsReplacedUnderUse() {
        InMemoryNic nic = new InMemoryNic(pool, 1);
        AtomicLong clock = new AtomicLong();
        QdiscNic qn = new QdiscNic(nic, () -> new Tbf(1_000_000, 3000, 100_000), clock::get);
        for (int i = 0; i < 10; i++) qn.transmit(0, frame(1000, 1, 2));
        assertEquals(7, qn.qdisc(0).backlogPackets(), "the burst let three go at once");
        clock.set(1_000_000_000L);
        assertEquals(3, qn.poll(clock.get()), "a second later: the bucket refilled to its burst");
        Qdisc old = qn.replace(0, new FqCodel());
        assertEquals(4, old.dropped(), "replacing drops the old backlog, counted");
        qn.transmit(0, frame(1000, 1, 2));
        assertEquals(0, qn.qdisc(0).backlogPackets());
        assertTrue(qn.stats().startsWith("qdisc fq_codel 1: dev " + nic.name() + " root limit 10240p"), qn.stats());
        qn.close();
    }
}
