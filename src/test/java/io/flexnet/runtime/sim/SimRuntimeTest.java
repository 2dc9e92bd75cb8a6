package io.flexnet.runtime.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimRuntimeTest {
    /** A thread that always has work: each round spends {@code nanos}. */
    private static Duty burner(SimRuntime sim, long nanos) {
        return new Duty() {
            @Override public int round(long now) { sim.spend(nanos); return 1; }
            @Override public boolean hasWork() { return true; }
            @Override public boolean sleepsWhenIdle() { return true; }
        };
    }

    /** A thread with a count of jobs; each round takes one and spends {@code nanos}, recording when it started. */
    private static final class Jobs implements Duty {
        final SimRuntime sim;
        final long nanos;
        final boolean sleeps;
        int pending;
        final List<Long> starts = new ArrayList<>();
        final List<Integer> cores = new ArrayList<>();

        Jobs(SimRuntime sim, long nanos, boolean sleeps) {
            this.sim = sim;
            this.nanos = nanos;
            this.sleeps = sleeps;
        }

        @Override public int round(long now) {
            if (pending == 0) return 0;
            pending--;
            starts.add(now);
            cores.add(sim.currentCore());
            sim.spend(nanos);
            return 1;
        }

        @Override public boolean hasWork() { return pending > 0; }
        @Override public boolean sleepsWhenIdle() { return sleeps; }
    }

    @Test
    void twoBusyThreadsOnOneCoreShareItBySlices() {
        CostModel c = CostModel.FREE.with(Map.of("slice", 1_000_000L, "context-switch", 0L));
        SimRuntime sim = new SimRuntime(1, c);
        SimThread a = sim.thread("a", 0, burner(sim, 10_000));
        SimThread b = sim.thread("b", 0, burner(sim, 10_000));
        a.kick();
        b.kick();
        sim.runUntil(100_000_000);
        assertEquals(50_000_000, a.cpuNanos(), 1_000_000);
        assertEquals(50_000_000, b.cpuNanos(), 1_000_000);
        assertEquals(100_000_000, sim.coreUsedNanos(0));
    }

    @Test
    void unpinnedThreadsSpreadOverIdleCores() {
        SimRuntime sim = new SimRuntime(2, CostModel.FREE);
        SimThread a = sim.thread("a", burner(sim, 10_000));
        SimThread b = sim.thread("b", burner(sim, 10_000));
        a.kick();
        b.kick();
        sim.runUntil(10_000_000);
        assertEquals(10_000_000, a.cpuNanos(), 10_000);
        assertEquals(10_000_000, b.cpuNanos(), 10_000);
        assertTrue(a.core() != b.core());
    }

    @Test
    void aSleeperRunsAWakeLatencyAfterItsKickAndAPollerAPollAfter() {
        CostModel c = CostModel.FREE.with(Map.of("wake", 7_000L, "poll", 50L));
        SimRuntime sim = new SimRuntime(2, c);
        Jobs sleeper = new Jobs(sim, 1_000, true), poller = new Jobs(sim, 1_000, false);
        SimThread s = sim.thread("s", 0, sleeper), p = sim.thread("p", 1, poller);
        p.kick();                         // starts polling
        sim.runUntil(100_000);
        assertTrue(p.idle());
        sleeper.pending = 1;
        poller.pending = 1;
        s.kick();
        p.kick();
        sim.runUntil(200_000);
        assertEquals(List.of(100_000L + 7_000), sleeper.starts);
        assertEquals(List.of(100_000L + 50), poller.starts);
        // The sleeper gave its core back; the poller holds its own all along.
        // The sleeper held its core for its job and one empty round; the poller holds its own from its
        // first wake-up (7 µs) on.
        assertEquals(1_000 + 50, sim.coreUsedNanos(0));
        assertEquals(200_000 - 7_000, sim.coreUsedNanos(1));
    }

    @Test
    void aThreadMovesToTheCoreItIsPinnedTo() {
        SimRuntime sim = new SimRuntime(4, CostModel.FREE);
        Jobs j = new Jobs(sim, 1_000, true);
        SimThread t = sim.thread("t", 1, j);
        j.pending = 3;
        t.kick();
        sim.runUntil(500);  // first job under way on core 1
        t.pin(3);
        sim.runUntil(100_000);
        assertEquals(List.of(1, 3, 3), j.cores);
    }

    @Test
    void timeInsideARoundIsItsStartPlusWhatItSpent() {
        SimRuntime sim = new SimRuntime(1, CostModel.FREE);
        List<Long> seen = new ArrayList<>();
        SimThread t = sim.thread("t", new Duty() {
            boolean done;
            @Override public int round(long now) {
                if (done) return 0;
                done = true;
                seen.add(sim.nanoTime());
                sim.spend(300);
                seen.add(sim.nanoTime());
                return 1;
            }
            @Override public boolean hasWork() { return !done; }
            @Override public boolean sleepsWhenIdle() { return true; }
        });
        sim.runUntil(1_000);
        t.kick();
        sim.runUntil(10_000);
        assertEquals(List.of(1_000L, 1_300L), seen);
    }

    @Test
    void timersRunAtTheirTimesAndPeriodsRepeat() {
        SimRuntime sim = new SimRuntime(1, CostModel.FREE);
        List<Long> ticks = new ArrayList<>();
        SimTimer every = sim.every(5_000, 2_000, ticks::add);
        sim.runUntil(20_000);
        every.cancel();
        sim.runUntil(40_000);
        assertEquals(List.of(2_000L, 7_000L, 12_000L, 17_000L), ticks);
        assertFalse(every.pending());
    }

    @Test
    void theDriverWaitingMovesTheClockAndRunsWhatIsDue() {
        SimRuntime sim = new SimRuntime(1, CostModel.FREE);
        List<Long> ticks = new ArrayList<>();
        sim.timer(ticks::add).at(3_000);
        sim.park(2_000);
        assertEquals(2_000, sim.nanoTime());
        assertTrue(ticks.isEmpty());
        sim.awaitTime(5_000);
        assertEquals(5_000, sim.nanoTime());
        assertEquals(List.of(3_000L), ticks);
    }

    @Test
    void aDutyThatThrowsIsCountedAndTheRunGoesOn() {
        SimRuntime sim = new SimRuntime(1, CostModel.FREE);
        SimThread t = sim.thread("bad", new Duty() {
            @Override public int round(long now) { throw new IllegalStateException("boom"); }
            @Override public boolean hasWork() { return false; }
            @Override public boolean sleepsWhenIdle() { return true; }
        });
        t.kick();
        sim.runUntil(1_000);
        assertEquals(1, t.faults());
        assertEquals("boom", t.lastFault().getMessage());
    }

    @Test
    void refusesPlatformThreadsAndBadCores() {
        SimRuntime sim = new SimRuntime(2, CostModel.DEFAULTS);
        assertThrows(UnsupportedOperationException.class, () -> sim.newThread("x", () -> { }));
        assertThrows(IllegalArgumentException.class, () -> sim.thread("x", 2, burner(sim, 1)));
        assertThrows(IllegalArgumentException.class, () -> new SimRuntime(0, CostModel.DEFAULTS));
        assertThrows(IllegalArgumentException.class, () -> CostModel.DEFAULTS.with(Map.of("nope", 1L)));
    }
}
