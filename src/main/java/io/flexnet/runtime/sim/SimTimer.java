// A timed callback of the simulation: one pending time, moved or cancelled without allocating.
package io.flexnet.runtime.sim;

import java.util.function.LongConsumer;

/**
 * An action the simulation runs at a virtual time: a core scheduler's period, a load generator's next
 * request. It runs outside any simulated thread (an interrupt, not a thread: it costs no core's time)
 * and may set itself again from inside its action. Made by {@link SimRuntime#timer} or {@link SimRuntime#every}.
 */
public final class SimTimer {
    final SimRuntime sim;
    final int handle;
    final LongConsumer action;
    final long period;

    SimTimer(SimRuntime sim, int handle, LongConsumer action, long period) {
        this.sim = sim;
        this.handle = handle;
        this.action = action;
        this.period = period;
    }

    /** Runs the action at virtual time {@code t} (not before now), replacing any time set before. */
    public void at(long t) { sim.setTimer(this, t); }

    public void cancel() { sim.cancelTimer(this); }

    public boolean pending() { return sim.timerPending(this); }
}
