package io.flexnet.nic;

import static io.flexnet.fixture.Hosts.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.fixture.Frame;
import io.flexnet.fixture.Hosts;
import io.flexnet.fixture.Hosts.Host;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * One injector and one poller on two threads, with the poller sleeping whenever both queues are empty
 * and relying on the RxListener to wake it: checks that nothing is lost (every frame received or counted
 * as a drop), that each queue keeps arrival order, that no wake-up is lost, and that the pool is whole.
 */
class InMemoryNicStressTest {
    private static final int FRAMES = 300_000;
    private static final int FLOWS = 16;
    /** A park this long that ends with work waiting means the wake-up never came. */
    private static final long LOST_WAKEUP_NANOS = 2_000_000_000L;
    private static final ValueLayout.OfInt SEQ = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    /** Payload starts after Ethernet, IPv4 and UDP headers. */
    private static final int SEQ_AT = 14 + 20 + 8;

    @Test
    void everyFrameIsReceivedOrCountedAndThePoolEndsFull() throws Exception {
        PacketPool pool = new PacketPool(256);
        InMemoryNic nic = InMemoryNic.builder(pool).queues(2).queueCapacity(64).build();
        byte[][] flows = new byte[FLOWS][];
        for (int f = 0; f < FLOWS; f++) {
            flows[f] = Frame.udp().from(new Host(Hosts.mac("02:00:00:00:00:0a"), ip("198.18.0.1")))
                    .to(new Host(Hosts.mac("02:00:00:00:00:0b"), ip("198.19.0.1"))).ports(40_000 + f, 7000).payload(new byte[18]).build();
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong progress = new AtomicLong();
        long[] received = new long[2];
        long[] parks = new long[1];
        int[] accepted = new int[1];
        boolean[] injectorDone = new boolean[1];

        Thread poller = new Thread(() -> {
            Packet[] batch = new Packet[32];
            int[] lastSeq = {-1, -1};
            try {
                while (true) {
                    int got = 0;
                    for (int q = 0; q < 2; q++) {
                        int n = nic.receive(q, batch, batch.length);
                        for (int i = 0; i < n; i++) {
                            Packet p = batch[i];
                            int seq = p.segment().get(SEQ, p.offset + SEQ_AT);
                            if (seq <= lastSeq[q] || p.rxQueue != q) {
                                throw new AssertionError("queue " + q + ": seq " + seq + " after " + lastSeq[q]);
                            }
                            lastSeq[q] = seq;
                            p.release();
                        }
                        received[q] += n;
                        got += n;
                        progress.lazySet(received[0] + received[1]);
                    }
                    if (got > 0) continue;
                    synchronized (injectorDone) {
                        if (injectorDone[0] && nic.rxDepth(0) == 0 && nic.rxDepth(1) == 0) return;
                    }
                    // Both queues were seen empty, so both are armed: sleep until a listener call.
                    long t0 = System.nanoTime();
                    LockSupport.parkNanos(LOST_WAKEUP_NANOS);
                    parks[0]++;
                    if (System.nanoTime() - t0 >= LOST_WAKEUP_NANOS && (nic.rxDepth(0) > 0 || nic.rxDepth(1) > 0)) {
                        throw new AssertionError("wake-up lost: parked " + LOST_WAKEUP_NANOS / 1_000_000
                                + " ms with frames waiting, after " + parks[0] + " parks");
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "poller");
        nic.setRxListener(q -> LockSupport.unpark(poller));

        Thread injector = new Thread(() -> {
            int ok = 0;
            for (int i = 0; i < FRAMES && failure.get() == null; i++) {
                byte[] f = flows[i % FLOWS];
                f[SEQ_AT] = (byte) (i >>> 24);
                f[SEQ_AT + 1] = (byte) (i >>> 16);
                f[SEQ_AT + 2] = (byte) (i >>> 8);
                f[SEQ_AT + 3] = (byte) i;
                // Progress is read before the attempt: read after a refusal, it could already include
                // the poller's catching up, and the wait below would stall both threads.
                long seen = progress.get();
                if (nic.inject(f)) {
                    ok++;
                } else {
                    // Counted as dropped. Wait for the poller to make progress, so the queues see full,
                    // empty and in between; a poller whose wake-up was lost stalls this until its park
                    // times out, which the poller reports.
                    long t0 = System.nanoTime();
                    while (progress.get() == seen && System.nanoTime() - t0 < 2 * LOST_WAKEUP_NANOS) Thread.yield();
                }
            }
            accepted[0] = ok;
            synchronized (injectorDone) {
                injectorDone[0] = true;
            }
            LockSupport.unpark(poller);
        }, "injector");

        poller.start();
        injector.start();
        injector.join(60_000);
        poller.join(60_000);
        assertNull(failure.get(), () -> "poller failed: " + failure.get());
        assertTrue(!poller.isAlive() && !injector.isAlive(), "threads finished");

        long drops = nic.drops().get(DropReason.RX_FULL) + nic.drops().get(DropReason.POOL_EMPTY);
        assertEquals(FRAMES, received[0] + received[1] + drops, "received + dropped = injected");
        assertEquals(accepted[0], received[0] + received[1]);
        assertEquals(drops, nic.drops().total(), "no other drop reason");
        assertEquals(received[0], nic.rxPackets(0));
        assertEquals(received[1], nic.rxPackets(1));
        assertTrue(received[0] > 0 && received[1] > 0, "RSS used both queues");
        assertEquals(pool.capacity(), pool.available(), "pool full again");
        System.out.printf("stress: %d received (q0 %d, q1 %d), %d dropped, %d parks%n",
                received[0] + received[1], received[0], received[1], drops, parks[0]);
        nic.close();
        pool.close();
    }
}
