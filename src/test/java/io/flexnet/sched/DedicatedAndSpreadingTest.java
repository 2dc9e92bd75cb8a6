package io.flexnet.sched;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Snap's static modes: their grants, and the worker kinds they refuse. */
class DedicatedAndSpreadingTest {
    @Test
    void dedicatedGrantsItsCoresAtStartAndNeverTakesThemBack() {
        try (CoreRig rig = new CoreRig(new Dedicated(2), 1, 3, 1, 0)) {
            rig.begin();
            assertEquals(2, rig.granted());
            assertEquals(1, rig.worker(0).requestedCore, "cores handed out in the configured order");
            assertEquals(0, rig.worker(1).requestedCore);
            assertFalse(rig.granted(2));
            rig.periods(100);                 // idle throughout
            rig.add(0, 50, 1_000_000).periods(10);
            assertEquals(2, rig.granted());
            for (FakeWorker w : rig.workers) assertEquals(0, w.revokes);
        }
    }

    @Test
    void dedicatedByDefaultTakesEveryCoreThereAreWorkersFor() {
        try (CoreRig rig = new CoreRig(new Dedicated(), 1, 3, 0, 1)) {
            rig.begin();
            assertEquals(2, rig.granted());
        }
    }

    @Test
    void dedicatedRefusesMoreCoresThanTheStackHas() {
        try (CoreRig rig = new CoreRig(new Dedicated(3), 1, 3, 0, 1)) {
            assertThrows(IllegalStateException.class, rig::begin);
        }
    }

    @Test
    void dedicatedRefusesWorkersThatSleepWhenIdle() {
        CoreRig rig = new CoreRig(new Dedicated(1), 1, 1, 0);
        rig.worker(0).sleepsWhenIdle = true;
        try (rig) {
            // The flag is read when the scheduler is built: build a new one over the same worker.
            CoreScheduler s = CoreScheduler.builder(io.flexnet.runtime.RealRuntime.INSTANCE, new Dedicated(1))
                    .workers(rig.workers).queues(rig.queues).cores(0).build();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.step(rig.now));
            assertTrue(e.getMessage().contains("Spreading"), e.getMessage());
        }
    }

    @Test
    void spreadingKeepsEveryWorkerGrantedAndTheTimelineShowsWhoIsAwake() {
        CoreRig rig = new CoreRig(new Spreading(), 1, 2, 0, 1);
        for (FakeWorker w : rig.workers) w.sleepsWhenIdle = true;
        try (rig) {
            CoreScheduler s = CoreScheduler.builder(io.flexnet.runtime.RealRuntime.INSTANCE, new Spreading())
                    .workers(rig.workers).queues(rig.queues).cores(0, 1).build();
            long t = rig.now;
            s.step(t);
            assertEquals(2, s.coresGranted());
            rig.worker(0).sleeping = true;    // both idle: asleep, still granted
            rig.worker(1).sleeping = true;
            s.step(t += 5_000);
            rig.worker(1).sleeping = false;   // an arrival woke worker 1
            s.step(t += 5_000);
            for (int i = 0; i < 50; i++) s.step(t += 5_000);
            assertEquals(2, s.coresGranted());
            CoreTimeline.Snapshot tl = s.timeline().snapshot();
            assertArrayEquals(new int[] {2, 2, 2}, tl.granted());
            assertArrayEquals(new int[] {2, 0, 1}, tl.awake());
        }
    }

    @Test
    void spreadingRefusesWorkersThatPoll() {
        try (CoreRig rig = new CoreRig(new Spreading(), 1, 2, 0, 1)) {
            assertThrows(IllegalStateException.class, rig::begin);
        }
    }
}
