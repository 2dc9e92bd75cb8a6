package io.flexnet.sched;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Snap's compacting mode on scripted queueing delays and utilizations. */
class CompactingTest {
    static final long TARGET = 20_000;

    private static CoreRig rig(int minCores) {
        return new CoreRig(new Compacting(TARGET, 0.8, 10, minCores), 1, 3, 0, 1, 2);
    }

    @Test
    void startsWithItsMinimumAndGrowsOneCoreAPeriodWhileTheOldestEntryIsTooOld() {
        try (CoreRig rig = rig(1)) {
            rig.begin();
            assertEquals(1, rig.granted());
            assertTrue(rig.granted(0));
            rig.add(0, 50, 10_000);
            rig.period();                     // oldest waited 15 µs
            rig.period();                     // 20 µs: at the target, not over it
            assertEquals(1, rig.granted());
            rig.period();                     // 25 µs
            assertEquals(2, rig.granted());
            assertTrue(rig.granted(1));
            rig.period();
            assertEquals(3, rig.granted());
            rig.periods(5);
            assertEquals(3, rig.granted(), "no more cores than the stack has");
            assertEquals(1, rig.worker(2).grants);
        }
    }

    @Test
    void waitsForAGrantedCoreToWakeBeforeGrowingAgain() {
        try (CoreRig rig = rig(1)) {
            rig.begin();
            rig.worker(1).wakes = false;
            rig.add(0, 50, 100_000).period();
            assertTrue(rig.granted(1));
            rig.periods(10);
            assertEquals(2, rig.granted(), "worker 1 has not woken yet");
            rig.worker(1).sleeping = false;
            rig.period();
            assertEquals(3, rig.granted());
        }
    }

    @Test
    void shrinksAfterSustainedLowUtilizationButNeverBelowItsMinimum() {
        try (CoreRig rig = rig(1)) {
            rig.begin().add(0, 10, 100_000).period().period();
            assertEquals(3, rig.granted());
            rig.takeAll(0);
            for (FakeWorker w : rig.workers) w.load = 0.3;  // 0.9 in all: fits on two cores at 80%
            rig.periods(9);
            assertEquals(3, rig.granted(), "not low for long enough yet");
            rig.period();
            assertEquals(2, rig.granted());
            assertFalse(rig.granted(2), "the highest worker goes first");
            for (FakeWorker w : rig.workers) w.load = 0.1;
            rig.periods(10);
            assertEquals(1, rig.granted());
            assertTrue(rig.granted(0));
            rig.periods(200);
            assertEquals(1, rig.granted());
        }
    }

    @Test
    void keepsTheCoresTheLoadNeeds() {
        try (CoreRig rig = rig(1)) {
            rig.begin().add(0, 10, 100_000).period().takeAll(0);
            assertEquals(2, rig.granted());
            rig.worker(0).load = 0.9;
            rig.worker(1).load = 0.5;  // 1.4 does not fit on one core at 80%
            rig.periods(100);
            assertEquals(2, rig.granted());
        }
    }

    @Test
    void aBusyPeriodRestartsTheCountTowardsShrinking() {
        try (CoreRig rig = rig(1)) {
            rig.begin().add(0, 10, 100_000).period().takeAll(0);
            assertEquals(2, rig.granted());
            for (int round = 0; round < 5; round++) {
                rig.worker(0).load = 0.2;
                rig.periods(9);
                rig.worker(0).load = 1.0;
                rig.period();
            }
            assertEquals(2, rig.granted());
        }
    }

    @Test
    void withNoMinimumAnOldEntryGrantsTheFirstCore() {
        try (CoreRig rig = rig(0)) {
            rig.begin();
            assertEquals(0, rig.granted());
            rig.add(0, 1, TARGET).period();
            assertEquals(1, rig.granted());
            rig.takeAll(0).periods(10);
            assertEquals(0, rig.granted(), "an idle stack gives back every core");
        }
    }
}
