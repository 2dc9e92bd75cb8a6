package io.flexnet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The quantum flag and its timer on a scripted clock: raised at the deadline, never early, never on a later slice. */
class QuantumTimerTest {
    private final ManualClock clock = new ManualClock(1_000);
    private final QuantumTimer timer = QuantumTimer.manual(clock);

    @Test
    void raisesTheFlagAtTheSlicesDeadlineAndNotBefore() {
        Quantum q = timer.quantum("w0", 10);
        q.begin(1_000);
        assertEquals(1_010, timer.tick(1_009), "the pending deadline");
        assertFalse(q.yieldPoint());
        assertFalse(q.dueAt(1_009));
        assertTrue(q.dueAt(1_010));
        assertEquals(Long.MAX_VALUE, timer.tick(1_010));
        assertTrue(q.yieldPoint());
        assertEquals(1, q.raised());
        q.end();
        assertFalse(q.yieldPoint(), "ending the slice lowers the flag");
        q.close();
        assertEquals(0, timer.size());
    }

    @Test
    void aSliceThatEndedIsNotRaisedAndTheNextStartsFresh() {
        Quantum q = timer.quantum("w0", 10);
        q.begin(1_000);
        q.end();
        assertEquals(Long.MAX_VALUE, timer.tick(2_000), "nothing running, nothing to time");
        q.begin(2_000);
        timer.tick(2_005);
        assertFalse(q.yieldPoint());
        assertTrue(q.dueAt(2_010), "the new slice's own deadline");
        assertEquals(0, q.raised());
        q.close();
    }

    @Test
    void neverIsNeverRaisedAndDoesNotPreempt() {
        assertFalse(Quantum.NEVER.preempts());
        assertFalse(Quantum.NEVER.yieldPoint());
        assertFalse(Quantum.NEVER.dueAt(Long.MAX_VALUE));
    }

    @Test
    void spendStopsWhenTheQuantumIsDueAndSaysWhatIsLeft() {
        Quantum q = timer.quantum("w0", 1);  // already due once any time passes
        RealRuntime rt = RealRuntime.INSTANCE;
        q.begin(rt.nanoTime() - 1_000_000);
        long left = rt.spend(1_000_000_000L, q);
        assertTrue(left > 0 && left <= 1_000_000_000L, "stopped early: " + left);
        q.end();
        assertEquals(0, rt.spend(1_000, Quantum.NEVER), "nothing preempts it: all done");
        q.close();
    }

    @Test
    void refusesAQuantumOfNothing() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> timer.quantum("w0", 0));
    }
}
