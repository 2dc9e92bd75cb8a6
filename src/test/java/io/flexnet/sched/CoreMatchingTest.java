package io.flexnet.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CoreMatchingTest {
    @Test
    void placesEachWorkerOnTheCoreThePolicyMatchesItTo() {
        int[] map = {2, 0, -1, 1};  // core -> worker
        try (CoreRig rig = new CoreRig(new CoreMatching((core, s) -> map[core], 4), 1, 3, 0, 1, 2, 3)) {
            rig.period();
            assertEquals(3, rig.scheduler.coresGranted());
            assertEquals(1, rig.worker(0).requestedCore);
            assertEquals(3, rig.worker(1).requestedCore);
            assertEquals(0, rig.worker(2).requestedCore);
            for (int w = 0; w < 3; w++) assertTrue(rig.worker(w).granted);
        }
    }

    @Test
    void movesAWorkerWhenItsMatchChangesAndParksOneLeftWithout() {
        int[] map = {0, 1, 2};
        try (CoreRig rig = new CoreRig(new CoreMatching((core, s) -> map[core], 3), 1, 3, 0, 1, 2)) {
            rig.period();
            assertEquals(2, rig.worker(2).requestedCore);
            map[0] = 2;   // worker 2 to core 0; worker 0 left without a core
            map[2] = -1;
            rig.period();
            assertEquals(0, rig.worker(2).requestedCore);
            assertTrue(rig.worker(2).granted);
            assertFalse(rig.worker(0).granted);
            assertEquals(2, rig.scheduler.coresGranted());
        }
    }

    @Test
    void aWorkerMatchedTwiceGetsOnlyTheFirstCoreAndBadAnswersLeaveCoresIdle() {
        try (CoreRig rig = new CoreRig(new CoreMatching((core, s) -> core == 2 ? 99 : 0, 3), 1, 2, 0, 1, 2)) {
            rig.period();
            assertEquals(1, rig.scheduler.coresGranted());
            assertEquals(0, rig.worker(0).requestedCore);
            assertFalse(rig.worker(1).granted);
        }
    }
}
