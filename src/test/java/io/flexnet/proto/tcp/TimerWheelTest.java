package io.flexnet.proto.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class TimerWheelTest {
    private static final long MS = 1_000_000L;

    @Test
    void firesNeverEarlyAndWithinOneTickLate() {
        long start = 5 * MS;
        TimerWheel w = new TimerWheel(64, MS, 16, start);
        long[] firedAt = new long[16];
        java.util.Arrays.fill(firedAt, -1);
        long[] deadlines = {start, start + 1, start + MS - 1, start + MS, start + 3 * MS + 7, start + 63 * MS + 1};
        for (int h = 0; h < deadlines.length; h++) w.schedule(h, deadlines[h]);
        // Advance in steps much finer than a tick, as a busy stack would.
        for (long now = start; now < start + 70 * MS; now += MS / 10) {
            w.advance(now, (h, t) -> firedAt[h] = t);
        }
        for (int h = 0; h < deadlines.length; h++) {
            assertTrue(firedAt[h] >= deadlines[h], "handle " + h + " fired early at " + firedAt[h]);
            assertTrue(firedAt[h] < deadlines[h] + MS + MS / 10, "handle " + h + " fired late at " + firedAt[h]);
        }
        assertEquals(0, w.size());
    }

    @Test
    void deadlinesManyTurnsAwayWaitTheirTurns() {
        TimerWheel w = new TimerWheel(8, MS, 4, 0);
        w.schedule(0, 8 * 5 * MS + 3 * MS);            // five turns and three ticks
        int[] fired = {0};
        for (long now = 0; now < 43 * MS; now += MS) {
            assertEquals(0, w.advance(now, (h, t) -> fired[0]++), "fired at " + now);
        }
        assertEquals(1, w.advance(43 * MS, (h, t) -> fired[0]++));
        assertEquals(1, fired[0]);
    }

    @Test
    void aJumpOfManyTurnsFiresEverythingDueInTickOrder() {
        TimerWheel w = new TimerWheel(8, MS, 64, 0);
        Random r = new Random(7);
        long[] d = new long[64];
        for (int h = 0; h < 64; h++) {
            d[h] = (1 + r.nextInt(1000)) * MS - r.nextInt((int) MS);
            w.schedule(h, d[h]);
        }
        List<Long> order = new ArrayList<>();
        int fired = w.advance(600 * MS, (h, t) -> order.add(d[h]));
        long due = java.util.Arrays.stream(d).filter(x -> x <= 600 * MS).count();
        assertEquals(due, fired);
        for (int i = 1; i < order.size(); i++) {
            long tickA = (order.get(i - 1) + MS - 1) / MS, tickB = (order.get(i) + MS - 1) / MS;
            assertTrue(tickA <= tickB, "out of tick order at " + i);
        }
        assertEquals(64 - due, w.size());
        assertEquals(64 - due, w.advance(2000 * MS, (h, t) -> {}));
    }

    @Test
    void aCallbackMayRescheduleItselfAndCancelOthers() {
        TimerWheel w = new TimerWheel(16, MS, 8, 0);
        w.schedule(0, 2 * MS);
        w.schedule(1, 2 * MS);
        w.schedule(2, 2 * MS);
        List<Integer> fired = new ArrayList<>();
        TimerWheel.Expiry cb = (h, now) -> {
            fired.add(h);
            if (h == 0 && fired.size() == 1) {
                w.cancel(1);
                w.cancel(2);
                w.schedule(2, now);        // re-armed for now: due at the wheel's next tick, not in this round
                w.schedule(0, now + 5 * MS);
            }
        };
        // Keep 0 alone in its tick so its callback runs first and cancels the others.
        w.cancel(1);
        w.cancel(2);
        w.schedule(1, 3 * MS);
        w.schedule(2, 3 * MS);
        assertEquals(1, w.advance(2 * MS, cb));
        assertEquals(List.of(0), fired);
        assertFalse(w.isScheduled(1));
        assertTrue(w.isScheduled(2));
        assertEquals(0, w.advance(2 * MS + 1, cb));
        assertEquals(1, w.advance(3 * MS, cb));
        assertEquals(List.of(0, 2), fired);
        assertEquals(7 * MS, w.deadline(0));
        assertEquals(1, w.advance(7 * MS, cb));
        assertEquals(List.of(0, 2, 0), fired);
        assertEquals(0, w.size());
    }

    @Test
    void cancellingALaterDueTimerFromACallbackInTheSameRoundStopsIt() {
        TimerWheel w = new TimerWheel(16, MS, 4, 0);
        w.schedule(0, 1 * MS);
        w.schedule(1, 2 * MS);
        List<Integer> fired = new ArrayList<>();
        assertEquals(1, w.advance(5 * MS, (h, now) -> { fired.add(h); w.cancel(1); }));
        assertEquals(List.of(0), fired);
    }

    @Test
    void nextDeadlineIsTheEarliestTickAndMaxWhenEmpty() {
        TimerWheel w = new TimerWheel(8, MS, 4, 0);
        assertEquals(Long.MAX_VALUE, w.nextDeadline());
        w.schedule(3, 100 * MS + 1);                 // beyond a turn
        assertEquals(101 * MS, w.nextDeadline());
        w.schedule(1, 5 * MS - 1);
        assertEquals(5 * MS, w.nextDeadline());
        w.cancel(1);
        assertEquals(101 * MS, w.nextDeadline());
        assertEquals(Long.MAX_VALUE, w.deadline(1));
        assertEquals(100 * MS + 1, w.deadline(3));
    }

    @Test
    void refusesBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new TimerWheel(6, MS, 4, 0));
        assertThrows(IllegalArgumentException.class, () -> new TimerWheel(8, 0, 4, 0));
        TimerWheel w = new TimerWheel(8, MS, 4, 0);
        assertThrows(IndexOutOfBoundsException.class, () -> w.schedule(4, MS));
        assertThrows(IndexOutOfBoundsException.class, () -> w.cancel(-1));
    }

    /** 100,000 random schedules, cancels and advances (some jumping many turns) against a sorted map. */
    @Test
    void matchesASortedMapModel() {
        final long tick = MS, start = 123;
        final int slots = 32, cap = 200;
        TimerWheel w = new TimerWheel(slots, tick, cap, start);
        TreeMap<Long, TreeSet<Integer>> byTick = new TreeMap<>();
        long[] tickOf = new long[cap];
        long[] deadlineOf = new long[cap];
        java.util.Arrays.fill(tickOf, -1);
        long modelNext = 0;                          // first tick the model has not passed
        long now = start;
        Random r = new Random(20261204);
        List<long[]> fired = new ArrayList<>();
        for (int op = 0; op < 100_000; op++) {
            int kind = r.nextInt(10);
            int h = r.nextInt(cap);
            if (kind < 5) {
                long d = now + (r.nextInt(20) == 0 ? r.nextInt(200) * tick : r.nextInt(40) * tick) + r.nextInt((int) tick) - tick / 2;
                if (tickOf[h] >= 0) byTick.get(tickOf[h]).remove(h);
                long t = Math.max(d <= start ? 0 : (d - start + tick - 1) / tick, modelNext);
                tickOf[h] = t;
                deadlineOf[h] = d;
                byTick.computeIfAbsent(t, k -> new TreeSet<>()).add(h);
                w.schedule(h, d);
            } else if (kind < 7) {
                if (tickOf[h] >= 0) byTick.get(tickOf[h]).remove(h);
                tickOf[h] = -1;
                w.cancel(h);
            } else {
                now += r.nextInt(50) == 0 ? r.nextInt(slots * 10) * tick : r.nextInt((int) (3 * tick));
                long last = (now - start) / tick;
                List<long[]> expected = new ArrayList<>();
                for (Map.Entry<Long, TreeSet<Integer>> e : byTick.headMap(last, true).entrySet()) {
                    for (int x : e.getValue()) { expected.add(new long[] {e.getKey(), x}); tickOf[x] = -1; }
                }
                byTick.headMap(last, true).clear();
                if (last >= modelNext) modelNext = last + 1;
                fired.clear();
                final long at = now;
                int n = w.advance(now, (x, t) -> {
                    assertTrue(deadlineOf[x] <= at, "early");
                    fired.add(new long[] {(deadlineOf[x] <= start ? 0 : (deadlineOf[x] - start + tick - 1) / tick), x});
                });
                assertEquals(expected.size(), n, "op " + op);
                // Tick order: the sequence of ticks never goes down; the same set fired.
                TreeSet<Long> want = new TreeSet<>(), got = new TreeSet<>();
                for (long[] e : expected) want.add(e[1]);
                for (long[] f : fired) got.add(f[1]);
                assertEquals(want, got, "op " + op);
                for (int i = 1; i < fired.size(); i++) {
                    long a = Math.max(fired.get(i - 1)[0], 0), b = fired.get(i)[0];
                    // a timer scheduled in the past sits at the wheel's next tick; compare the model's ticks
                    assertTrue(tickFor(expected, fired.get(i - 1)[1]) <= tickFor(expected, fired.get(i)[1]),
                            "op " + op + ": out of tick order " + a + " then " + b);
                }
            }
            int armed = 0;
            for (TreeSet<Integer> s : byTick.values()) armed += s.size();
            assertEquals(armed, w.size(), "op " + op);
            if (op % 997 == 0) {
                long want = byTick.isEmpty() ? Long.MAX_VALUE
                        : byTick.entrySet().stream().filter(e -> !e.getValue().isEmpty()).mapToLong(Map.Entry::getKey)
                                .map(t -> start + t * tick).min().orElse(Long.MAX_VALUE);
                assertEquals(want, w.nextDeadline(), "op " + op);
            }
        }
    }

    private static long tickFor(List<long[]> expected, long handle) {
        for (long[] e : expected) if (e[1] == handle) return e[0];
        throw new AssertionError("handle " + handle + " fired but was not due");
    }

    @Test
    void schedulingAndCancellingAllocateNothing() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
                "needs per-thread allocation counters");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(mx.isThreadAllocatedMemorySupported(), "per-thread allocation counting unsupported");
        TimerWheel w = new TimerWheel(256, MS, 1024, 0);
        int[] count = {0};
        TimerWheel.Expiry cb = (h, now) -> count[0]++;
        long[] clock = {0};
        Runnable round = () -> {
            for (int i = 0; i < 1024; i++) w.schedule(i, clock[0] + (i % 300) * MS + i);
            for (int i = 0; i < 1024; i += 3) w.cancel(i);
            for (int k = 0; k < 10; k++) { clock[0] += 40 * MS; w.advance(clock[0], cb); }
        };
        for (int i = 0; i < 2000; i++) round.run();      // let the JIT compile it
        long tid = Thread.currentThread().threadId();
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 1000; i++) round.run();
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertTrue(count[0] > 0);
        // A few bytes of slack for the measurement; one object per timer would be megabytes.
        assertTrue(allocated < 10_000, allocated + " bytes for a million schedules");
    }
}
