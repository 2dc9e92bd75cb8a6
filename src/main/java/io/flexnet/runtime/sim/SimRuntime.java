// A simulated StackRuntime: a virtual clock, an event queue and N virtual cores under a CFS-like scheduler.
package io.flexnet.runtime.sim;

import io.flexnet.runtime.StackRuntime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Runs the stack's own workers, executors, policies and applications in virtual time on N virtual
 * cores, one event at a time on the caller's thread, so the same experiment file and seed always give
 * the same answer, at microseconds, whatever the machine.
 *
 * <p><b>Threads.</b> Each stack worker is a {@link SimThread} running a {@link Duty} (a worker's duty
 * cycle: {@code round(now)}). A running thread's rounds follow each other back to back; each costs
 * what it charged ({@link #spend}: an application's service time) plus the {@link CostModel}'s price
 * of the work it reports. With nothing to do a thread either polls (keeps its core, reacts to a kick
 * after {@code poll}) or sleeps (frees its core; a kick wakes it after {@code wake}). Threads are placed
 * as Linux places them: a pinned thread on its core; an unpinned one on its last core if idle, else any
 * idle core, else the least loaded; threads sharing a core take turns of one {@code slice} each, the
 * one with the least virtual runtime first (CFS), a switch costing {@code contextSwitch}. Not modelled:
 * periodic load balancing between run queues, wake-up preemption, SMT, caches.
 *
 * <p><b>Time.</b> {@link #nanoTime()} is the virtual clock: inside a round, the round's start plus
 * what it has charged so far. The thread that built the simulation (the driver: a runner, a test)
 * moves time by waiting on it — {@link #park}, {@link #awaitTime}, {@link #runUntil} run every event
 * due before they return — so code written for the real runtime (a generator waiting for its next
 * send, a shutdown waiting for queues to drain) runs unchanged. Timers ({@link #timer}, {@link #every})
 * are actions at a time that cost no core, as interrupts.
 *
 * <p>Single-threaded: only the driver's thread may call in. {@link #newThread} is refused: a
 * simulated stack's threads are {@link SimThread}s, placed with {@link #thread}.
 *
 * <pre>{@code
 * SimRuntime sim = new SimRuntime(6, CostModel.DEFAULTS);
 * SimThread w0 = sim.thread("w0", 0, duty);         // pinned to core 0
 * sim.every(5_000, 0, scheduler::step);             // a core policy every 5 µs
 * w0.kick();
 * sim.runUntil(1_000_000_000L);                      // one simulated second
 * }</pre>
 */
public final class SimRuntime implements StackRuntime {
    /** How far the driver's spin moves the clock when it spins outside any thread. */
    private static final long DRIVER_SPIN_NANOS = 100;

    private final SimCore[] cores;
    private final CostModel cost;
    private final EventQueue events = new EventQueue();
    private SimThread[] threadOf = new SimThread[16];
    private SimTimer[] timerOf = new SimTimer[16];
    private final List<SimThread> threads = new ArrayList<>();
    private long now;
    private long queueSeq;
    private SimThread current;
    private boolean dispatching;
    private long eventsRun;

    public SimRuntime(int cores, CostModel cost) {
        if (cores < 1 || cores > 4096) throw new IllegalArgumentException("cores must be 1..4096, got " + cores);
        this.cores = new SimCore[cores];
        for (int i = 0; i < cores; i++) this.cores[i] = new SimCore(i);
        this.cost = java.util.Objects.requireNonNull(cost);
    }

    // ---- set-up ----

    /** A new sleeping thread that may run on any core; {@link SimThread#kick()} starts it. */
    public SimThread thread(String name, Duty duty) { return thread(name, -1, duty); }

    /** A new sleeping thread pinned to {@code core} (-1: any). */
    public SimThread thread(String name, int core, Duty duty) {
        checkCore(core);
        int h = events.newHandle();
        SimThread t = new SimThread(this, name, duty, h, core);
        if (h >= threadOf.length) threadOf = Arrays.copyOf(threadOf, Math.max(h + 1, threadOf.length * 2));
        threadOf[h] = t;
        threads.add(t);
        return t;
    }

    /** A timer, not set. */
    public SimTimer timer(LongConsumer action) { return newTimer(action, 0); }

    /** A timer event every {@code periodNanos} in virtual time, from now on; closing cancels it. */
    @Override
    public AutoCloseable every(String name, long periodNanos, LongConsumer action) {
        if (periodNanos <= 0) throw new IllegalArgumentException(name + ": period must be > 0, got " + periodNanos);
        SimTimer t = every(periodNanos, nanoTime(), action);
        return t::cancel;
    }

    /** A timer that runs {@code action(now)} every {@code period} from {@code first} on. */
    public SimTimer every(long period, long first, LongConsumer action) {
        if (period <= 0) throw new IllegalArgumentException("period must be positive, got " + period);
        SimTimer t = newTimer(action, period);
        t.at(first);
        return t;
    }

    private SimTimer newTimer(LongConsumer action, long period) {
        int h = events.newHandle();
        SimTimer t = new SimTimer(this, h, java.util.Objects.requireNonNull(action), period);
        if (h >= timerOf.length) timerOf = Arrays.copyOf(timerOf, Math.max(h + 1, timerOf.length * 2));
        timerOf[h] = t;
        return t;
    }

    void setTimer(SimTimer t, long at) { events.schedule(t.handle, Math.max(at, now)); }

    void cancelTimer(SimTimer t) { events.cancel(t.handle); }

    boolean timerPending(SimTimer t) { return events.queued(t.handle); }

    // ---- driving ----

    /** Runs every event due at or before {@code t}, then sets the clock to {@code t} (if later). */
    public void runUntil(long t) {
        if (dispatching) throw new IllegalStateException("the simulation cannot be advanced from inside an event");
        dispatching = true;
        try {
            while (!events.isEmpty() && events.peekTime() <= t) {
                long at = events.peekTime();
                int h = events.poll();
                now = at;
                eventsRun++;
                SimThread th = threadOf.length > h ? threadOf[h] : null;
                if (th != null) dispatch(th, at);
                else fire(timerOf[h], at);
            }
        } finally {
            dispatching = false;
        }
        if (t > now) now = t;
    }

    /** Runs events until none is left or the clock passes {@code limit}; returns the clock. */
    public long runAll(long limit) {
        while (!events.isEmpty() && events.peekTime() <= limit) runUntil(events.peekTime());
        return now;
    }

    private void fire(SimTimer t, long at) {
        if (t.period > 0) events.schedule(t.handle, at + t.period);
        t.action.accept(at);
    }

    private void dispatch(SimThread t, long e) {
        SimCore c = cores[t.core];
        if (t.pinned >= 0 && t.pinned != c.index) {
            migrate(t, c, e);
            return;
        }
        if (t.state == SimThread.State.POLLING) {
            // A polling thread's only event is the end of its slice with others waiting.
            if (c.queued > 0 && e >= t.sliceEnd) preempt(t, c, e);
            return;
        }
        if (t.lastWork == 0) {
            boolean revoked = t.duty.revoked();
            if (revoked || !t.duty.hasWork()) {
                idle(t, c, e, revoked);
                return;
            }
        }
        if (c.queued > 0 && e >= t.sliceEnd) {
            preempt(t, c, e);
            return;
        }
        round(t, c, e);
    }

    private void round(SimThread t, SimCore c, long e) {
        current = t;
        t.charged = 0;
        int work;
        try {
            work = t.duty.round(e);
        } catch (Throwable x) {  // a duty should contain its faults; one that does not still cannot stop the run
            t.faults++;
            t.lastFault = x;
            work = 0;
        }
        current = null;
        long spent = t.charged + (work > 0 ? work * cost.perItem() : cost.poll());
        if (spent < 1) spent = 1;  // time moves on, even for a free model
        t.rounds++;
        if (work > 0) {
            t.workDone += work;
            c.busyNanos += spent;
        }
        t.cpuNanos += spent;
        t.vruntime += spent;
        t.lastWork = Math.max(work, 0);
        events.schedule(t.handle, e + spent);
    }

    private void idle(SimThread t, SimCore c, long e, boolean revoked) {
        if (revoked || t.duty.sleepsWhenIdle()) {
            t.state = SimThread.State.SLEEPING;
            c.release(e);
            switchIn(c, e);
        } else {
            t.state = SimThread.State.POLLING;
            if (c.queued > 0) events.schedule(t.handle, Math.max(e, t.sliceEnd));
        }
    }

    private void preempt(SimThread t, SimCore c, long e) {
        t.state = SimThread.State.RUNNABLE;
        t.lastWork = -1;
        c.release(e);
        c.enqueue(t, queueSeq++);
        switchIn(c, e);
    }

    /** Gives an idle core to its next waiting thread, if any. */
    private void switchIn(SimCore c, long e) {
        SimThread n = c.pickNext();
        if (n == null) return;
        start(n, c, e, e + cost.contextSwitch());
    }

    private void start(SimThread t, SimCore c, long e, long at) {
        c.hold(t, e);
        t.core = c.index;
        t.state = SimThread.State.RUNNING;
        t.lastWork = -1;
        t.sliceEnd = at + cost.slice();
        events.schedule(t.handle, at);
    }

    private void migrate(SimThread t, SimCore from, long e) {
        boolean held = from.current == t;
        if (held) from.release(e);
        else from.remove(t);
        t.state = SimThread.State.SLEEPING;
        place(t, e, cost.contextSwitch());
        if (held) switchIn(from, e);
    }

    void kick(SimThread t) {
        long at = nanoTime();
        switch (t.state) {
            case SLEEPING -> {
                t.wakeups++;
                place(t, at, cost.wake() + handoffTo(t));
            }
            case POLLING -> {
                t.state = SimThread.State.RUNNING;
                t.lastWork = -1;
                events.scheduleNoLaterThan(t.handle, at + cost.poll() + handoffTo(t));
            }
            default -> { }  // running or runnable: it checks for work before it idles
        }
    }

    /** Puts a sleeping thread on a core: running there after {@code delay} if the core is free, else queued. */
    private void place(SimThread t, long at, long delay) {
        SimCore c = chooseCore(t);
        t.core = c.index;
        if (c.current == null) {
            start(t, c, at + delay, at + delay);  // an idle core waking does no work: not counted as used
            return;
        }
        t.state = SimThread.State.RUNNABLE;
        t.vruntime = Math.max(t.vruntime, c.minVruntime - cost.slice() / 2);
        c.enqueue(t, queueSeq++);
        SimThread h = c.current;
        if (h.state == SimThread.State.POLLING) events.scheduleNoLaterThan(h.handle, Math.max(at, h.sliceEnd));
    }

    private SimCore chooseCore(SimThread t) {
        if (t.pinned >= 0) return cores[t.pinned];
        if (t.core >= 0 && cores[t.core].current == null) return cores[t.core];
        for (SimCore c : cores) if (c.current == null) return c;
        SimCore best = cores[t.core >= 0 ? t.core : 0];
        for (SimCore c : cores) if (c.queued < best.queued) best = c;
        return best;
    }

    private long handoffTo(SimThread t) {
        SimThread k = current;
        return k != null && k.core != t.core ? cost.handoff() : 0;
    }

    void pinThread(SimThread t, int core) {
        checkCore(core);
        t.pinned = core;
        if (core < 0 || t.core == core || t.state == SimThread.State.SLEEPING || t == current) return;
        if (t.state == SimThread.State.RUNNABLE) {
            cores[t.core].remove(t);
            t.state = SimThread.State.SLEEPING;
            place(t, now, cost.contextSwitch());
        } else if (t.state == SimThread.State.POLLING) {
            events.scheduleNoLaterThan(t.handle, now);  // its next event moves it
        }  // running: moved when its round ends
    }

    private void checkCore(int core) {
        if (core < -1 || core >= cores.length) {
            throw new IllegalArgumentException("core " + core + " out of range: this simulation has " + cores.length);
        }
    }

    // ---- StackRuntime ----

    @Override public long nanoTime() { return current != null ? now + current.charged : now; }

    /** Inside a round: the thread holds its core for {@code nanos} more. From the driver: time moves on. */
    @Override
    public void spend(long nanos) {
        if (nanos <= 0) return;
        if (current != null) current.charged += nanos;
        else if (!dispatching) runUntil(now + nanos);
    }

    /**
     * A preemptible handler's work in virtual time: charged up to the slice's deadline at most, the rest
     * returned, exactly as the real runtime's polling loop stops at {@link Quantum#dueAt} — without a
     * poll per few nanoseconds of virtual work.
     */
    @Override
    public long spend(long nanos, io.flexnet.runtime.Quantum quantum) {
        if (nanos <= 0) return 0;
        if (quantum.yieldPoint()) return nanos;
        long deadline = quantum.deadline();
        long now = nanoTime();
        long run = deadline == Long.MAX_VALUE ? nanos : Math.max(0, Math.min(nanos, deadline - now));
        if (run == 0 && deadline != Long.MAX_VALUE) run = Math.min(nanos, cost.poll());  // progress before the first look
        spend(run);
        return nanos - run;
    }

    /**
     * No thread: a simulated handler's work passes through {@link #spend(long, io.flexnet.runtime.Quantum)},
     * which stops it at its slice's deadline in virtual time, so nothing needs to raise the flag.
     */
    @Override
    public io.flexnet.runtime.QuantumTimer quantumTimer(io.flexnet.runtime.QuantumTimer.Wait wait) {
        return io.flexnet.runtime.QuantumTimer.manual(this);
    }

    @Override
    public void park(long nanos) {
        if (current != null) current.charged += Math.max(0, nanos);
        else if (!dispatching) runUntil(now + Math.max(0, nanos));
    }

    /** Waits until the clock reads {@code deadline}: the driver runs every event before it. */
    @Override
    public void awaitTime(long deadline) {
        if (current != null) current.charged += Math.max(0, deadline - nanoTime());
        else if (!dispatching) runUntil(deadline);
    }

    @Override public void unpark(Thread thread) { }

    @Override
    public void spinWait() {
        if (current != null) current.charged += cost.poll();
        else if (!dispatching) runUntil(now + DRIVER_SPIN_NANOS);
    }

    @Override
    public void yieldThread() {
        if (current == null && !dispatching && !events.isEmpty()) runUntil(events.peekTime());
    }

    @Override
    public Thread newThread(String name, Runnable body) {
        throw new UnsupportedOperationException("thread '" + name + "': a simulated runtime runs no platform "
                + "threads; place the work as a simulated thread (SimRuntime.thread) instead");
    }

    @Override
    public boolean pin(int core) {
        if (current == null || core < 0 || core >= cores.length) return false;
        pinThread(current, core);
        return true;
    }

    @Override public int currentCore() { return current != null ? current.core : -1; }

    @Override public int cores() { return cores.length; }

    // ---- what happened ----

    public CostModel cost() { return cost; }

    /** Events run so far. */
    public long events() { return eventsRun; }

    public List<SimThread> threads() { return List.copyOf(threads); }

    /** Time core {@code i} had a thread on it (running or polling) up to now. */
    public long coreUsedNanos(int i) { return cores[i].usedAt(now); }

    /** Time core {@code i} spent in rounds that did work. */
    public long coreBusyNanos(int i) { return cores[i].busyNanos; }

    /** Sum over cores of the time a thread held them: divided by an interval, the cores used in it. */
    public long usedNanos() {
        long s = 0;
        for (SimCore c : cores) s += c.usedAt(now);
        return s;
    }

    @Override
    public String toString() { return "simulated runtime, " + cores.length + " cores, at " + now + " ns"; }
}
