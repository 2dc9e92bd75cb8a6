package io.flexnet.pipeline;

import io.flexnet.packet.Counters;
import io.flexnet.packet.DropCounters;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.Packet;
import io.flexnet.proto.LayerContext;
import java.nio.file.Path;

/**
 * A verified template with suspension points: the ordered steps a coroutine runs. Made only by
 * {@link PipelineBuilder#build()}; immutable afterwards and shared by every coroutine that runs it.
 *
 * <p>The step loop ({@link #run}) is the coroutine's body. Steps ({@code Step}s: layers, queue points,
 * yields) are held in an array indexed by program counter, so resuming is an array walk with no
 * per-packet objects; each step runs itself. Every way out of the loop is a layer that took the
 * packet, a suspension, or a counted drop with the slot released.
 *
 * <p>Extension code (selectors, applications, layers) that throws is contained by the step that called
 * it, through {@link #fault}: the packet is dropped as {@code extension-fault}, the fault counted
 * against the step, and the caller — a worker — goes on. A layer that throws must not have handed the packet on before throwing.
 *
 * <p>Once a layer or application has taken the packet, the loop never writes the coroutine again: the
 * slot may already be released and its coroutine restarted by another thread.
 */
public final class Pipeline {
    /** Program counter of a held coroutine once its application has answered. */
    static final int ANSWERED = -1;

    private final String name;
    private final Template template;
    private final Step[] steps;
    private final String[] stepNames;
    private final DropCounters drops;
    private final Counters faults;
    private volatile Throwable lastFault;
    private final StepProgram program;
    private final boolean compiled;

    /** {@code steps} verified and linked; {@code dump}, if not null, receives the compiled class's bytes. */
    Pipeline(String name, Template template, Step[] steps, boolean compile, Path dump) {
        this.name = name;
        this.template = template;
        this.steps = steps;
        this.stepNames = new String[steps.length];
        for (int i = 0; i < steps.length; i++) stepNames[i] = steps[i].name();
        this.drops = new DropCounters("pipeline." + name);
        this.faults = new Counters("pipeline." + name + ".faults", stepNames);
        // Last: the compiled class captures this pipeline, so every field above must be set.
        this.program = compile ? PipelineCompiler.compile(this, steps, dump) : this::interpret;
        this.compiled = compile;
    }

    /** The compiled class, or the interpreter; for tests of the compiler. */
    StepProgram program() { return program; }

    /** Runs {@code co} from its program counter until it suspends or finishes. */
    int run(Coroutine co, LayerContext cx) { return program.run(co, co.pc, cx); }

    /** The step loop, interpreted: what the compiled form unrolls (see {@link PipelineCompiler}). */
    private int interpret(Coroutine co, int pc, LayerContext cx) {
        final Packet p = co.packet();
        final Step[] steps = this.steps;
        while (true) {
            int result = steps[pc].interpret(this, co, pc, p, cx);
            if (result != Step.NEXT) return result;
            if (++pc == steps.length) return fellOffEnd(co, cx);
        }
    }

    int answer(Coroutine co, LayerContext cx) {
        int pc = co.pc;
        if (co.pipeline != this || pc <= 0 || !(steps[pc - 1] instanceof YieldStep yieldStep)) {
            throw new IllegalStateException(co + " is not held at a yield() of " + name);
        }
        yieldStep.answered(co, cx);  // a second answer() is refused instead of sending the reply twice
        return program.run(co, pc, cx);
    }

    /**
     * Suspension at a {@code queue()} step: parks {@code co} in the selected one of the step's queues
     * {@code qs}, or drops it when the index is out of range or the queue is full.
     */
    int park(Coroutine co, int step, int index, LayerContext cx, CoroutineQueue[] qs) {
        if (index < 0 || index >= qs.length) {
            return drop(co, index == Selector.DROP ? DropReason.POLICY_DROP : DropReason.SELECTOR_RANGE, cx);
        }
        // Publish the resume point before the offer: once offered, another thread may run it.
        co.pc = step + 1;
        co.suspendedNanos = cx.now();
        int r = qs[index].enqueue(co);
        if (r == CoroutineQueue.PARKED) return Coroutine.SUSPENDED;
        return drop(co, r == CoroutineQueue.FULL ? DropReason.QUEUE_FULL : DropReason.QUEUE_OVER_LIMIT, cx);
    }

    static void setPc(Coroutine co, int pc) { co.pc = pc; }

    int badResumePoint(Coroutine co, int pc) {
        throw new IllegalStateException(co + ": pipeline " + name + " has no step " + pc);
    }

    /**
     * A {@code yield()}'s application answered {@link Application#PREEMPTED}: the coroutine stays at
     * step {@code step}, to call the application again when resumed, and goes back to the executor.
     * Refused as an extension fault when the running executor does not preempt: nobody would resume it.
     */
    int preempted(Coroutine co, int step, LayerContext cx) {
        if (!cx.preempts()) {
            return fault(co, step, new IllegalStateException("application at " + stepNames[step]
                    + " of " + name + " returned PREEMPTED, but the executor running it does not preempt"), cx);
        }
        co.pc = step;
        co.preemptions++;
        return Coroutine.PREEMPTED;
    }

    int drop(Coroutine co, DropReason reason, LayerContext cx) {
        drops.drop(co.packet(), reason, cx.stripe());
        return Coroutine.FINISHED;
    }

    int fellOffEnd(Coroutine co, LayerContext cx) {
        // The verifier makes every pipeline end in a layer that takes the packet; a layer that says
        // NEXT at the end broke its contract. Count it rather than leak the slot.
        return drop(co, DropReason.NO_HANDLER, cx);
    }

    int fault(Coroutine co, int pc, Throwable t, LayerContext cx) {
        faults.inc(cx.stripe(), pc);
        lastFault = t;
        try {
            drops.drop(co.packet(), DropReason.EXTENSION_FAULT, cx.stripe());
        } catch (IllegalStateException alreadyReleased) {
            drops.count(DropReason.EXTENSION_FAULT, cx.stripe());  // the extension released it before throwing
        }
        return Coroutine.FINISHED;
    }

    public String name() { return name; }
    /** True when the steps run as a generated class, false when interpreted. */
    public boolean compiled() { return compiled; }
    public Template template() { return template; }
    public int steps() { return steps.length; }
    public String stepName(int step) { return stepNames[step]; }
    /** Drops made by the pipeline itself (selector range, queue full, extension faults). */
    public DropCounters drops() { return drops; }
    /** Extension faults by step name. */
    public Counters faults() { return faults; }
    /** The most recent extension fault, for diagnostics; null if none. */
    public Throwable lastFault() { return lastFault; }

    /** Every distinct queue this pipeline can park coroutines in, in step order. */
    public java.util.List<CoroutineQueue> queues() {
        java.util.LinkedHashSet<CoroutineQueue> all = new java.util.LinkedHashSet<>();
        for (Step s : steps) all.addAll(s.queues());
        return java.util.List.copyOf(all);
    }

    /** A {@code queue(selector, queues...)} point: its step, its selector and the queues it chooses among. */
    public record QueuePoint(int step, String stepName, Selector selector, java.util.List<CoroutineQueue> queues) {}

    /** The pipeline's queue points in step order, for checks that look at a design's structure. */
    public java.util.List<QueuePoint> queuePoints() {
        java.util.List<QueuePoint> out = new java.util.ArrayList<>();
        for (int i = 0; i < steps.length; i++) {
            if (steps[i] instanceof QueueStep q) out.add(new QueuePoint(i, stepNames[i], q.selector(), q.queues()));
        }
        return out;
    }

    @Override
    public String toString() { return name + " " + String.join(" > ", stepNames); }
}
