// A simulated thread: its state on the virtual cores and what it has cost.
package io.flexnet.runtime.sim;

/**
 * A thread of the simulation, running a {@link Duty}. It is sleeping (no core), runnable (waiting on a
 * core's run queue), running (rounds back to back), or polling (holding its core with nothing to do,
 * as a busy-spinning worker does). Made by {@link SimRuntime#thread}; woken by {@link #kick()}.
 */
public final class SimThread {
    enum State { SLEEPING, RUNNABLE, RUNNING, POLLING }

    final String name;
    final Duty duty;
    final int handle;
    final SimRuntime sim;
    State state = State.SLEEPING;
    /** The core it runs or last ran on; -1 before it ever ran. */
    int core = -1;
    /** The core it must run on; -1 for any. */
    int pinned = -1;
    /** Virtual runtime as CFS keeps it: CPU time used, so the one that used least runs next. */
    long vruntime;
    long sliceEnd;
    /** Work the last round did; -1 when the next event must run a round whatever the last found. */
    int lastWork = -1;
    /** Virtual time charged inside the round in progress ({@code spend}, spins, parks). */
    long charged;
    /** When it joined its core's run queue, for first-come order among equals. */
    long queuedSeq;

    long rounds, workDone, cpuNanos, wakeups, faults;
    Throwable lastFault;

    SimThread(SimRuntime sim, String name, Duty duty, int handle, int pinned) {
        this.sim = sim;
        this.name = name;
        this.duty = duty;
        this.handle = handle;
        this.pinned = pinned;
    }

    /** Wakes the thread if it sleeps or polls; nothing if it is running or already runnable. */
    public void kick() { sim.kick(this); }

    /** True while it sleeps or polls: an arrival should {@link #kick()} it. */
    public boolean idle() { return state == State.SLEEPING || state == State.POLLING; }

    /** True while it sleeps (has no core); a polling thread is idle but awake. */
    public boolean asleep() { return state == State.SLEEPING; }

    /** Moves it to {@code core} (-1: anywhere) from its next round on. */
    public void pin(int core) { sim.pinThread(this, core); }

    public String name() { return name; }
    public int core() { return core; }
    public int pinnedCore() { return pinned; }
    public long rounds() { return rounds; }
    public long workDone() { return workDone; }
    /** Virtual CPU time its rounds took. */
    public long cpuNanos() { return cpuNanos; }
    public long wakeups() { return wakeups; }
    /** Rounds that threw (the duty should contain its faults; these are the ones it did not). */
    public long faults() { return faults; }
    public Throwable lastFault() { return lastFault; }

    @Override public String toString() { return "simulated thread " + name + " (" + state + " on core " + core + ")"; }
}
