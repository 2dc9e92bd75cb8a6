package io.flexnet.pipeline;

import io.flexnet.packet.Counters;
import io.flexnet.packet.DropCounters;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.Packet;
import io.flexnet.proto.Layer;
import io.flexnet.proto.LayerContext;
import io.flexnet.proto.Replier;

/**
 * A verified template with suspension points: the ordered steps a coroutine runs. Made only by
 * {@link PipelineBuilder#build()}; immutable afterwards and shared by every coroutine that runs it.
 *
 * <p>The step loop ({@link #run}) is the coroutine's body. Steps are held in parallel arrays indexed by
 * program counter, so resuming is an array walk with no per-packet objects. Every way out of the loop
 * is a layer that took the packet, a suspension, or a counted drop with the slot released.
 *
 * <p>Extension code (selectors, applications, layers) that throws is contained here: the packet is
 * dropped as {@code extension-fault}, the fault counted against the step, and the caller — a worker —
 * goes on. A layer that throws must not have handed the packet on before throwing.
 *
 * <p>Once a layer or application has taken the packet, the loop never writes the coroutine again: the
 * slot may already be released and its coroutine restarted by another thread.
 */
public final class Pipeline {
    static final byte LAYER = 0, QUEUE = 1, YIELD = 2;
    /** Program counter of a held coroutine once its application has answered. */
    static final int ANSWERED = -1;

    private final String name;
    private final Template template;
    private final byte[] kinds;
    private final Layer[] layers;
    private final Selector[] selectors;
    private final CoroutineQueue[][] queues;
    private final Application[] apps;
    /** At a yield() step: the l4_send layer after it, which turns an answered request into its reply. */
    private final Replier[] repliers;
    private final String[] stepNames;
    private final DropCounters drops;
    private final Counters faults;
    private volatile Throwable lastFault;
    private final StepProgram program;
    private final boolean compiled;

    Pipeline(String name, Template template, byte[] kinds, Layer[] layers, Selector[] selectors,
             CoroutineQueue[][] queues, Application[] apps, Replier[] repliers, String[] stepNames, boolean compile) {
        this.name = name;
        this.template = template;
        this.kinds = kinds;
        this.layers = layers;
        this.selectors = selectors;
        this.queues = queues;
        this.apps = apps;
        this.repliers = repliers;
        this.stepNames = stepNames;
        this.drops = new DropCounters("pipeline." + name);
        this.faults = new Counters("pipeline." + name + ".faults", stepNames);
        Object[] extensions = new Object[kinds.length];
        for (int i = 0; i < kinds.length; i++) {
            extensions[i] = kinds[i] == LAYER ? layers[i] : kinds[i] == QUEUE ? selectors[i] : apps[i];
        }
        // Last: the compiled class captures this pipeline, so every field above must be set.
        this.program = compile
                ? PipelineCompiler.compile(this, kinds.clone(), extensions, queues.clone(), repliers.clone())
                : this::interpret;
        this.compiled = compile;
    }

    /** The compiled class, or the interpreter; for tests of the compiler. */
    StepProgram program() { return program; }

    /** Runs {@code co} from its program counter until it suspends or finishes. */
    int run(Coroutine co, LayerContext cx) { return program.run(co, co.pc, cx); }

    /** The step loop, interpreted: what the compiled form unrolls (see {@link PipelineCompiler}). */
    private int interpret(Coroutine co, int pc, LayerContext cx) {
        final Packet p = co.packet();
        final byte[] kinds = this.kinds;
        while (true) {
            byte kind = kinds[pc];
            if (kind == LAYER) {
                int verdict;
                try {
                    verdict = layers[pc].process(p, cx);
                } catch (Throwable t) {
                    return fault(co, pc, t, cx);
                }
                // DONE: the layer owns the packet and may already have released it; another thread
                // may be reusing the slot and running this very coroutine again. Touch nothing.
                if (verdict != Layer.NEXT) return Coroutine.FINISHED;
                pc++;
                if (pc == kinds.length) return fellOffEnd(co, cx);
            } else if (kind == QUEUE) {
                int index;
                try {
                    index = selectors[pc].select(p);
                } catch (Throwable t) {
                    return fault(co, pc, t, cx);
                }
                return park(co, pc, index, cx);
            } else {
                co.pc = pc + 1;
                int answer;
                try {
                    answer = apps[pc].onYield(co);
                } catch (Throwable t) {
                    return fault(co, pc, t, cx);
                }
                if (answer == Application.ANSWER) {
                    co.pc = ANSWERED;  // no longer held, while still ours: a stray answer() is refused
                    repliers[pc].prepareReply(p, cx);
                    pc++;
                } else if (answer == Application.HOLD) {
                    return Coroutine.SUSPENDED;
                } else {
                    return Coroutine.FINISHED;  // the application kept or released it: touch nothing
                }
            }
        }
    }

    int answer(Coroutine co, LayerContext cx) {
        int pc = co.pc;
        if (co.pipeline != this || pc <= 0 || kinds[pc - 1] != YIELD) {
            throw new IllegalStateException(co + " is not held at a yield() of " + name);
        }
        co.pc = ANSWERED;  // a second answer() is refused instead of sending the reply twice
        repliers[pc - 1].prepareReply(co.packet(), cx);
        return program.run(co, pc, cx);
    }

    /**
     * Suspension at a {@code queue()} step: parks {@code co} in the selected queue, or drops it when
     * the index is out of range or the queue is full.
     */
    int park(Coroutine co, int step, int index, LayerContext cx) { return park(co, step, index, cx, queues[step]); }

    /** As above with the step's queues given: the compiled form passes them as a constant. */
    int park(Coroutine co, int step, int index, LayerContext cx, CoroutineQueue[] qs) {
        if (index < 0 || index >= qs.length) {
            return drop(co, index == Selector.DROP ? DropReason.POLICY_DROP : DropReason.SELECTOR_RANGE, cx);
        }
        // Publish the resume point before the offer: once offered, another thread may run it.
        co.pc = step + 1;
        co.suspendedNanos = cx.now();
        if (qs[index].offer(co)) return Coroutine.SUSPENDED;
        return drop(co, DropReason.QUEUE_FULL, cx);
    }

    static void setPc(Coroutine co, int pc) { co.pc = pc; }

    int badResumePoint(Coroutine co, int pc) {
        throw new IllegalStateException(co + ": pipeline " + name + " has no step " + pc);
    }

    private int drop(Coroutine co, DropReason reason, LayerContext cx) {
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
    public int steps() { return kinds.length; }
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
        for (CoroutineQueue[] qs : queues) if (qs != null) all.addAll(java.util.List.of(qs));
        return java.util.List.copyOf(all);
    }

    @Override
    public String toString() { return name + " " + String.join(" > ", stepNames); }
}
