package io.flexnet.sched;

import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.pipeline.WakeSource;
import io.flexnet.runtime.KernelWait;
import io.flexnet.runtime.StackRuntime;

/**
 * Runs a {@link Worker}'s rounds on a platform thread of its own (Agrona's {@code AgentRunner}): reads
 * the runtime's clock once per round, calls {@link Worker#round(long)}, then idles by the worker's
 * {@link IdleStrategy}, or sleeps while the worker's core is revoked. It is what sleeps, so it is the
 * {@link CoroutineQueue.Sleeper} the worker's wake sources kick.
 *
 * <p>Made and owned by its worker ({@link Worker#start()}, {@link Worker#stop(long)}); idle strategies
 * see it to spin, yield or park through its runtime.
 *
 * <pre>{@code
 * // An idle strategy of one's own: spin a while, then sleep until an arrival.
 * IdleStrategy spinThenSleep = new IdleStrategy() {
 *     int idleRounds;
 *     public void idle(int work, WorkerRunner r) {
 *         if (work > 0) idleRounds = 0;
 *         else if (++idleRounds < 1_000) r.runtime().spinWait();
 *         else r.sleepUntilKicked(10_000_000);
 *     }
 *     public boolean needsKicks() { return true; }
 * };
 * }</pre>
 */
public final class WorkerRunner implements CoroutineQueue.Sleeper {
    /** A revoked worker looks again after this long even without a kick: a backstop, not the mechanism. */
    private static final long REVOKED_BACKSTOP_NANOS = 1_000_000;

    private final Worker worker;
    private final StackRuntime runtime;
    private final IdleStrategy idle;
    private final boolean kicked;

    /**
     * The kernel wait of the first NIC queue this worker polls whose driver offers one (a TAP read by
     * its worker): sleeping is then a poll(2) on the device, so a frame wakes this thread directly, and
     * a kick writes the wait's wake-up file instead of unparking. Null: sleeping is a park.
     */
    private volatile KernelWait wait;
    private Thread thread;
    private volatile boolean running;
    private volatile boolean sleeping;

    WorkerRunner(Worker worker, StackRuntime runtime, IdleStrategy idle) {
        this.worker = worker;
        this.runtime = runtime;
        this.idle = idle;
        this.kicked = idle.needsKicks();
    }

    synchronized void start() {
        if (thread != null) throw new IllegalStateException("worker '" + worker.name() + "' already started");
        if (kicked) {
            for (WakeSource s : worker.wakeSources()) {
                s.addSleeper(this);
                if (wait == null && s instanceof NicPoll poll && poll.kernelWait() != null) {
                    wait = poll.kernelWait();
                    poll.sleepsInKernelWait();
                }
            }
        }
        running = true;
        thread = runtime.newThread("flexnet-" + worker.name(), this::loop);
        thread.start();
    }

    boolean stop(long timeoutMillis) throws InterruptedException {
        running = false;
        kick();
        Thread t = thread;
        if (t == null) return true;
        t.join(timeoutMillis);
        if (kicked) for (WakeSource s : worker.wakeSources()) s.removeSleeper(this);
        return !t.isAlive();
    }

    private void loop() {
        final Worker w = worker;
        final StackRuntime rt = runtime;
        final IdleStrategy strategy = idle;
        w.bindToCurrentThread();  // count on this thread's stripe, looked up once
        while (running) {
            int work = w.round(rt.nanoTime());
            if (w.lastRoundRevoked()) {
                sleepUntilKicked(REVOKED_BACKSTOP_NANOS);
            } else {
                strategy.idle(work, this);
            }
        }
    }

    /**
     * Sleeps until kicked, for at most {@code backstopNanos}; returns at once if there is work or the
     * runner is stopping. Call only on the runner's thread (from an idle strategy).
     * The store of {@code sleeping} is followed by a full fence, so the re-check below cannot miss an
     * arrival whose source then reads {@code sleeping} after its own fence. (A volatile store is one on
     * HotSpot, but the memory model promises it only against other volatile accesses, and the queues
     * read their indices with acquire; the explicit fence costs nothing on a path that is about to park.)
     */
    public void sleepUntilKicked(long backstopNanos) {
        sleeping = true;
        java.lang.invoke.VarHandle.fullFence();
        if (!running || (worker.granted() && worker.hasWork())) {
            sleeping = false;
            return;
        }
        KernelWait w = wait;
        if (w != null) runtime.await(w, backstopNanos);
        else runtime.park(backstopNanos);
        sleeping = false;
    }

    @Override public boolean sleeping() { return sleeping; }

    @Override
    public void kick() {
        KernelWait w = wait;
        if (w != null) {
            w.wake();
            return;
        }
        Thread t = thread;
        if (t != null) runtime.unpark(t);
    }

    /** The runtime to spin, yield and park through. */
    public StackRuntime runtime() { return runtime; }

    public Worker worker() { return worker; }

    boolean isRunning() { return running; }

    Thread thread() { return thread; }

    @Override
    public String toString() { return "runner of " + worker; }
}
