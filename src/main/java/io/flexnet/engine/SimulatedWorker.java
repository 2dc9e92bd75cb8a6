// A stack worker as a thread of the simulated runtime: its rounds run on a virtual core.
package io.flexnet.engine;

import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.pipeline.WakeSource;
import io.flexnet.runtime.sim.Duty;
import io.flexnet.runtime.sim.SimRuntime;
import io.flexnet.runtime.sim.SimThread;
import io.flexnet.sched.Worker;

/**
 * Runs a {@link Worker} on the simulated runtime in place of its platform thread: the simulator calls
 * {@link Worker#round(long)} from a virtual core, and the worker idles as its strategy would (sleeping
 * until kicked, or polling and keeping its core). It registers with the worker's wake sources whatever
 * the strategy, since a polling worker in virtual time learns of an arrival from the kick, not by
 * spinning through every nanosecond.
 */
final class SimulatedWorker implements Duty, CoroutineQueue.Sleeper {
    private final Worker worker;
    private final SimThread thread;

    SimulatedWorker(Worker worker, SimRuntime sim) {
        this.worker = worker;
        this.thread = sim.thread("flexnet-" + worker.name(), worker.requestedCore(), this);
        worker.bindToCurrentThread();  // every simulated thread counts on the driver's stripe
        worker.reportSleepingBy(thread::asleep);
        for (WakeSource s : worker.wakeSources()) s.addSleeper(this);
    }

    void start() { thread.kick(); }

    void stop() { for (WakeSource s : worker.wakeSources()) s.removeSleeper(this); }

    /** Before a core policy's period: an idle worker runs no rounds here, so its idle time is accounted now. */
    void accountIdle(long now) {
        if (thread.idle()) worker.idleAt(now);
    }

    /**
     * After the core policy's period: move the thread to the core it was granted, as a scheduler's
     * placement does at once (a real thread pins itself at its next round, but a simulated one queued
     * on its old core would wait there behind whatever holds it), and wake it if it slept because it
     * had no core.
     */
    void wakeIfGranted() {
        int want = worker.requestedCore();
        if (worker.granted() && want >= 0 && thread.pinnedCore() != want) thread.pin(want);
        if (worker.granted() && worker.lastRoundRevoked() && thread.idle()) thread.kick();
    }

    @Override public int round(long now) { return worker.round(now); }
    @Override public boolean hasWork() { return worker.hasWork(); }
    @Override public boolean sleepsWhenIdle() { return worker.sleepsWhenIdle(); }
    @Override public boolean revoked() { return worker.lastRoundRevoked(); }
    @Override public boolean sleeping() { return thread.idle(); }
    @Override public void kick() { thread.kick(); }

    SimThread thread() { return thread; }
}
