package io.flexnet.sched;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.runtime.RealRuntime;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** The scheduler's own mechanics: sampling, applying decisions, books, timeline, cost. */
class CoreSchedulerTest {
    static final long P = CoreRig.PERIOD;

    /** Copies what it is shown, so the test can look at it after the step. */
    static final class Probe implements CorePolicy {
        int[] depth = new int[4];
        long[] age = new long[4];
        long[] arrivals = new long[4];
        double[] busy = new double[4];
        long elapsed, period, maxAge;
        int totalDepth;

        @Override
        public void onPeriod(Signals s, Cores cores) {
            for (int q = 0; q < s.queues(); q++) {
                depth[q] = s.depth(q);
                age[q] = s.oldestAgeNanos(q);
                arrivals[q] = s.arrivals(q);
            }
            for (int w = 0; w < s.workers(); w++) busy[w] = s.busy(w);
            elapsed = s.elapsedNanos();
            period = s.period();
            maxAge = s.maxOldestAgeNanos();
            totalDepth = s.totalDepth();
        }
    }

    /** Grants every worker in its start: for tests of the grant mechanics. */
    static final class GrantAll implements CorePolicy {
        @Override public void start(Signals s, Cores cores) { for (int w = 0; w < s.workers(); w++) cores.grant(w); }
        @Override public void onPeriod(Signals s, Cores cores) {}
    }

    @Test
    void signalsCarryDepthOldestAgeAndArrivalsSinceTheLastPeriod() {
        Probe probe = new Probe();
        try (CoreRig rig = new CoreRig(probe, 2, 1, 0)) {
            rig.add(0, 5, 2 * P);            // before the scheduler starts: not arrivals of a period
            rig.begin();
            assertEquals(0, probe.arrivals[0]);
            assertEquals(5, probe.depth[0]);
            assertEquals(2 * P, probe.age[0]);
            assertEquals(P, probe.elapsed, "the first period counts as one whole period");
            rig.add(1, 3, P / 2).add(0, 2);
            rig.period();
            assertArrayEquals(new int[] {7, 3, 0, 0}, probe.depth);
            assertArrayEquals(new long[] {2, 3, 0, 0}, probe.arrivals);
            assertEquals(3 * P, probe.age[0]);
            assertEquals(P + P / 2, probe.age[1]);
            assertEquals(3 * P, probe.maxAge);
            assertEquals(10, probe.totalDepth);
            assertEquals(1, probe.period);
            rig.takeAll(0).take(1, 1).period();
            assertArrayEquals(new int[] {0, 2, 0, 0}, probe.depth);
            assertArrayEquals(new long[] {0, 0, 0, 0}, probe.arrivals);
            assertEquals(0, probe.age[0], "an empty queue has no age");
        }
    }

    @Test
    void busyIsTheShareOfTheLastPeriodAndSurvivesALongRound() {
        Probe probe = new Probe();
        try (CoreRig rig = new CoreRig(probe, 1, 2, 0, 1)) {
            rig.begin();
            rig.worker(0).sleeping = false;  // as if granted elsewhere; the fakes account only awake
            rig.worker(0).granted = true;
            rig.worker(0).load = 0.25;
            rig.period();
            assertEquals(0.25, probe.busy[0], 1e-9);
            assertEquals(0.0, probe.busy[1], "a parked worker is not busy");
            rig.worker(0).load = 1.0;
            rig.period();
            assertEquals(1.0, probe.busy[0], 1e-9);
            rig.worker(0).stalled = true;
            rig.periods(3);
            assertEquals(1.0, probe.busy[0], 1e-9, "still inside a round: last known value");
            rig.worker(0).sleeping = true;
            rig.period();
            assertEquals(0.0, probe.busy[0], "asleep and accounting nothing: idle");
        }
    }

    @Test
    void takesTheWorkersOverRevokedAndGrantsPinToTheConfiguredCoresInOrder() {
        try (CoreRig rig = new CoreRig(new GrantAll(), 1, 3, 1, 0)) {
            rig.begin();
            assertEquals(2, rig.granted());
            assertEquals(1, rig.worker(0).requestedCore);
            assertEquals(0, rig.worker(1).requestedCore);
            assertTrue(rig.worker(0).granted && rig.worker(1).granted);
            assertFalse(rig.worker(2).granted, "no core left: the scheduler parked it");
            assertEquals(-1, rig.worker(2).requestedCore);
            assertEquals(-1, rig.scheduler.signals().core(2));
        }
    }

    @Test
    void aRevokedCoreIsHandedOutAgain() {
        CorePolicy swap = new CorePolicy() {
            @Override public void start(Signals s, Cores c) { assertTrue(c.grant(0)); }
            @Override
            public void onPeriod(Signals s, Cores c) {
                if (s.period() == 1) {
                    assertFalse(c.grant(1), "the only core is taken");
                    assertFalse(c.grant(0), "already granted");
                    assertTrue(c.revoke(0));
                    assertFalse(c.revoke(0), "holds none any more");
                    assertEquals(0, s.coresGranted());
                    assertTrue(c.grant(1));
                    assertEquals(7, s.core(1));
                }
            }
        };
        try (CoreRig rig = new CoreRig(swap, 1, 2, 7)) {
            rig.begin().period().period();
            assertEquals(0, rig.scheduler.faults(), String.valueOf(rig.scheduler.lastFault()));
            assertFalse(rig.worker(0).granted);
            assertTrue(rig.worker(1).granted);
            assertEquals(7, rig.worker(1).requestedCore);
            assertEquals(2, rig.scheduler.grants());
            assertEquals(1, rig.scheduler.revokes());
        }
    }

    @Test
    void aThrowingPolicyIsCountedAndTheGrantsStayAsTheyWere() {
        CorePolicy faulty = new CorePolicy() {
            @Override public void start(Signals s, Cores c) { c.grant(0); }
            @Override public void onPeriod(Signals s, Cores c) { throw new IllegalStateException("policy bug"); }
        };
        try (CoreRig rig = new CoreRig(faulty, 1, 2, 0, 1)) {
            rig.begin().periods(3);
            assertEquals(4, rig.scheduler.faults());
            assertEquals("policy bug", rig.scheduler.lastFault().getMessage());
            assertEquals(1, rig.granted());
            assertTrue(rig.worker(0).granted);
            assertEquals(4, rig.scheduler.periods());
        }
    }

    @Test
    void theTimelineHasOneEntryPerChange() {
        CorePolicy script = new CorePolicy() {
            @Override
            public void onPeriod(Signals s, Cores c) {
                long p = s.period();
                if (p == 2) c.grant(0);
                if (p == 3) c.grant(1);
                if (p == 7) c.revoke(0);
            }
        };
        try (CoreRig rig = new CoreRig(script, 1, 2, 0, 1)) {
            long t0 = rig.now;
            rig.begin().periods(10);
            CoreTimeline.Snapshot tl = rig.scheduler.timeline().snapshot();
            assertArrayEquals(new long[] {t0, t0 + 2 * P, t0 + 3 * P, t0 + 7 * P}, tl.times());
            assertArrayEquals(new int[] {0, 1, 2, 1}, tl.granted());
            assertEquals(2, tl.maxGranted());
            assertEquals(2, tl.firstAtLeast(t0, 2));
        }
    }

    @Test
    void theTimelineKeepsTheNewestEntriesWhenFull() {
        CoreTimeline tl = new CoreTimeline(4);
        for (int i = 0; i < 100; i++) tl.record(i, i % 2, 0);
        CoreTimeline.Snapshot s = tl.snapshot();
        assertEquals(100, tl.recorded());
        assertTrue(s.size() >= 4 && s.size() <= tl.capacity(), "size " + s.size());
        assertEquals(99, s.times()[s.size() - 1]);
        for (int i = 1; i < s.size(); i++) assertEquals(s.times()[i - 1] + 1, s.times()[i]);
    }

    @Test
    void aPeriodAllocatesNothing() {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        CorePolicy[] policies = {new QueueDepth(2.0, 0.5, 8), new Compacting(20_000, 0.8, 10, 1),
                new StandingQueue(1, 2), new Dedicated(1)};
        for (CorePolicy policy : policies) {
            try (CoreRig rig = new CoreRig(policy, 2, 2, 0, 1)) {
                rig.add(0, 100, P).begin();
                for (FakeWorker w : rig.workers) w.load = 0.5;
                rig.periods(50_000);          // warm up, let the JIT settle
                long tid = Thread.currentThread().threadId();
                long allocated = 0;
                for (int phase = 0; phase < 2; phase++) {  // queue standing, then empty: grow and shrink paths
                    long before = mx.getThreadAllocatedBytes(tid);
                    for (int i = 0; i < 50_000; i++) {
                        rig.now += P;
                        rig.scheduler.step(rig.now);
                    }
                    allocated += mx.getThreadAllocatedBytes(tid) - before;
                    rig.takeAll(0);  // the test layers record threads: allocation outside the measure
                }
                // One object per period would be >= 1.6 MB; what is left is the JIT's own doing.
                assertTrue(allocated < 8_192, policy.name() + " allocated " + allocated + " bytes in 100000 periods");
            }
        }
    }

    @Test
    void runsOnItsOwnThreadAndReportsItsCost() throws Exception {
        FakeWorker w = new FakeWorker();
        CoreScheduler s = CoreScheduler.builder(RealRuntime.INSTANCE, new Dedicated(1))
                .workers(java.util.List.of(w)).periodNanos(200_000).build();
        assertFalse(s.spins(), "a 200 µs period parks between periods");
        s.start();
        assertTrue(w.granted, "the policy's start ran before start() returned");
        assertThrows(IllegalStateException.class, () -> s.step(System.nanoTime()));
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (s.periods() < 20 && System.nanoTime() < deadline) Thread.sleep(1);
        assertTrue(s.stop(2000));
        assertTrue(s.periods() >= 20, "periods run: " + s.periods());
        assertTrue(s.stepNanosTotal() > 0);
        assertTrue(s.stepNanosMax() <= s.stepNanosTotal());
        assertTrue(s.wallNanos() > 0);
        if (s.cpuNanos() >= 0) {
            // Parking between periods: the thread was mostly off the CPU.
            assertTrue(s.cpuNanos() < s.wallNanos(), "cpu " + s.cpuNanos() + " of wall " + s.wallNanos());
        }
    }

    @Test
    void refusesABadConfiguration() {
        FakeWorker w = new FakeWorker();
        var b = CoreScheduler.builder(RealRuntime.INSTANCE, new Dedicated()).workers(java.util.List.of(w));
        assertThrows(IllegalArgumentException.class, () -> b.cores(0, 0).build());
        assertThrows(IllegalArgumentException.class, () -> b.cores(-1).build());
        assertThrows(IllegalArgumentException.class, () -> b.cores().build());
        assertThrows(IllegalArgumentException.class, () -> b.periodNanos(0));
        assertThrows(IllegalArgumentException.class,
                () -> CoreScheduler.builder(RealRuntime.INSTANCE, new Dedicated()).build());
    }
}
