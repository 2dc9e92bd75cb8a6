package io.flexnet.sched;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Shenango's standing-queue rule on scripted arrivals. */
class StandingQueueTest {
    static final long P = CoreRig.PERIOD;

    @Test
    void grantsWhenAnItemHasWaitedAWholePeriod() {
        try (CoreRig rig = new CoreRig(new StandingQueue(1, 1), 1, 2, 0, 1)) {
            rig.begin();
            assertEquals(1, rig.granted());
            rig.worker(0).load = 1.0;
            rig.add(0, 1, -1);                // arrives just after this check
            rig.period();                     // waited P - 1: not standing yet
            assertEquals(1, rig.granted());
            rig.period();                     // waited 2P - 1: it was there at the last check
            assertEquals(2, rig.granted());
            assertEquals(1, rig.worker(1).requestedCore);
        }
    }

    @Test
    void aQueueThatDrainsBetweenChecksIsNotStanding() {
        try (CoreRig rig = new CoreRig(new StandingQueue(1, 1), 1, 2, 0, 1)) {
            rig.begin();
            rig.worker(0).load = 0.5;
            for (int i = 0; i < 50; i++) {
                rig.takeAll(0).add(0, 3, -P / 2);  // arrive mid-period; served before the next check
                rig.period();
            }
            assertEquals(1, rig.granted());
        }
    }

    @Test
    void takesBackTheCoreOfAWorkerThatFoundNothingToDo() {
        try (CoreRig rig = new CoreRig(new StandingQueue(1, 1), 1, 2, 0, 1)) {
            rig.begin().add(0, 4, P).period();
            assertEquals(2, rig.granted());
            rig.takeAll(0);
            rig.worker(0).load = 0.4;
            rig.worker(1).load = 0.0;
            rig.period();
            assertEquals(1, rig.granted());
            assertTrue(rig.granted(0));
            assertFalse(rig.granted(1));
            rig.worker(0).load = 0.0;
            rig.periods(20);
            assertTrue(rig.granted(0), "the guaranteed core stays");
        }
    }

    @Test
    void keepsEveryCoreWhileTheQueueStands() {
        try (CoreRig rig = new CoreRig(new StandingQueue(1, 1), 1, 2, 0, 1)) {
            rig.begin().add(0, 100, P).period();
            assertEquals(2, rig.granted());
            rig.worker(1).load = 0.0;         // worker 1 idle, but the queue still stands
            rig.periods(5);
            assertEquals(2, rig.granted());
        }
    }

    @Test
    void aWorkerInsideALongRoundIsNotIdle() {
        try (CoreRig rig = new CoreRig(new StandingQueue(1, 1), 1, 2, 0, 1)) {
            rig.begin().add(0, 4, P);
            rig.worker(0).load = 0.5;
            rig.worker(1).load = 1.0;
            rig.period().period();            // granted, then a busy period accounted
            assertEquals(2, rig.granted());
            rig.takeAll(0);
            rig.worker(1).stalled = true;     // one round longer than many periods: accounts nothing
            rig.periods(20);
            assertTrue(rig.granted(1));
            rig.worker(1).stalled = false;
            rig.worker(1).load = 0.0;
            rig.period();
            assertFalse(rig.granted(1));
        }
    }

    @Test
    void withNoCoreGrantedAnyQueuedItemGrantsOneAtOnce() {
        try (CoreRig rig = new CoreRig(new StandingQueue(0, 2), 1, 2, 0, 1)) {
            rig.begin();
            assertEquals(0, rig.granted());
            rig.add(0, 1, -1).period();
            assertEquals(1, rig.granted());
            rig.takeAll(0).period();
            assertEquals(1, rig.granted(), "idle for one period; two are needed");
            rig.period();
            assertEquals(0, rig.granted());
        }
    }

    @Test
    void waitsForAGrantedCoreToWakeBeforeGrantingAnother() {
        try (CoreRig rig = new CoreRig(new StandingQueue(0, 1), 1, 3, 0, 1, 2)) {
            rig.begin();
            rig.worker(0).wakes = false;
            rig.add(0, 10, P).period();
            assertEquals(1, rig.granted());
            rig.periods(5);
            assertEquals(1, rig.granted());
            rig.worker(0).sleeping = false;
            rig.worker(0).load = 1.0;
            rig.period();
            assertEquals(2, rig.granted());
        }
    }
}
