package io.flexnet.nic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.fixture.Frame;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.runtime.ManualClock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each fault measured over many frames with a fixed seed and held to a binomial bound (five standard
 * deviations either side of n·p), plus the exact behaviours: delay to the nanosecond on a manual
 * clock, the rate limiter's spacing and queue bound, replay from a seed, and every slot returned.
 */
class FaultLinkTest {
    private static final long MS = 1_000_000L;
    private static final int N = 100_000;

    private final ManualClock clock = new ManualClock(1_000 * MS);
    private final PacketPool pool = new PacketPool(4096);

    /** A real UDP frame whose payload says which one it is. */
    private static byte[] frame(int id, int payload) {
        return Frame.udp().payload(Frame.counter(id, payload)).build();
    }

    private static int idOf(Packet p) {
        int at = p.offset + Frame.ETH_HEADER + Frame.IPV4_HEADER + Frame.UDP_HEADER;
        return p.segment().get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), at);
    }

    private Packet packet(byte[] f) {
        Packet p = pool.allocate(f, 0, f.length);
        if (p == null) throw new AssertionError("pool empty: a slot leaked");
        return p;
    }

    private static void assertBinomial(long observed, int n, double p) {
        double mean = n * p, sd = Math.sqrt(n * p * (1 - p));
        assertTrue(Math.abs(observed - mean) <= 5 * sd,
                observed + " of " + n + " outside " + mean + " +- " + 5 * sd);
    }

    @Test
    void losesTenPercentWithinTheBinomialBound() {
        FaultLink link = new FaultLink("wire", Faults.NONE.loss(0.10), 1, clock::nanoTime);
        byte[] f = frame(0, 64);
        int[] got = {0};
        for (int i = 0; i < N; i++) {
            link.offer(0, packet(f));
            link.poll((q, p) -> { got[0]++; p.release(); });
        }
        long lost = link.drops().get(DropReason.INJECTED_LOSS);
        assertBinomial(lost, N, 0.10);
        assertEquals(N, lost + got[0]);
        assertEquals(lost, link.drops().total());
        assertEquals(pool.capacity(), pool.available());
    }

    @Test
    void duplicatesFivePercentAsExactCopies() {
        FaultLink link = new FaultLink("wire", Faults.NONE.duplicate(0.05), 2, clock::nanoTime);
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            link.offer(0, packet(frame(i, 32)));
            link.poll((q, p) -> {
                ids.add(idOf(p));
                p.release();
            });
        }
        assertBinomial(link.duplicated(), N, 0.05);
        assertEquals(N + link.duplicated(), ids.size());
        // Each copy follows its original at once (no delay configured), byte for byte the same id.
        int dups = 0;
        for (int i = 1; i < ids.size(); i++) if (ids.get(i).equals(ids.get(i - 1))) dups++;
        assertEquals(link.duplicated(), dups);
        assertEquals(pool.capacity(), pool.available());
    }

    @Test
    void corruptionFlipsABitThatTheChecksumsCatch() {
        FaultLink link = new FaultLink("wire", Faults.NONE.corrupt(0.02), 3, clock::nanoTime);
        int bad = 0, changed = 0;
        for (int i = 0; i < N; i++) {
            byte[] f = frame(i, 100);
            link.offer(0, packet(f));
            byte[][] out = new byte[1][];
            link.poll((q, p) -> { out[0] = p.toBytes(); p.release(); });
            boolean differs = !Arrays.equals(f, out[0]);
            boolean fails = !checksumsHold(out[0]);
            if (differs) {
                changed++;
                assertEquals(1, bitsDifferent(f, out[0]), "frame " + i + ": one bit flipped");
                assertTrue(fails, "frame " + i + " was corrupted yet passes its checksums");
            } else {
                assertFalse(fails);
            }
            if (fails) bad++;
        }
        assertEquals(link.corrupted(), changed);
        assertEquals(changed, bad);
        assertBinomial(bad, N, 0.02);
    }

    @Test
    void delayHoldsEveryFrameExactlyItsTime() {
        FaultLink link = new FaultLink("wire", Faults.NONE.delay(10 * MS, 0), 4, clock::nanoTime);
        long t0 = clock.nanoTime();
        for (int i = 0; i < 5; i++) {
            link.offer(0, packet(frame(i, 16)));
            clock.advance(MS);
        }
        List<Integer> ids = new ArrayList<>();
        FaultLink.Out take = (q, p) -> { ids.add(idOf(p)); p.release(); };
        clock.set(t0 + 10 * MS - 1);
        assertEquals(0, link.poll(take));
        assertEquals(t0 + 10 * MS, link.nextDue());
        clock.set(t0 + 10 * MS);
        assertEquals(1, link.poll(take));
        clock.set(t0 + 14 * MS);
        assertEquals(4, link.poll(take));
        assertEquals(List.of(0, 1, 2, 3, 4), ids);
        assertEquals(Long.MAX_VALUE, link.nextDue());
    }

    @Test
    void jitterStaysWithinItsRange() {
        FaultLink link = new FaultLink("wire", Faults.NONE.delay(MS, MS), 5, clock::nanoTime);
        long[] sent = new long[10_000];
        long[] minMax = {Long.MAX_VALUE, Long.MIN_VALUE};
        for (int i = 0; i < sent.length; i++) {
            sent[i] = clock.nanoTime();
            link.offer(0, packet(frame(i, 16)));
            clock.advance(MS / 10);
            link.poll((q, p) -> {
                long d = clock.nanoTime() - sent[idOf(p)];
                minMax[0] = Math.min(minMax[0], d);
                minMax[1] = Math.max(minMax[1], d);
                p.release();
            });
        }
        assertTrue(minMax[0] >= MS, "earliest " + minMax[0]);
        assertTrue(minMax[1] < 2 * MS + MS / 10, "latest " + minMax[1]);   // [1, 2) ms, polled each 0.1 ms
        assertTrue(minMax[1] - minMax[0] > MS / 2, "jitter spread " + (minMax[1] - minMax[0]));
    }

    @Test
    void reordersTenPercentWithinTheBinomialBound() {
        FaultLink link = new FaultLink("wire", Faults.NONE.reorder(0.10, 5 * MS), 6, clock::nanoTime);
        int[] maxSeen = {-1};
        int[] late = {0};
        FaultLink.Out take = (q, p) -> {
            int id = idOf(p);
            if (id < maxSeen[0]) late[0]++;
            maxSeen[0] = Math.max(maxSeen[0], id);
            p.release();
        };
        for (int i = 0; i < N; i++) {
            link.offer(0, packet(frame(i, 16)));
            clock.advance(MS);
            link.poll(take);
        }
        clock.advance(10 * MS);
        link.poll(take);
        // A held frame is passed by the next five unless all five are held too (p = 1e-5).
        assertBinomial(late[0], N, 0.10);
        assertEquals(N, link.delivered());
    }

    @Test
    void rateLimitSpacesFramesAndDropsBeyondItsQueue() {
        // 1,000,000 B/s carries a 1000-byte frame per ms; 2 MB/s offered for one second; 10 kB queue.
        int len = frame(0, 1000 - 42).length;
        assertEquals(1000, len);
        FaultLink link = new FaultLink("wire", Faults.NONE.rate(1_000_000, 10_000), 7, clock::nanoTime);
        long t0 = clock.nanoTime();
        List<Long> times = new ArrayList<>();
        long[] worstWait = {0};
        long[] offeredAt = new long[2000];
        for (int i = 0; i < 2000; i++) {
            offeredAt[i] = clock.nanoTime();
            link.offer(0, packet(frame(i, 1000 - 42)));
            clock.advance(MS / 2);
            link.poll((q, p) -> {
                times.add(clock.nanoTime());
                worstWait[0] = Math.max(worstWait[0], clock.nanoTime() - offeredAt[idOf(p)]);
                p.release();
            });
        }
        long limited = link.drops().get(DropReason.RATE_LIMIT);
        assertEquals(2000, times.size() + limited + link.held());
        // In one second a 1 ms-per-frame link sends 1000 frames, give or take the one in flight.
        assertTrue(Math.abs(times.size() - 1000) <= 1, times.size() + " frames in 1 s");
        for (int i = 1; i < times.size(); i++) assertTrue(times.get(i) - times.get(i - 1) >= MS / 2);
        // Never more than 10 frames (10 kB) wait, so no frame waits more than 11 ms to leave.
        assertTrue(worstWait[0] <= 11 * MS, "waited " + worstWait[0]);
        assertTrue(link.held() <= 10);
        long horizon = t0 + 2000 * MS / 2;
        assertTrue(times.get(times.size() - 1) <= horizon);
        link.close();
        assertEquals(pool.capacity(), pool.available());
    }

    @Test
    void theSameSeedGivesTheSameFramesAtTheSameTimes() {
        Faults f = Faults.NONE.loss(0.05).duplicate(0.03).corrupt(0.02).reorder(0.05, 3 * MS).delay(2 * MS, MS)
                .rate(4_000_000, 64_000);
        List<String> a = run(f, 11), b = run(f, 11), c = run(f, 12);
        assertEquals(a, b);
        assertNotEquals(a, c);
        assertTrue(a.size() > 9_000, a.size() + " delivered");
    }

    private List<String> run(Faults f, long seed) {
        ManualClock c = new ManualClock(0);
        FaultLink link = new FaultLink("wire", f, seed, c::nanoTime);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            link.offer(0, packet(frame(i, 200)));
            c.advance(MS / 4);
            link.poll((q, p) -> { out.add(c.nanoTime() + ":" + Arrays.hashCode(p.toBytes())); p.release(); });
        }
        link.close();
        assertEquals(pool.capacity(), pool.available());
        return out;
    }

    @Test
    void holdsNoMoreThanMaxHeldAndCloseReturnsTheSlots() {
        FaultLink link = new FaultLink("wire", Faults.NONE.delay(MS, 0).maxHeld(8), 8, clock::nanoTime);
        for (int i = 0; i < 10; i++) link.offer(0, packet(frame(i, 16)));
        assertEquals(8, link.held());
        assertEquals(2, link.drops().get(DropReason.QUEUE_FULL));
        link.close();
        assertEquals(8, link.drops().get(DropReason.SHUTDOWN));
        assertEquals(pool.capacity(), pool.available());
    }

    @Test
    void aCopyWithoutASlotIsCountedAndTheOriginalStillGoes() {
        try (PacketPool two = new PacketPool(2)) {
            FaultLink link = new FaultLink("wire", Faults.NONE.duplicate(1.0), 9, clock::nanoTime);
            byte[] f = frame(1, 16);
            Packet hog = two.allocate();                    // leaves one slot: the frame's own
            assertTrue(link.offer(0, two.allocate(f, 0, f.length)));
            assertEquals(1, link.drops().get(DropReason.POOL_EMPTY));
            assertEquals(1, link.poll((q, p) -> p.release()));
            hog.release();
            assertEquals(2, two.available());
        }
    }

    @Test
    void offerAndPollAllocateNothing() {
        java.lang.management.ThreadMXBean base = java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(base instanceof com.sun.management.ThreadMXBean, "needs per-thread allocation counters");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) base;
        org.junit.jupiter.api.Assumptions.assumeTrue(mx.isThreadAllocatedMemorySupported(), "per-thread allocation counting unsupported");
        FaultLink link = new FaultLink("wire", Faults.NONE.loss(0.05).duplicate(0.05).corrupt(0.05).reorder(0.05, MS)
                .delay(MS, MS / 2).rate(100_000_000, 1_000_000), 10, clock::nanoTime);
        byte[] f = frame(0, 100);
        FaultLink.Out sink = (q, p) -> p.release();
        Runnable round = () -> {
            for (int i = 0; i < 100; i++) {
                Packet p = pool.allocate(f, 0, f.length);
                link.offer(0, p);
                clock.advance(10_000);
                link.poll(sink);
            }
        };
        for (int i = 0; i < 3_000; i++) round.run();          // let the JIT compile it
        long tid = Thread.currentThread().threadId();
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 1_000; i++) round.run();
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        // A few bytes of slack for the measurement; one object per frame would be megabytes.
        assertTrue(allocated < 10_000, allocated + " bytes for 100,000 frames");
        clock.advance(10 * MS);
        link.poll(sink);
        assertEquals(pool.capacity(), pool.available());
    }

    @Test
    void refusesNonsenseFaults() {
        assertThrows(IllegalArgumentException.class, () -> Faults.NONE.loss(1.5));
        assertThrows(IllegalArgumentException.class, () -> Faults.NONE.loss(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Faults.NONE.delay(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> Faults.NONE.reorder(0.1, 0));
        assertThrows(IllegalArgumentException.class, () -> Faults.NONE.maxHeld(0));
    }

    // ---- checksums, computed here from RFC 791 and RFC 768, not by the stack ----

    private static boolean checksumsHold(byte[] f) {
        int ip = Frame.ETH_HEADER;
        int ihl = (f[ip] & 0x0F) * 4;
        if ((f[ip] & 0xF0) != 0x40 || ihl < 20) return false;
        if (sum(f, ip, ihl, 0) != 0xFFFF) return false;
        int total = u16(f, ip + 2);
        if (total < ihl || ip + total > f.length) return false;
        int udp = ip + ihl, udpLen = total - ihl;
        if ((f[ip + 9] & 0xFF) != Frame.PROTO_UDP || udpLen < 8 || u16(f, udp + 4) != udpLen) return false;
        if (u16(f, udp + 6) == 0) return true;                  // no checksum sent
        long pseudo = (long) u16(f, ip + 12) + u16(f, ip + 14) + u16(f, ip + 16) + u16(f, ip + 18) + Frame.PROTO_UDP + udpLen;
        return sum(f, udp, udpLen, pseudo) == 0xFFFF;
    }

    private static int sum(byte[] b, int off, int len, long start) {
        long s = start;
        for (int i = 0; i + 1 < len; i += 2) s += u16(b, off + i);
        if ((len & 1) != 0) s += (b[off + len - 1] & 0xFF) << 8;
        while ((s >>> 16) != 0) s = (s & 0xFFFF) + (s >>> 16);
        return (int) s;
    }

    private static int u16(byte[] b, int at) { return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF); }

    private static int bitsDifferent(byte[] a, byte[] b) {
        int n = 0;
        for (int i = 0; i < a.length; i++) n += Integer.bitCount((a[i] ^ b[i]) & 0xFF);
        return n;
    }
}
