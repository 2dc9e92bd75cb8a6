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
 * A platform thread that runs executors in a loop and idles between rounds by its strategy. It counts
 * its busy time (rounds that did work) for core policies, can be granted or have revoked its core
 * (a revoked worker sleeps until granted again), and contains faults: an executor that throws is
 * counted and the loop goes on.
 */
public final class Worker implements CoroutineQueue.Sleeper, CoreWorker {
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
    private final boolean sleeps;
    /** Where arrivals for this worker's executors come from; each once, however many executors share it. */
    private final WakeSource[] wakeSources;
    private volatile Throwable lastFault;

    private Thread thread;
    private volatile boolean running;
    private volatile boolean sleeping;
    /** Whether the core policy lets this worker run; a revoked worker sleeps. */
    private volatile boolean granted = true;
    /** Core to pin to, applied by the worker's own thread at its next round; -1 for none. */
    private volatile int requestedCore = -1;
    private int pinnedCore = -1;

    /** Written only by the worker thread; read opaquely by policies. */
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
        this.sleeps = idle.needsKicks();
        this.wakeSources = wakeSourcesOf(this.executors);
    }

    private static WakeSource[] wakeSourcesOf(Executor[] executors) {
        List<WakeSource> all = new ArrayList<>();
        for (Executor e : executors) {
            for (WakeSource s : e.wakeSources()) if (!all.contains(s)) all.add(s);
        }
        return all.toArray(new WakeSource[0]);
    }

    public synchronized void start() {
        if (thread != null) throw new IllegalStateException("worker '" + name + "' already started");
        if (sleeps) for (WakeSource s : wakeSources) s.addSleeper(this);
        running = true;
        thread = runtime.newThread("flexnet-" + name, this::loop);
        thread.start();
    }

    /** Stops after the current round and waits for the thread; true if it ended within the timeout. */
    public boolean stop(long timeoutMillis) throws InterruptedException {
        running = false;
        kick();
        Thread t = thread;
        if (t == null) return true;
        t.join(timeoutMillis);
        if (sleeps) for (WakeSource s : wakeSources) s.removeSleeper(this);
        return !t.isAlive();
    }

    private void loop() {
        ctx.layers().bindToCurrentThread();  // count on this thread's stripe, looked up once
        final Executor[] ex = executors;
        long prev = runtime.nanoTime();
        boolean prevBusy = false;
        while (running) {
            long now = runtime.nanoTime();
            long span = now - prev;
            TOTAL.setOpaque(this, totalNanos + span);
            if (prevBusy) BUSY.setOpaque(this, busyNanos + span);
            prev = now;
            int core = requestedCore;
            if (core != pinnedCore) pin(core);
            if (!granted) {
                prevBusy = false;
                sleepUntilKicked(1_000_000);
                continue;
            }
            ctx.setNow(now);
            int work = 0;
            for (int i = 0; i < ex.length; i++) {
                try {
                    work += ex[i].doWork(ctx);
                } catch (Throwable t) {
                    faults.inc(i);
                    lastFault = t;
                }
            }
            prevBusy = work > 0;
            idle.idle(work, this);
        }
    }

    private void pin(int core) {
        pinnedCore = core;
        if (core >= 0) runtime.pin(core);
    }

    /**
     * Sleeps until kicked, for at most {@code backstopNanos}. Called on the worker's own thread.
     * The volatile write of {@code sleeping} is a full fence, so the re-check below cannot miss an
     * enqueue whose producer then reads {@code sleeping} after its own fence.
     */
    void sleepUntilKicked(long backstopNanos) {
        sleeping = true;
        if (!running || (granted && hasWork())) {
            sleeping = false;
            return;
        }
        runtime.park(backstopNanos);
        sleeping = false;
    }

    private boolean hasWork() {
        for (Executor e : executors) if (e.hasWork()) return true;
        return false;
    }

    @Override public boolean sleeping() { return sleeping; }

    @Override
    public void kick() {
        Thread t = thread;
        if (t != null) runtime.unpark(t);
    }

    /** Lets the worker run (core granted) or makes it sleep (core revoked). */
    @Override
    public void setGranted(boolean granted) {
        this.granted = granted;
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
    public boolean isRunning() { return running; }
    @Override public boolean isSleeping() { return sleeping; }
    /** True when its idle strategy sleeps until an arrival kicks it ({@link IdleStrategy#needsKicks()}). */
    @Override public boolean sleepsWhenIdle() { return sleeps; }
    /** Nanoseconds spent in rounds that did work, since start. */
    @Override public long busyNanos() { return (long) BUSY.getOpaque(this); }
    /** Nanoseconds since start, as the worker last accounted them. */
    @Override public long totalNanos() { return (long) TOTAL.getOpaque(this); }
    public Counters faults() { return faults; }
    public Throwable lastFault() { return lastFault; }
    public Thread thread() { return thread; }

    @Override
    public String toString() { return "worker " + name; }
}
