package io.flexnet.pipeline;

import io.flexnet.packet.Packet;
import io.flexnet.proto.LayerContext;

/**
 * One packet's progress through one pipeline: the paper's stackless coroutine. Suspending stores the
 * program counter (the next step) and a timestamp, nothing else; resuming re-enters the pipeline's step
 * loop at that counter. One coroutine exists per packet slot, made with the pool, so starting one
 * allocates nothing (see {@link Coroutines}).
 *
 * <p>Layout: object header, two references, an int and a long — 32 bytes with compressed references
 * (measured with JOL in the tests), within the 64-byte budget beyond the packet slot.
 *
 * <p>Fields are plain: a coroutine is handed between threads only through a {@link CoroutineQueue}
 * (release on offer, acquire on poll) or an application's own hand-off, which publish them.
 */
public final class Coroutine {
    /** {@link #resume} result: the coroutine ended (delivered, transmitted, or dropped and counted). */
    public static final int FINISHED = 0;
    /** {@link #resume} result: parked in a queue or held by an application. */
    public static final int SUSPENDED = 1;

    private final Packet packet;
    Pipeline pipeline;
    int pc;
    /** When the coroutine last suspended at a queue; the queue's sojourn clock. */
    long suspendedNanos;

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
        return pipeline.run(this, cx);
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
