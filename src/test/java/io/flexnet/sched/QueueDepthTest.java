package io.flexnet.sched;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Listing 3's decisions on scripted depths; time is virtual, periods are steps. */
class QueueDepthTest {
    @Test
    void grantsAfterTheWindowAverageCrossesTheThresholdAndNotBefore() {
        try (CoreRig rig = new CoreRig(new QueueDepth(3.0, 4), 1, 1, 0)) {
            rig.begin();                      // depth 0: window [0]
            assertEquals(0, rig.granted(), "Listing 3 starts with no core");
            rig.add(0, 4);
            rig.period().period().period();   // window [0, 4, 4, 4]: average 3, not above 3
            assertEquals(0, rig.granted());
            rig.period();                     // window [4, 4, 4, 4]: average 4
            assertEquals(1, rig.granted());
            assertTrue(rig.granted(0));
            assertEquals(0, rig.worker(0).requestedCore);
        }
    }

    @Test
    void decidesNothingBeforeTheWindowHasFilled() {
        try (CoreRig rig = new CoreRig(new QueueDepth(1.0, 4), 1, 1, 0)) {
            rig.add(0, 100).begin().period().period();  // three samples of depth 100
            assertEquals(0, rig.granted());
            rig.period();
            assertEquals(1, rig.granted());
        }
    }

    @Test
    void aOnePeriodSpikeAveragedOverTheWindowDoesNotGrant() {
        try (CoreRig rig = new CoreRig(new QueueDepth(3.0, 4), 1, 1, 0)) {
            rig.begin().periods(4);
            rig.add(0, 10).period().takeAll(0).periods(10);  // one sample of 10 among zeros: 2.5
            assertEquals(0, rig.granted());
            assertEquals(0, rig.worker(0).grants);
        }
    }

    @Test
    void listing3NeverTakesACoreBack() {
        try (CoreRig rig = new CoreRig(new QueueDepth(1.0, 2), 1, 1, 0)) {
            rig.add(0, 5).begin().period();
            assertEquals(1, rig.granted());
            rig.takeAll(0).periods(100);
            assertEquals(1, rig.granted());
        }
    }

    @Test
    void revokesWhenTheAverageFallsBelowTheLowerThreshold() {
        try (CoreRig rig = new CoreRig(new QueueDepth(2.0, 0.5, 2), 1, 1, 0)) {
            rig.add(0, 5).begin().period();
            assertEquals(1, rig.granted());
            rig.take(0, 4).period();          // window [5, 1]: 3, keep
            assertEquals(1, rig.granted());
            rig.period();                     // [1, 1]: 1, between the thresholds: keep
            assertEquals(1, rig.granted());
            rig.takeAll(0).period();          // [1, 0]: 0.5, not below 0.5
            assertEquals(1, rig.granted());
            rig.period();                     // [0, 0]
            assertEquals(0, rig.granted());
            assertEquals(1, rig.worker(0).revokes);
        }
    }

    @Test
    void eachQueueWakesItsOwnWorker() {
        try (CoreRig rig = new CoreRig(new QueueDepth(2.0, 1), 2, 2, 0, 1)) {
            rig.begin().add(1, 3).period();
            assertFalse(rig.granted(0));
            assertTrue(rig.granted(1));
            assertEquals(0, rig.worker(1).requestedCore, "the first free core of the stack's set");
        }
    }
}
