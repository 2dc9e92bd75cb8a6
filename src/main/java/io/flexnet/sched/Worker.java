package io.flexnet.sched;

import io.flexnet.packet.Counters;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.pipeline.WakeSource;
import io.flexnet.runtime.StackRuntime;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * A worker's duty cycle: one {@link #round(long)} runs its executors once at a given time and says how
 * much work they did (Agrona's {@code Agent}). Who calls it and what happens between rounds is not the
 * worker's business: on the real runtime its {@link WorkerRunner} loops it on a platform thread under
 * an {@link IdleStrategy} ({@link #start()}, {@link #stop(long)}); a simulated runtime calls
 * {@code round(now)} from a virtual core.
 *
 * <p>A round checks the grant (a revoked worker does nothing until granted again), applies a pending
 * pin request, runs every executor with fault containment (one that throws is counted and the next
 * still runs), and accounts busy and total time for core policies. Everything it needs comes from its
 * argument and its fields: it never loops, sleeps or reads a clock.
 *
 * <pre>{@code
 * // What a virtual core does: rounds at times it chooses, each round's cost moving its clock.
 * Worker w = new Worker("w0", 0, runtime, IdleStrategy.busySpin(), List.of(new RoundRobinExecutor(q)));
 * for (long t = 0; t < end; ) {
 *     int work = w.round(t);
 *     t += work > 0 ? work * serviceNanos : pollNanos;
 * }
 * w.busyNanos();   // what the given times imply, exactly
 * }</pre>
 */
public final class Worker implements CoreWorker {
    private static final VarHandle BUSY;
    private static final VarHandle TOTAL;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            BUSY = l.findVarHandle(Worker.class, "busyNanos", long.class);
            TOTAL = l.findVarHandle(Worker.class, "totalNanos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String name;
    private final int id;
    private final StackRuntime runtime;
    private final IdleStrategy idle;
    private final Executor[] executors;
    private final ExecContext ctx;
    private final Counters faults;
    /** Where arrivals for this worker's executors come from; each once, however many executors share it. */
    private final WakeSource[] wakeSources;
    /**
     * Per executor, its queues when it keeps {@link Executor#hasWork()}'s default (which asks
     * {@code queues()}, a new list each time in most executors), else null: {@link #hasWork()} runs
     * before every sleep and must not allocate.
     */
    private final CoroutineQueue[][] defaultWorkQueues;
    private final WorkerRunner runner;
    private volatile Throwable lastFault;

    /** Says whether the worker sleeps when something other than its runner drives it; null: the runner says. */
    private volatile java.util.function.BooleanSupplier sleepProbe;

    /** Whether the core policy lets this worker run; a revoked worker's rounds do nothing. */
    private volatile boolean granted = true;
    /** Core to pin to, applied by the next round on the thread running it; -1 for none. */
    private volatile int requestedCore = -1;

    // Round state: touched only by whoever drives the rounds, one thread at a time.
    private int pinnedCore = -1;
    private boolean begun;
    private long prevRound;
    private boolean prevBusy;
    private boolean revoked;

    /** Written only by the driving thread; read opaquely by policies. */
    @SuppressWarnings("unused") private long busyNanos;
    @SuppressWarnings("unused") private long totalNanos;

    public Worker(String name, int id, StackRuntime runtime, IdleStrategy idle, List<? extends Executor> executors) {
        if (executors.isEmpty()) throw new IllegalArgumentException("worker '" + name + "' has no executor");
        this.name = name;
        this.id = id;
        this.runtime = runtime;
        this.idle = idle;
        this.executors = executors.toArray(new Executor[0]);
        this.ctx = new ExecContext(id);
        String[] labels = new String[this.executors.length];
        for (int i = 0; i < labels.length; i++) labels[i] = i + ":" + this.executors[i].name();
        this.faults = new Counters("worker." + name + ".faults", labels);
        this.wakeSources = wakeSourcesOf(this.executors);
        this.defaultWorkQueues = new CoroutineQueue[this.executors.length][];
        for (int i = 0; i < this.executors.length; i++) {
            if (keepsDefaultHasWork(this.executors[i])) {
                this.defaultWorkQueues[i] = this.executors[i].queues().toArray(new CoroutineQueue[0]);
            }
        }
        this.runner = new WorkerRunner(this, runtime, idle);
    }

    private static WakeSource[] wakeSourcesOf(Executor[] executors) {
        List<WakeSource> all = new ArrayList<>();
        for (Executor e : executors) {
            for (WakeSource s : e.wakeSources()) if (!all.contains(s)) all.add(s);
        }
        return all.toArray(new WakeSource[0]);
    }

    /**
     * One round at time {@code now}; returns the work its executors did (0 when revoked). The time from
     * one round's start to the next's is total time, and busy time if the earlier round did work, so a
     * round's share is accounted when the next one begins; the first round only starts the count.
     * Call from one thread at a time, the one {@link #bindToCurrentThread() bound}.
     */
    public int round(long now) {
        account(now);
        int core = requestedCore;
        if (core != pinnedCore) pin(core);
        if (!granted) return revokedRound();
        revoked = false;
        ctx.setNow(now);
        final Executor[] ex = executors;
        int work = 0;
        for (int i = 0; i < ex.length; i++) {
            try {
                work += ex[i].doWork(ctx);
            } catch (Throwable t) {
                faults.inc(i);
                lastFault = t;
                ExecutorFaultEvent.emit(name, ex[i], t);
            }
        }
        prevBusy = work > 0;
        return work;
    }

    private void account(long now) {
        if (begun) {
            long span = now - prevRound;
            TOTAL.setOpaque(this, totalNanos + span);
            if (prevBusy) BUSY.setOpaque(this, busyNanos + span);
        }
        begun = true;
        prevRound = now;
    }

    private int revokedRound() {
        revoked = true;
        prevBusy = false;
        return 0;
    }

    private void pin(int core) {
        pinnedCore = core;
        if (core >= 0) runtime.pin(core);
    }

    /**
     * True if the last round found the core revoked and ran nothing: whoever drives the rounds should
     * sleep until {@linkplain #setGranted granted} rather than idle by the strategy.
     */
    public boolean lastRoundRevoked() { return revoked; }

    /**
     * Makes the calling thread the one whose counter stripe the worker's layers count on. The runner
     * calls it on its thread before the first round; a driver running rounds on the thread that made
     * the worker need not.
     */
    public void bindToCurrentThread() { ctx.layers().bindToCurrentThread(); }

    private static boolean keepsDefaultHasWork(Executor e) {
        try {
            return e.getClass().getMethod("hasWork").getDeclaringClass() == Executor.class;
        } catch (NoSuchMethodException | SecurityException x) {
            return false;
        }
    }

    /** Whether a round now would find work (any executor's {@link Executor#hasWork()}). */
    public boolean hasWork() {
        final Executor[] ex = executors;
        for (int i = 0; i < ex.length; i++) {
            CoroutineQueue[] qs = defaultWorkQueues[i];
            if (qs == null) {
                if (ex[i].hasWork()) return true;
            } else {
                for (CoroutineQueue q : qs) if (!q.isEmpty()) return true;
            }
        }
        return false;
    }

    /** Where arrivals for this worker come from; a sleeper registers with each to be woken. */
    public List<WakeSource> wakeSources() { return List.of(wakeSources); }

    /** Starts the runner's thread, which loops {@link #round} under the idle strategy. */
    public void start() { runner.start(); }

    /** Stops after the current round and waits for the thread; true if it ended within the timeout. */
    public boolean stop(long timeoutMillis) throws InterruptedException { return runner.stop(timeoutMillis); }

    /** Wakes the runner's thread if it sleeps. */
    public void kick() { runner.kick(); }

    /** Lets the worker run (core granted) or makes it sleep (core revoked). */
    @Override
    public void setGranted(boolean granted) {
        boolean was = this.granted;
        this.granted = granted;
        if (was != granted) CoreGrantEvent.emit(name, granted);
        if (granted) kick();
    }

    public boolean granted() { return granted; }

    /** Asks the worker to pin itself to {@code core} (-1: leave it where it is). */
    @Override
    public void requestCore(int core) {
        requestedCore = core;
        kick();
    }

    public int requestedCore() { return requestedCore; }
    public String name() { return name; }
    public int id() { return id; }
    public StackRuntime runtime() { return runtime; }
    public List<Executor> executors() { return List.of(executors); }
    public boolean isRunning() { return runner.isRunning(); }
    @Override public boolean isSleeping() {
        java.util.function.BooleanSupplier p = sleepProbe;
        return p != null ? p.getAsBoolean() : runner.sleeping();
    }

    /**
     * For a driver other than the worker's runner (the simulated runtime): {@code probe} says from now
     * on whether the worker sleeps, for core policies to read.
     */
    public void reportSleepingBy(java.util.function.BooleanSupplier probe) { sleepProbe = probe; }

    /**
     * For a driver that runs no rounds while the worker idles (the simulated runtime runs none while a
     * worker polls or sleeps): accounts the time up to {@code now} as an empty round would, so core
     * policies see the worker idle rather than its last busy fraction. Call from the driving thread.
     */
    public void idleAt(long now) {
        if (!begun) return;
        account(now);
        prevBusy = false;
    }
    /** True when its idle strategy sleeps until an arrival kicks it ({@link IdleStrategy#needsKicks()}). */
    @Override public boolean sleepsWhenIdle() { return idle.needsKicks(); }
    /** Nanoseconds spent in rounds that did work, since the first round. */
    @Override public long busyNanos() { return (long) BUSY.getOpaque(this); }
    /** Nanoseconds since the first round, as the worker last accounted them. */
    @Override public long totalNanos() { return (long) TOTAL.getOpaque(this); }
    public Counters faults() { return faults; }
    public Throwable lastFault() { return lastFault; }
    public Thread thread() { return runner.thread(); }

    @Override
    public String toString() { return "worker " + name; }
}
