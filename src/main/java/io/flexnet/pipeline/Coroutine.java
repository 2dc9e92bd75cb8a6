package io.flexnet.pipeline;

import io.flexnet.packet.DropReason;
import io.flexnet.packet.Packet;
import io.flexnet.proto.LayerContext;

/**
 * One packet's progress through one pipeline: the paper's stackless coroutine. Suspending stores the
 * program counter (the next step) and a timestamp, nothing else; resuming re-enters the pipeline's step
 * loop at that counter. One coroutine exists per packet slot, made with the pool, so starting one
 * allocates nothing (see {@link Coroutines}).
 *
 * <p>Layout: object header, two references, three ints and two longs — 48 bytes with compressed
 * references (measured with JOL in the tests), within the 64-byte budget beyond the packet slot. The
 * second long and int are a preemptible application's: its progress word and the times it was
 * preempted, the whole of a preempted request's state beside its packet. The third int is the
 * {@link EntryLimit} token of the queue it is parked in, if that queue caps its class.
 *
 * <p>Fields are plain: a coroutine is handed between threads only through a {@link CoroutineQueue}
 * (release on offer, acquire on poll) or an application's own hand-off, which publish them.
 */
public final class Coroutine {
    /** {@link #resume} result: the coroutine ended (delivered, transmitted, or dropped and counted). */
    public static final int FINISHED = 0;
    /** {@link #resume} result: parked in a queue or held by an application. */
    public static final int SUSPENDED = 1;
    /**
     * {@link #resume} result: a {@link PreemptibleApplication} stopped at a yield point because the
     * quantum was spent. The coroutine now belongs to the caller, a preempting executor, which must put
     * it where it will be resumed (or {@link #drop} it).
     */
    public static final int PREEMPTED = 2;

    private final Packet packet;
    Pipeline pipeline;
    int pc;
    /** When the coroutine last suspended at a queue; the queue's sojourn clock. */
    long suspendedNanos;
    /** A preemptible application's saved progress; 0 when the coroutine starts. */
    private long progress;
    /** Times the coroutine was preempted since it started: its attained service, in quanta. */
    int preemptions;
    /** The token its queue's {@link EntryLimit} gave it while parked there; {@link EntryLimit#UNCAPPED} otherwise. */
    int entryToken = EntryLimit.UNCAPPED;

    Coroutine(Packet packet) { this.packet = packet; }

    public Packet packet() { return packet; }

    /** The pipeline it last started; kept after it finishes (clearing it would race with reuse). */
    public Pipeline pipeline() { return pipeline; }

    /** The step it resumes at. */
    public int pc() { return pc; }

    public long suspendedNanos() { return suspendedNanos; }

    /**
     * Starts {@code pipeline} for this coroutine's packet and runs it until it suspends or finishes,
     * with the caller's context: its time is the batch's (read once per batch: clocks cost tens of ns),
     * its stripe the calling thread's.
     */
    public int start(Pipeline pipeline, LayerContext cx) {
        this.pipeline = pipeline;
        this.pc = 0;
        this.suspendedNanos = cx.now();
        this.progress = 0;
        this.preemptions = 0;
        return pipeline.run(this, cx);
    }

    /** What a preemptible application saved when it was last preempted (0 before). */
    public long progress() { return progress; }

    /** Saves a preemptible application's progress; it gets it back from {@link #progress()} when resumed. */
    public void setProgress(long progress) { this.progress = progress; }

    /**
     * How many times it was preempted since it started: the quanta it has used up, which is what
     * least-attained-service and shortest-remaining executors order by (no clock read per slice).
     */
    public int preemptions() { return preemptions; }

    /**
     * Puts a preempted coroutine (or one its holder moves between queues) at the back of {@code q},
     * stamped {@code now} for the queue's sojourn clock. False when full: the caller still holds it and
     * must {@link #drop} it.
     */
    public boolean requeue(CoroutineQueue q, long now) {
        suspendedNanos = now;
        return q.offer(this);
    }

    /**
     * Drops a coroutine its holder cannot keep — a preempted one whose queue is full, say — counting it
     * under {@code reason} with its pipeline's drops and returning the slot.
     */
    public void drop(DropReason reason, LayerContext cx) {
        Pipeline pl = pipeline;
        if (pl == null) throw new IllegalStateException(this + " was never started");
        pl.drop(this, reason, cx);
    }

    /** Runs from where it suspended until it suspends again or finishes, with the resuming thread's context. */
    public int resume(LayerContext cx) { return pipeline.run(this, cx); }

    /**
     * For an application that returned {@link Application#HOLD}: the reply is in the packet, go on with
     * the send layers on the calling thread.
     */
    public int answer(LayerContext cx) {
        Pipeline pl = pipeline;
        if (pl == null) throw new IllegalStateException(this + " was never started");
        return pl.answer(this, cx);
    }

    @Override
    public String toString() {
        return "Coroutine[" + packet.index() + " pc=" + pc
                + (pipeline == null ? "" : " " + pipeline.name()) + "]";
    }
}
