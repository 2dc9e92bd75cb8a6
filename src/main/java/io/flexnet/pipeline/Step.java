package io.flexnet.pipeline;

import io.flexnet.packet.Packet;
import io.flexnet.proto.LayerContext;
import java.util.List;

/**
 * One kind of pipeline step — a layer, a {@code queue()} point, a {@code yield()} — as a class that
 * does everything its kind needs: it runs itself in the interpreter, emits its own bytecode into a
 * compiled pipeline, and checks its own place in the pipeline. A new kind (a filter, a capture tap) is
 * one more subclass; the interpreter, the compiler and the verifier do not change, and a compiled
 * pipeline holds code only for the kinds it has.
 *
 * <p>A sketch of a kind that counts packets passing a point:
 *
 * <pre>{@code
 * final class CountStep extends Step {
 *     private final LongAdder seen;
 *     CountStep(LongAdder seen) { this.seen = seen; }
 *
 *     String name() { return "count"; }
 *
 *     int interpret(Pipeline pl, Coroutine co, int pc, Packet p, LayerContext cx) {
 *         seen.increment();
 *         return NEXT;
 *     }
 *
 *     List<Object> constants() { return List.of(seen); }        // constant 0 in emit()
 *
 *     void emit(StepEmitter e) {
 *         e.constant(0, CD_LONG_ADDER);
 *         e.code().invokevirtual(CD_LONG_ADDER, "increment", MethodTypeDesc.of(CD_void));
 *     }                                                          // falls through to the next step
 *
 *     void checkPlacement(Placement at) {
 *         if (at.previous() == null) throw at.fail("count before the first layer sees no header");
 *     }
 * }
 * }</pre>
 *
 * Steps are immutable and shared by every coroutine running the pipeline.
 */
abstract class Step {
    /** {@link #interpret} result: go on with the next step. Distinct from every coroutine result. */
    static final int NEXT = -1;

    /** What errors, fault counters and {@link Pipeline#toString()} call this step. */
    abstract String name();

    /**
     * Runs this step, at index {@code pc}, for {@code co} (whose packet is {@code p}): returns
     * {@link #NEXT} to go on, or the coroutine's result ({@link Coroutine#FINISHED},
     * {@link Coroutine#SUSPENDED}) to leave the loop. Extension code it calls is contained here, with
     * {@link Pipeline#fault}; the compiled form of {@link #emit} must behave the same.
     */
    abstract int interpret(Pipeline pl, Coroutine co, int pc, Packet p, LayerContext cx);

    /** The objects {@link #emit} loads, numbered from 0 in this order; class-data constants when compiled. */
    List<Object> constants() { return List.of(); }

    /**
     * Emits this step's code at its place in a compiled pipeline: the program counter local already
     * holds the step's index. The code falls through to the next step, or jumps to
     * {@link StepEmitter#finished()} / {@link StepEmitter#suspended()}, or returns.
     */
    abstract void emit(StepEmitter e);

    /** True for a point where the coroutine can suspend: no two of them without a layer between. */
    boolean suspends() { return false; }

    /**
     * True when every packet leaves the step loop here and comes back at the next step, as at a
     * {@code queue()} point: the compiler may start a method of its own after it.
     */
    boolean cutsSegment() { return false; }

    /** Queues this step parks coroutines in. */
    List<CoroutineQueue> queues() { return List.of(); }

    /**
     * Refuses this step at {@code at}, given the steps before it, by throwing {@link Placement#fail}.
     * The verifier calls it walking from the first step, so the first offending step is the one named.
     */
    void checkPlacement(Placement at) {}

    /**
     * Refuses this step given the steps after it — called once every step is placed and the template's
     * layers are all there, from the last step back — and returns it as it will run: a step that works
     * with a neighbour (a {@code yield()} with the transport after it) takes it here.
     */
    Step link(Placement at) { return this; }

    @Override
    public String toString() { return name(); }

    /** The rules every suspension point shares, where they are checked walking forward. */
    static void checkSuspensionPoint(Placement at) {
        Step previous = at.previous();
        if (previous != null && previous.suspends()) {
            throw at.fail("two suspension points with no layer between them");
        }
    }

    /** The rule every suspension point shares about what follows it. */
    static void checkSomethingToResume(Placement at) {
        if (at.last()) throw at.fail("a suspension point after the last layer has nothing to resume");
    }
}
