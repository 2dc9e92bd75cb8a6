package io.flexnet.sched;

/**
 * What the {@link CoreScheduler} reads of a worker and does to it. {@link Worker} is the real one; a
 * simulated runtime can supply its own (virtual busy time, simulated cores) and drive the same policies.
 * Reads are made every period from the scheduler's thread, so they must be lock-free and cheap.
 */
public interface CoreWorker {
    /** Nanoseconds spent in rounds that did work, since start; only ever grows. */
    long busyNanos();

    /** Nanoseconds accounted since start; only ever grows. Stalls while the worker sleeps. */
    long totalNanos();

    /** True while parked: revoked, or idle under an idle strategy that sleeps until kicked. */
    boolean isSleeping();

    /** True if the worker sleeps when idle and is woken by arrivals (interrupt-like), false if it polls. */
    boolean sleepsWhenIdle();

    /** Lets the worker run (a core is granted) or makes it park (its core revoked). */
    void setGranted(boolean granted);

    /** Asks the worker to pin itself to {@code core} at its next round; -1 leaves it where it is. */
    void requestCore(int core);
}
