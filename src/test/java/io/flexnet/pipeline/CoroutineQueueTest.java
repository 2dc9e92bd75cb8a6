package io.flexnet.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.packet.PacketPool;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * The queue's contract for every concurrency, and the single-consumer ring under real producers:
 * every coroutine comes out exactly once, in order per producer, a full queue refuses, and the counts
 * and sojourn histogram agree with what happened.
 */
class CoroutineQueueTest {
    private static final int SLOTS = 1024;

    @Test
    void everyConcurrencyIsFifoRefusesWhenFullAndCounts() {
        try (PacketPool pool = new PacketPool(16)) {
            Coroutines cos = new Coroutines(pool);
            for (CoroutineQueue.Concurrency c : CoroutineQueue.Concurrency.values()) {
                CoroutineQueue q = new CoroutineQueue("q-" + c, 4, c);
                assertEquals(4, q.capacity(), c.toString());
                assertTrue(q.isEmpty());
                assertNull(q.poll(0));
                for (int i = 0; i < 4; i++) assertTrue(q.offer(cos.of(pool.get(i))), c + " offer " + i);
                assertFalse(q.offer(cos.of(pool.get(4))), c + ": a full queue refuses");
                assertEquals(1, q.full());
                assertEquals(4, q.depth());
                assertSame(cos.of(pool.get(0)), q.poll(10));
                assertTrue(q.offer(cos.of(pool.get(4))), c + ": a freed slot is usable again");
                for (int i = 1; i <= 4; i++) assertSame(cos.of(pool.get(i)), q.poll(10), c + " order");
                assertNull(q.poll(10));
                assertEquals(5, q.enqueued());
                assertEquals(5, q.dequeued());
                assertEquals(0, q.depth());
                assertEquals(5, q.sojourn().count());
            }
        }
    }

    @Test
    void spscDeliversEverythingOnceInOrder() throws Exception {
        stress(CoroutineQueue.Concurrency.SPSC, 1, 2_000_000);
    }

    @Test
    void mpscDeliversEverythingOnceInOrderPerProducer() throws Exception {
        stress(CoroutineQueue.Concurrency.MPSC, 3, 600_000);
    }

    /**
     * Producers each own a disjoint set of coroutines and offer them round and round (each only once
     * the consumer has handed it back), so a coroutine seen twice at once, lost or out of order shows.
     */
    private static void stress(CoroutineQueue.Concurrency c, int producers, int perProducer) throws Exception {
        try (PacketPool pool = new PacketPool(SLOTS)) {
            Coroutines cos = new Coroutines(pool);
            CoroutineQueue q = new CoroutineQueue("stress", 64, c);
            int own = SLOTS / producers;
            // Per coroutine: 1 while in flight. The consumer clears it; the producer waits for that.
            java.util.concurrent.atomic.AtomicIntegerArray inFlight = new java.util.concurrent.atomic.AtomicIntegerArray(SLOTS);
            java.util.concurrent.atomic.AtomicLongArray sequence = new java.util.concurrent.atomic.AtomicLongArray(SLOTS);
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            long[] refused = new long[producers];
            for (int t = 0; t < producers; t++) {
                final int id = t;
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int n = 0; n < perProducer; n++) {
                        int slot = id * own + n % own;
                        while (inFlight.get(slot) != 0) Thread.onSpinWait();
                        Coroutine co = cos.of(pool.get(slot));
                        co.suspendedNanos = n;  // the producer's sequence number, read back by the consumer
                        inFlight.set(slot, 1);
                        while (!q.offer(co)) {
                            refused[id]++;
                            Thread.onSpinWait();
                        }
                    }
                }));
            }
            start.countDown();
            long taken = 0;
            long[] lastSeen = new long[producers];
            java.util.Arrays.fill(lastSeen, -1);
            long total = (long) producers * perProducer;
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (taken < total) {
                Coroutine co = q.poll(0);
                if (co == null) {
                    if (System.nanoTime() > deadline) throw new AssertionError("stalled after " + taken + " of " + total);
                    Thread.onSpinWait();
                    continue;
                }
                int slot = co.packet().index();
                int producer = slot / own;
                long seq = co.suspendedNanos;
                if (seq <= lastSeen[producer]) throw new AssertionError("producer " + producer + ": " + seq + " after " + lastSeen[producer]);
                lastSeen[producer] = seq;
                sequence.incrementAndGet(slot);
                if (inFlight.getAndSet(slot, 0) != 1) throw new AssertionError("coroutine " + slot + " came out twice");
                taken++;
            }
            for (Thread t : threads) t.join();
            assertNull(q.poll(0));
            assertEquals(total, q.enqueued());
            assertEquals(total, q.dequeued());
            for (int p = 0; p < producers; p++) assertEquals(perProducer - 1, lastSeen[p]);
            long sum = 0;
            for (int i = 0; i < SLOTS; i++) sum += sequence.get(i);
            assertEquals(total, sum);
        }
    }
}
