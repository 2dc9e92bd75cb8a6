package io.flexnet.sched;

import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.runtime.StackRuntime;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Runs a {@link CorePolicy} every period: samples the queues and workers into {@link Signals}, calls the
 * policy, and applies its grants and revocations to the workers (pin and wake, or park). Only the cores
 * configured for the stack are handed out, each to at most one worker.
 *
 * <p>Two ways to drive it. {@link #start()} runs the periods on a thread of its own, busy-waiting with
 * the runtime's {@link StackRuntime#spinWait()} between them (the only way to hit 5 µs: a timed park
 * sleeps tens of µs at best) or parking for longer periods. {@link #step(long)} runs one period at a
 * given time on the caller's thread, for deterministic tests and a simulated runtime.
 *
 * <p>A period allocates nothing and takes no lock: queue and worker signals are read opaquely into
 * arrays made here. The scheduler keeps a {@link CoreTimeline} of cores in use and measures its own
 * cost: time inside periods (sampling, policy, applying) apart from the wait between them, and the
 * thread's CPU time over a run.
 */
public final class CoreScheduler {
    private static final VarHandle PERIODS, OVERRUNS, STEP_TOTAL, STEP_MAX, GRANTS, REVOKES, FAULTS, GRANTED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            PERIODS = l.findVarHandle(CoreScheduler.class, "periods", long.class);
            OVERRUNS = l.findVarHandle(CoreScheduler.class, "overruns", long.class);
            STEP_TOTAL = l.findVarHandle(CoreScheduler.class, "stepNanosTotal", long.class);
            STEP_MAX = l.findVarHandle(CoreScheduler.class, "stepNanosMax", long.class);
            GRANTS = l.findVarHandle(CoreScheduler.class, "grants", long.class);
            REVOKES = l.findVarHandle(CoreScheduler.class, "revokes", long.class);
            FAULTS = l.findVarHandle(CoreScheduler.class, "faults", long.class);
            GRANTED = l.findVarHandle(CoreScheduler.class, "granted", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The default period, the paper's 5 µs. */
    public static final long DEFAULT_PERIOD_NANOS = 5_000;

    private final StackRuntime runtime;
    private final CorePolicy policy;
    private final CoreWorker[] workers;
    private final CoroutineQueue[] queues;
    private final int[] stackCores;
    private final boolean[] coreTaken;
    private final boolean pin;
    private final long periodNanos;
    private final boolean spin;
    private final int schedulerCore;
    private final Signals signals;
    private final CoreTimeline timeline;
    private final Cores cores = new Grants();
    private final long[] lastEnqueued;
    private final long[] lastBusy;
    private final long[] lastTotal;
    /** Cost of each period run by the thread, ns; written by it alone, read after it stopped. */
    private final Histogram stepCost = new Histogram(1, 10_000_000_000L, 2);

    private boolean begun;
    private long lastNow;
    private volatile boolean running;
    private Thread thread;
    private volatile Throwable lastFault;
    private volatile long cpuNanos = -1;
    private volatile long wallNanos;

    // Written by the driving thread only, read opaquely by anyone (reports, the experiment runner).
    @SuppressWarnings("unused") private long periods;
    @SuppressWarnings("unused") private long overruns;
    @SuppressWarnings("unused") private long stepNanosTotal;
    @SuppressWarnings("unused") private long stepNanosMax;
    @SuppressWarnings("unused") private long grants;
    @SuppressWarnings("unused") private long revokes;
    @SuppressWarnings("unused") private long faults;
    @SuppressWarnings("unused") private int granted;

    private CoreScheduler(Builder b) {
        this.runtime = b.runtime;
        this.policy = b.policy;
        this.workers = b.workers.toArray(new CoreWorker[0]);
        this.queues = b.queues.toArray(new CoroutineQueue[0]);
        this.stackCores = b.cores.clone();
        this.coreTaken = new boolean[stackCores.length];
        this.pin = b.pin;
        this.periodNanos = b.periodNanos;
        this.spin = b.spin;
        this.schedulerCore = b.schedulerCore;
        this.signals = new Signals(queues.length, workers.length, stackCores.length, periodNanos);
        this.timeline = new CoreTimeline(b.timelineCapacity);
        this.lastEnqueued = new long[queues.length];
        this.lastBusy = new long[workers.length];
        this.lastTotal = new long[workers.length];
        for (int w = 0; w < workers.length; w++) signals.sleepsWhenIdle[w] = workers[w].sleepsWhenIdle();
    }

    public static Builder builder(StackRuntime runtime, CorePolicy policy) { return new Builder(runtime, policy); }

    /**
     * One period at time {@code now}: sample, decide, apply, record. The first call also takes the
     * workers over (all revoked) and lets the policy grant its starting cores. Not while {@link #start}ed.
     */
    public void step(long now) {
        if (running) throw new IllegalStateException("the core scheduler runs on its own thread");
        stepAt(now);
    }

    private void stepAt(long now) {
        if (!begun) begin(now);
        sample(now);
        try {
            policy.onPeriod(signals, cores);
        } catch (Throwable t) {
            FAULTS.setOpaque(this, faults + 1);
            lastFault = t;
        }
        record(now);
        PERIODS.setOpaque(this, periods + 1);
    }

    private void begin(long now) {
        begun = true;
        for (int q = 0; q < queues.length; q++) lastEnqueued[q] = queues[q].enqueued();
        for (int w = 0; w < workers.length; w++) {
            lastBusy[w] = workers[w].busyNanos();
            lastTotal[w] = workers[w].totalNanos();
            workers[w].setGranted(false);
        }
        lastNow = now - periodNanos;
        sample(now);
        policy.start(signals, cores);
        lastNow = now - periodNanos;  // the first period then sees one period elapsed, not none
    }

    private void sample(long now) {
        final Signals s = signals;
        s.elapsed = now - lastNow;
        lastNow = now;
        s.now = now;
        s.period = periods;
        long maxAge = 0, arrivalsAll = 0;
        int depthAll = 0;
        for (int q = 0; q < queues.length; q++) {
            CoroutineQueue queue = queues[q];
            long enq = queue.enqueued();
            long arrived = enq - lastEnqueued[q];
            lastEnqueued[q] = enq;
            int d = queue.depth();
            long age = queue.oldestAgeNanos(now);
            s.arrivals[q] = arrived;
            s.depth[q] = d;
            s.oldestAge[q] = age;
            arrivalsAll += arrived;
            depthAll += d;
            if (age > maxAge) maxAge = age;
        }
        s.maxOldestAge = maxAge;
        s.totalDepth = depthAll;
        s.totalArrivals = arrivalsAll;
        for (int w = 0; w < workers.length; w++) {
            CoreWorker worker = workers[w];
            // Busy before total: the worker adds to total first, so a round accounted between the two
            // reads shows in total only (busy undercounted, never over 1); the next period catches up.
            long b = worker.busyNanos();
            long t = worker.totalNanos();
            boolean asleep = worker.isSleeping();
            long db = b - lastBusy[w], dt = t - lastTotal[w];
            lastBusy[w] = b;
            lastTotal[w] = t;
            if (dt > 0) {
                s.busy[w] = db >= dt ? 1.0 : (double) db / dt;
            } else if (asleep) {
                s.busy[w] = 0;
            }  // else: inside a round longer than the period; keep the last value
            s.sleeping[w] = asleep;
        }
    }

    private void record(long now) {
        int awake = 0;
        // Read afresh rather than from the sample: the policy may have just woken or parked some.
        for (int w = 0; w < workers.length; w++) if (signals.core[w] >= 0 && !workers[w].isSleeping()) awake++;
        timeline.record(now, signals.granted, awake);
    }

    /** The decisions a policy makes, applied at once. */
    private final class Grants implements Cores {
        @Override
        public boolean grant(int w) {
            Signals s = signals;
            if (s.core[w] >= 0) return false;
            for (int i = 0; i < stackCores.length; i++) {
                if (!coreTaken[i]) {
                    coreTaken[i] = true;
                    s.core[w] = stackCores[i];
                    s.granted++;
                    GRANTED.setOpaque(CoreScheduler.this, s.granted);
                    // Pin first: the kick of setGranted wakes the worker, which then pins before its round.
                    if (pin) workers[w].requestCore(stackCores[i]);
                    workers[w].setGranted(true);
                    GRANTS.setOpaque(CoreScheduler.this, grants + 1);
                    return true;
                }
            }
            return false;
        }

        @Override
        public boolean grant(int w, int core) {
            Signals s = signals;
            if (s.core[w] >= 0) return false;
            for (int i = 0; i < stackCores.length; i++) {
                if (stackCores[i] == core && !coreTaken[i]) {
                    coreTaken[i] = true;
                    s.core[w] = core;
                    s.granted++;
                    GRANTED.setOpaque(CoreScheduler.this, s.granted);
                    if (pin) workers[w].requestCore(core);
                    workers[w].setGranted(true);
                    GRANTS.setOpaque(CoreScheduler.this, grants + 1);
                    return true;
                }
            }
            return false;
        }

        @Override
        public boolean revoke(int w) {
            Signals s = signals;
            int c = s.core[w];
            if (c < 0) return false;
            workers[w].setGranted(false);
            for (int i = 0; i < stackCores.length; i++) if (stackCores[i] == c) coreTaken[i] = false;
            s.core[w] = -1;
            s.granted--;
            GRANTED.setOpaque(CoreScheduler.this, s.granted);
            REVOKES.setOpaque(CoreScheduler.this, revokes + 1);
            return true;
        }
    }

    /**
     * Runs the periods on a thread of its own until {@link #stop}. The policy's {@link CorePolicy#start}
     * runs here, on the caller's thread, so a policy refusing its configuration throws to the caller.
     */
    public synchronized void start() {
        if (thread != null) throw new IllegalStateException("core scheduler already started");
        if (!begun) begin(runtime.nanoTime());
        running = true;
        thread = runtime.newThread("flexnet-cores", this::loop);
        thread.start();
    }

    /** Stops after the current period and waits for the thread; true if it ended within the timeout. */
    public boolean stop(long timeoutMillis) throws InterruptedException {
        Thread t;
        synchronized (this) {
            t = thread;
        }
        running = false;
        if (t == null) return true;
        runtime.unpark(t);
        t.join(timeoutMillis);
        return !t.isAlive();
    }

    private void loop() {
        if (schedulerCore >= 0) runtime.pin(schedulerCore);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        boolean cpuKnown = mx.isCurrentThreadCpuTimeSupported();
        long cpu0 = cpuKnown ? mx.getCurrentThreadCpuTime() : -1;
        final long period = periodNanos;
        long wall0 = runtime.nanoTime();
        long next = wall0;
        try {
            while (running) {
                long t0 = runtime.nanoTime();
                stepAt(t0);
                long t1 = runtime.nanoTime();
                long cost = t1 - t0;
                stepCost.recordValue(Math.max(1, Math.min(cost, 10_000_000_000L)));
                STEP_TOTAL.setOpaque(this, stepNanosTotal + cost);
                if (cost > stepNanosMax) STEP_MAX.setOpaque(this, cost);
                next += period;
                if (t1 >= next) {
                    // Late (descheduled, or the period is shorter than a step): skip what was missed
                    // rather than run a burst of back-to-back periods.
                    long missed = (t1 - next) / period + 1;
                    OVERRUNS.setOpaque(this, overruns + missed);
                    next += missed * period;
                }
                waitUntil(next);
            }
        } finally {
            wallNanos = runtime.nanoTime() - wall0;
            cpuNanos = cpuKnown ? mx.getCurrentThreadCpuTime() - cpu0 : -1;
        }
    }

    private void waitUntil(long deadline) {
        long now;
        if (spin) {
            while ((now = runtime.nanoTime()) < deadline && running) runtime.spinWait();
        } else {
            while ((now = runtime.nanoTime()) < deadline && running) runtime.park(deadline - now);
        }
    }

    /** Live view for the policy's thread; read it from elsewhere only after {@link #stop} or between steps. */
    public Signals signals() { return signals; }

    public CoreTimeline timeline() { return timeline; }
    public CorePolicy policy() { return policy; }
    public long periodNanos() { return periodNanos; }
    public boolean spins() { return spin; }
    /** The cores the stack may use, in the order they are handed out. */
    public int[] stackCores() { return stackCores.clone(); }
    public int workers() { return workers.length; }
    public int queues() { return queues.length; }
    public boolean isRunning() { return running; }

    /** Periods run so far. */
    public long periods() { return (long) PERIODS.getOpaque(this); }

    /** Periods skipped because the thread was late. */
    public long overruns() { return (long) OVERRUNS.getOpaque(this); }

    public long grants() { return (long) GRANTS.getOpaque(this); }
    public long revokes() { return (long) REVOKES.getOpaque(this); }

    /** Policy calls that threw; the grants stayed as they were. */
    public long faults() { return (long) FAULTS.getOpaque(this); }

    public Throwable lastFault() { return lastFault; }

    /** Time spent inside periods (sample, policy, apply) on the scheduler's own thread, in total. */
    public long stepNanosTotal() { return (long) STEP_TOTAL.getOpaque(this); }

    /**
     * Distribution of the time each period took on the scheduler's thread (ns), over its runs; a copy.
     * Call after {@link #stop}: it is recorded without synchronization.
     */
    public Histogram stepCost() {
        if (running) throw new IllegalStateException("stop the core scheduler before reading its step costs");
        return stepCost.copy();
    }

    /** The longest period's work. */
    public long stepNanosMax() { return (long) STEP_MAX.getOpaque(this); }

    /** CPU time of the scheduler's thread over its last run (set when it stops), or -1 if unknown. */
    public long cpuNanos() { return cpuNanos; }

    /** Wall time of the last run (set when it stops). */
    public long wallNanos() { return wallNanos; }

    /** Cores granted now; readable from any thread. */
    public int coresGranted() { return (int) GRANTED.getOpaque(this); }

    /** Configures a {@link CoreScheduler}; every setting has a default but the workers and queues. */
    public static final class Builder {
        private final StackRuntime runtime;
        private final CorePolicy policy;
        private List<? extends CoreWorker> workers = List.of();
        private List<CoroutineQueue> queues = List.of();
        private int[] cores;
        private boolean pin = true;
        private long periodNanos = DEFAULT_PERIOD_NANOS;
        private Boolean spin;
        private int schedulerCore = -1;
        private int timelineCapacity = 1 << 16;

        private Builder(StackRuntime runtime, CorePolicy policy) {
            this.runtime = java.util.Objects.requireNonNull(runtime, "runtime");
            this.policy = java.util.Objects.requireNonNull(policy, "policy");
        }

        /** The workers whose cores the policy controls, numbered in this order. */
        public Builder workers(List<? extends CoreWorker> workers) {
            this.workers = List.copyOf(workers);
            return this;
        }

        /** The queues whose signals the policy reads, numbered in this order. */
        public Builder queues(List<CoroutineQueue> queues) {
            this.queues = List.copyOf(queues);
            return this;
        }

        public Builder queues(CoroutineQueue... queues) { return queues(List.of(queues)); }

        /**
         * The cores the stack may use, handed out in this order. Default: 0 to {@code runtime.cores() - 1};
         * on Linux the JVM counts only the building thread's allowed cores, so a pinned builder would
         * get one. Name them (e.g. {@code LinuxAffinity.allowedCores()}) when it matters.
         */
        public Builder cores(int... cores) {
            this.cores = cores.clone();
            return this;
        }

        /** Whether a granted worker pins itself to its core (default true; no-op where pinning fails). */
        public Builder pin(boolean pin) {
            this.pin = pin;
            return this;
        }

        public Builder periodNanos(long periodNanos) {
            if (periodNanos <= 0) throw new IllegalArgumentException("period must be > 0");
            this.periodNanos = periodNanos;
            return this;
        }

        /**
         * Busy-wait between periods (true) or park (false). By default it spins for periods under
         * 100 µs, where a park would oversleep by more than the period itself.
         */
        public Builder spin(boolean spin) {
            this.spin = spin;
            return this;
        }

        /** A core to pin the scheduler's own thread to (default -1: unpinned). */
        public Builder schedulerCore(int core) {
            this.schedulerCore = core;
            return this;
        }

        /** At least this many timeline entries are kept (default 65536). */
        public Builder timelineCapacity(int entries) {
            this.timelineCapacity = entries;
            return this;
        }

        public CoreScheduler build() {
            if (workers.isEmpty()) throw new IllegalArgumentException("core scheduler needs workers");
            if (cores == null) {
                cores = new int[runtime.cores()];
                for (int i = 0; i < cores.length; i++) cores[i] = i;
            }
            if (cores.length == 0) throw new IllegalArgumentException("core scheduler needs at least one core");
            int[] sorted = cores.clone();
            Arrays.sort(sorted);
            for (int i = 0; i < sorted.length; i++) {
                if (sorted[i] < 0) throw new IllegalArgumentException("negative core " + sorted[i]);
                if (i > 0 && sorted[i] == sorted[i - 1]) throw new IllegalArgumentException("core " + sorted[i] + " twice");
            }
            if (spin == null) spin = periodNanos < 100_000;
            return new CoreScheduler(this);
        }
    }

    @Override
    public String toString() {
        return "core scheduler " + policy.name() + " every " + periodNanos + " ns on cores "
                + Arrays.toString(stackCores) + ", " + coresGranted() + " granted";
    }
}
