package io.flexnet.sched;

import io.flexnet.packet.DropReason;
import io.flexnet.pipeline.Coroutine;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.proto.LayerContext;
import io.flexnet.runtime.Quantum;
import io.flexnet.runtime.StackRuntime;

/**
 * What a worker lends its executors: the batch's time and the means to resume coroutines. One per
 * worker, confined to its thread, with a batch array made at start (no per-call allocation). It holds
 * the worker's {@link LayerContext}, which every coroutine it resumes passes to its layers: the round's
 * time and the worker's counter stripe.
 */
public final class ExecContext {
    public static final int MAX_BATCH = 256;

    private final int workerId;
    private final Coroutine[] batch = new Coroutine[MAX_BATCH];
    /** Bound to the calling thread when made; a worker binds it again on its own thread. */
    private final LayerContext layers = new LayerContext();
    /**
     * The round's time, as {@link #layers} holds it: kept here too so a resume polls its queue with a
     * field of this object rather than a load through the context (two dependent loads per resume).
     */
    private long now;
    private long internalFaults;
    private Throwable lastInternalFault;

    public ExecContext(int workerId) { this.workerId = workerId; }

    /** The time read once at the start of this round of work. */
    public long now() { return now; }

    /** For drivers of an executor outside a worker (tests, benchmarks, a simulated runtime). */
    public void setNow(long now) {
        this.now = now;
        layers.setNow(now);
    }

    /** The context coroutines resumed here pass to their layers (to start a pipeline: {@code co.start(pl, ctx.layers())}). */
    public LayerContext layers() { return layers; }

    public int workerId() { return workerId; }

    /** Takes up to {@code max} coroutines from {@code q} and resumes each; returns how many. */
    public int resume(CoroutineQueue q, int max) {
        if (max == 1) return resumeOne(q);
        int n = q.drain(batch, 0, Math.min(max, MAX_BATCH), now);
        resumeBatch(n);
        return n;
    }

    /**
     * Collects up to {@code max} coroutines from {@code q}, polling for up to {@code waitNanos} while
     * fewer are there (Listing 6's busy poll, bounded so a lull cannot stall what was collected), then
     * resumes them together. Returns how many. The wait spins and reads the clock through {@code rt},
     * so a simulated runtime sees it as time the core spent.
     */
    public int resumeBatched(CoroutineQueue q, int max, long waitNanos, StackRuntime rt) {
        max = Math.min(max, MAX_BATCH);
        final long now = this.now;
        int n = q.drain(batch, 0, max, now);
        if (n < max && waitNanos > 0 && n > 0) {
            long deadline = now + waitNanos;
            long t = now;
            while (n < max && t < deadline) {
                rt.spinWait();
                t = rt.nanoTime();
                n += q.drain(batch, n, max - n, t);
            }
            setNow(t);
        }
        resumeBatch(n);
        return n;
    }

    /** One at a time, the common round-robin case: straight from the queue, no batch array stores. */
    private int resumeOne(CoroutineQueue q) {
        Coroutine co = q.poll(now);
        if (co == null) return 0;
        resumeContained(co);
        return 1;
    }

    private void resumeBatch(int n) {
        final Coroutine[] b = batch;
        for (int i = 0; i < n; i++) {
            Coroutine co = b[i];
            b[i] = null;
            resumeContained(co);
        }
    }

    /**
     * One slice of preemptive execution: takes the oldest coroutine of {@code from} and resumes it under
     * {@code quantum}, which begins at this round's time; if its application stops at a yield point the
     * coroutine goes to the back of {@code to.queueFor(it)} (Shinjuku returns it to the back of the one
     * dispatcher queue; a multi-level executor picks a level). Returns 1, or 0 when {@code from} was
     * empty. A preempted coroutine that finds its queue full is dropped as {@code queue-full}.
     *
     * <p>Drivers should run at most one slice per round: the slice's start is the round's time.
     */
    public int resumeSlice(CoroutineQueue from, Quantum quantum, Requeue to) {
        Coroutine co = from.poll(now);
        if (co == null) return 0;
        final LayerContext cx = layers;
        cx.setQuantum(quantum);
        quantum.begin(now);
        int result;
        try {
            result = co.resume(cx);
        } catch (Throwable bug) {
            internalFaults++;
            lastInternalFault = bug;
            result = Coroutine.FINISHED;
        } finally {
            quantum.end();
            cx.setQuantum(Quantum.NEVER);
        }
        if (result == Coroutine.PREEMPTED) requeue(co, to);
        return 1;
    }

    /**
     * Moves up to {@code max} coroutines from {@code from} to the queues {@code to} picks, unresumed:
     * how a multi-level executor sorts arrivals into its levels. Returns how many it took.
     */
    public int move(CoroutineQueue from, int max, Requeue to) {
        int n = 0;
        for (Coroutine co; n < max && (co = from.poll(now)) != null; n++) requeue(co, to);
        return n;
    }

    private void requeue(Coroutine co, Requeue to) {
        CoroutineQueue q;
        try {
            q = to.queueFor(co);
        } catch (Throwable t) {
            internalFaults++;
            lastInternalFault = t;
            co.drop(DropReason.EXTENSION_FAULT, layers);
            return;
        }
        if (!co.requeue(q, now)) co.drop(DropReason.QUEUE_FULL, layers);
    }

    private void resumeContained(Coroutine co) {
        try {
            co.resume(layers);  // contains extension faults itself
        } catch (Throwable bug) {
            // Only a defect in the stack itself gets here; the rest of the batch must still run.
            internalFaults++;
            lastInternalFault = bug;
        }
    }

    /** Resumes that threw despite the step loop's containment: defects, reported, never hidden. */
    public long internalFaults() { return internalFaults; }

    public Throwable lastInternalFault() { return lastInternalFault; }
}
