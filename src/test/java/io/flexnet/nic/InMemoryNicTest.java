package io.flexnet.nic;

import static io.flexnet.fixture.Hosts.ip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.fixture.Frame;
import io.flexnet.fixture.Hosts;
import io.flexnet.fixture.Hosts.Host;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InMemoryNicTest {
    private static final long A = Hosts.mac("02:00:00:00:00:0a");
    private static final long B = Hosts.mac("02:00:00:00:00:0b");

    private final PacketPool pool = new PacketPool(64);
    private final AtomicLong time = new AtomicLong(1_000);
    private final Packet[] batch = new Packet[64];

    @AfterEach
    void poolIsBalanced() {
        assertEquals(pool.capacity(), pool.available(), "every slot back in the pool");
        pool.close();
    }

    private InMemoryNic.Builder nic(int queues) {
        return InMemoryNic.builder(pool).queues(queues).clock(time::getAndIncrement);
    }

    private static int seqOf(Packet p) {
        return p.segment().get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), p.offset + 14);
    }

    private void releaseAll(int n) {
        for (int i = 0; i < n; i++) batch[i].release();
    }

    @Test
    void receivesBatchesInArrivalOrderStampedByTheClock() {
        try (InMemoryNic nic = nic(1).build()) {
            for (int i = 0; i < 10; i++) assertTrue(nic.inject(numbered(60, i)));
            int seq = 0;
            for (int expected : new int[] {4, 4, 2, 0}) {
                int n = nic.receive(0, batch, 4);
                assertEquals(expected, n);
                for (int i = 0; i < n; i++, seq++) {
                    Packet p = batch[i];
                    assertEquals(seq, seqOf(p));
                    assertEquals(0, p.rxQueue);
                    assertEquals(1_000 + seq, p.arrivalNanos);
                    assertEquals(60, p.length);
                    assertEquals(0, p.flowHash, "not IP: no hash");
                }
                releaseAll(n);
            }
            assertEquals(10, nic.rxPackets(0));
            assertEquals(600, nic.rxBytes(0));
        }
    }

    @Test
    void receiveNeverWritesPastTheArrayOrMax() {
        try (InMemoryNic nic = nic(1).build()) {
            for (int i = 0; i < 5; i++) nic.inject(numbered(60, i));
            Packet[] small = new Packet[2];
            assertEquals(2, nic.receive(0, small, 100));
            small[0].release();
            small[1].release();
            assertEquals(0, nic.receive(0, batch, 0));
            assertEquals(3, nic.receive(0, batch, 64));
            releaseAll(3);
        }
    }

    @Test
    void rssSpreadsFlowsToTheQueueTheIndirectionTableNames() {
        try (InMemoryNic nic = nic(4).build()) {
            Rss rss = nic.rss();
            int[] perQueue = new int[4];
            Random r = new Random(7);
            for (int i = 0; i < 400; i++) {
                int src = ip("198.18.0.1") + r.nextInt(200), dst = ip("198.19.0.1");
                int sp = 1024 + r.nextInt(60000), dp = 7000;
                int hash = rss.hash4(src, dst, sp, dp);
                int expected = rss.entry(hash & 127);
                assertTrue(nic.inject(Frame.udp().from(new Host(A, src)).to(new Host(B, dst)).ports(sp, dp)
                        .payload(new byte[] {1}).build()));
                assertEquals(1, nic.rxDepth(expected), "flow landed on queue " + expected);
                assertEquals(1, nic.receive(expected, batch, 64));
                assertEquals(hash, batch[0].flowHash);
                assertEquals(expected, batch[0].rxQueue);
                batch[0].release();
                perQueue[expected]++;
            }
            for (int q = 0; q < 4; q++) {
                assertTrue(perQueue[q] > 60, "queue " + q + " got " + perQueue[q] + " of 400 flows");
                assertEquals(perQueue[q], nic.rxPackets(q));
            }
        }
    }

    @Test
    void retargetingATableEntryMovesItsFlows() {
        try (InMemoryNic nic = nic(4).build()) {
            byte[] f = Frame.tcp().from(new Host(A, ip("66.9.149.187"))).to(new Host(B, ip("161.142.100.80")))
                    .ports(2794, 1766).flags(Frame.SYN).seq(1000).build();
            int index = 0x51ccc178 & 127;
            for (int q = 0; q < 4; q++) {
                nic.rss().setEntry(index, q);
                nic.inject(f);
                assertEquals(1, nic.receive(q, batch, 64), "queue " + q);
                assertEquals(0x51ccc178, batch[0].flowHash);
                batch[0].release();
            }
        }
    }

    @Test
    void steeringPolicyReplacesRssAndItsMistakesAreCountedDrops() {
        RxSteering toTwo = (p, queues) -> queues - 2;
        try (InMemoryNic nic = nic(4).steering(toTwo).build()) {
            for (int i = 0; i < 5; i++) nic.inject(Frame.udp().from(new Host(A, ip("10.0.0.1")))
                    .to(new Host(B, ip("10.0.0.2"))).ports(1000 + i, 53).payload(new byte[1]).build());
            assertEquals(5, nic.rxDepth(2));
            assertEquals(5, nic.receive(2, batch, 64));
            releaseAll(5);
        }
        try (InMemoryNic nic = nic(4).steering((p, q) -> q).build()) {
            assertFalse(nic.inject(numbered(60, 0)));
            assertEquals(1, nic.drops().get(DropReason.SELECTOR_RANGE));
        }
        try (InMemoryNic nic = nic(4).steering((p, q) -> RxSteering.DROP).build()) {
            assertFalse(nic.inject(numbered(60, 0)));
            assertEquals(1, nic.drops().get(DropReason.POLICY_DROP), "a policy's deliberate drop");
        }
        try (InMemoryNic nic = nic(4).steering((p, q) -> { throw new IllegalStateException("bug"); }).build()) {
            assertFalse(nic.inject(numbered(60, 0)));
            assertEquals(1, nic.drops().get(DropReason.EXTENSION_FAULT));
        }
    }

    @Test
    void dropsAreCountedByReasonAndSlotsReturn() {
        try (InMemoryNic nic = nic(1).rxCapacity(8).build()) {
            int accepted = 0;
            for (int i = 0; i < 20; i++) if (nic.inject(numbered(60, i))) accepted++;
            assertEquals(8, accepted);
            assertEquals(12, nic.drops().get(DropReason.RX_FULL));
            assertEquals(8, pool.inUse());
            assertFalse(nic.inject(new byte[pool.maxFrame() + 1]));
            assertEquals(1, nic.drops().get(DropReason.FRAME_TOO_LONG));
            assertFalse(nic.inject(new byte[13]));
            assertEquals(1, nic.drops().get(DropReason.TRUNCATED));
            assertEquals(8, nic.receive(0, batch, 64));
            releaseAll(8);
            assertEquals(14, nic.drops().total());
        }
        try (InMemoryNic nic = nic(1).rxCapacity(128).build()) {
            int accepted = 0;
            for (int i = 0; i < 70; i++) if (nic.inject(numbered(60, i))) accepted++;
            assertEquals(64, accepted);
            assertEquals(6, nic.drops().get(DropReason.POOL_EMPTY));
            assertEquals(64, nic.receive(0, batch, 64));
            releaseAll(64);
        }
    }

    @Test
    void injectsFromSegmentsAndFromSlotsWrittenInPlace() {
        try (InMemoryNic nic = nic(1).build(); Arena arena = Arena.ofConfined()) {
            byte[] frame = numbered(80, 99);
            MemorySegment src = arena.allocate(200);
            MemorySegment.copy(frame, 0, src, ValueLayout.JAVA_BYTE, 50, frame.length);
            assertTrue(nic.inject(src, 50, frame.length));
            Packet own = pool.allocate();
            MemorySegment.copy(frame, 0, own.segment(), ValueLayout.JAVA_BYTE, own.offset, frame.length);
            own.length = frame.length;
            assertTrue(nic.inject(own));
            assertEquals(2, nic.receive(0, batch, 64));
            assertArrayEquals(frame, batch[0].toBytes());
            assertSame(own, batch[1]);
            releaseAll(2);
        }
    }

    @Test
    void transmitQueuesHandFramesToTheCollectorInOrderAndReleaseThem() {
        try (InMemoryNic nic = nic(2).txCapacity(4).build()) {
            for (int i = 0; i < 6; i++) {
                Packet p = pool.allocate(numbered(70, i), 0, 70);
                assertEquals(i < 4, nic.transmit(1, p));
            }
            assertEquals(2, nic.drops().get(DropReason.TX_FULL));
            assertEquals(4, nic.txDepth(1));
            List<Integer> seen = new ArrayList<>();
            assertEquals(3, nic.drainTx(1, (q, p) -> seen.add(q * 100 + seqOf(p)), 3));
            assertEquals(1, nic.drainTx(1, (q, p) -> seen.add(q * 100 + seqOf(p)), 64));
            assertEquals(List.of(100, 101, 102, 103), seen);
            assertEquals(0, nic.drainTx(0, (q, p) -> seen.add(-1), 64));
            assertEquals(4, nic.txPackets(1));
            assertEquals(280, nic.txBytes(1));
            assertEquals(0, nic.txPackets(0));
            assertFalse(nic.transmit(2, pool.allocate()), "no such queue");
            assertEquals(1, nic.drops().get(DropReason.SELECTOR_RANGE));
        }
    }

    @Test
    void drainReleasesTheFrameEvenWhenTheCollectorThrows() {
        try (InMemoryNic nic = nic(1).build()) {
            nic.transmit(0, pool.allocate(numbered(60, 1), 0, 60));
            try {
                nic.drainTx(0, (q, p) -> { throw new IllegalStateException("collector bug"); }, 1);
            } catch (IllegalStateException expected) {
                // the collector's own failure surfaces; the slot must not leak
            }
        }
    }

    @Test
    void txHandlerSeesEveryFrameOnTheTransmittingThreadInsteadOfAQueue() {
        List<String> seen = new ArrayList<>();
        TxHandler handler = (q, p) -> seen.add(q + ":" + seqOf(p) + ":" + Thread.currentThread().getName());
        try (InMemoryNic nic = nic(2).txHandler(handler).build()) {
            for (int i = 0; i < 3; i++) assertTrue(nic.transmit(i % 2, pool.allocate(numbered(60, i), 0, 60)));
            String me = Thread.currentThread().getName();
            assertEquals(List.of("0:0:" + me, "1:1:" + me, "0:2:" + me), seen);
            assertEquals(0, nic.txDepth(0));
            assertEquals(2, nic.txPackets(0));
        }
        try (InMemoryNic nic = nic(1).txHandler((q, p) -> { throw new RuntimeException("handler bug"); }).build()) {
            assertFalse(nic.transmit(0, pool.allocate(numbered(60, 0), 0, 60)));
            assertEquals(1, nic.drops().get(DropReason.EXTENSION_FAULT));
        }
    }

    @Test
    void rxListenerHearsEachTransitionFromEmptyToNonEmpty() {
        try (InMemoryNic nic = nic(2).steering((p, q) -> seqOf(p) % 2).build()) {
            AtomicInteger[] calls = {new AtomicInteger(), new AtomicInteger()};
            nic.setRxListener(q -> calls[q].incrementAndGet());
            for (int i = 0; i < 3; i++) nic.inject(numbered(60, 0));
            assertEquals(1, calls[0].get(), "one transition, one call");
            assertEquals(0, calls[1].get());
            assertEquals(2, nic.receive(0, batch, 2));   // not drained: still non-empty
            releaseAll(2);
            nic.inject(numbered(60, 0));
            assertEquals(1, calls[0].get());
            assertEquals(2, nic.receive(0, batch, 64));  // drained: the poller saw it empty
            releaseAll(2);
            nic.inject(numbered(60, 0));
            assertEquals(2, calls[0].get());
            nic.inject(numbered(60, 1));
            assertEquals(1, calls[1].get(), "queues are armed independently");
            assertEquals(1, nic.receive(0, batch, 64));
            batch[0].release();
            assertEquals(1, nic.receive(1, batch, 64));
            batch[0].release();
        }
    }

    @Test
    void closeReleasesQueuedFramesAsShutdownAndRefusesMore() {
        InMemoryNic nic = nic(2).build();
        for (int i = 0; i < 5; i++) nic.inject(Frame.udp().from(new Host(A, ip("10.0.0.1")))
                .to(new Host(B, ip("10.0.0.2"))).ports(1000 + i, 53).payload(new byte[1]).build());
        nic.transmit(1, pool.allocate(numbered(60, 0), 0, 60));
        nic.close();
        assertEquals(6, nic.drops().get(DropReason.SHUTDOWN));
        assertFalse(nic.inject(numbered(60, 0)));
        assertEquals(7, nic.drops().get(DropReason.SHUTDOWN));
    }

    @Test
    void sharedPollingQueuesBehaveTheSame() {
        try (InMemoryNic nic = nic(1).sharedRxPolling(true).rxCapacity(8).build()) {
            for (int i = 0; i < 10; i++) nic.inject(numbered(60, i));
            assertEquals(2, nic.drops().get(DropReason.RX_FULL));
            assertEquals(8, nic.receive(0, batch, 64));
            for (int i = 0; i < 8; i++) assertEquals(i, seqOf(batch[i]));
            releaseAll(8);
        }
    }

    @Test
    void countersNameEveryQueue() {
        try (InMemoryNic nic = nic(2).build()) {
            assertEquals(8, nic.counters().size());
            assertEquals("rx1-bytes", nic.counters().label(3));
            assertEquals("tx0-packets", nic.counters().label(4));
        }
    }

    /** A {@code len}-byte frame of the local-experimental EtherType whose body says which one it is. */
    private static byte[] numbered(int len, int seq) {
        return Frame.ethernet(0x88B5).from(Hosts.US).to(Hosts.PEER).payload(Frame.counter(seq, len - Frame.ETH_HEADER))
                .build();
    }
}
