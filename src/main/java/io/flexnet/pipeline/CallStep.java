// A step that is one call of `int process(Packet, LayerContext)` on what it holds: a layer or an interposer.
package io.flexnet.pipeline;

import static io.flexnet.pipeline.StepEmitter.CX;
import static io.flexnet.pipeline.StepEmitter.P;
import static java.lang.constant.ConstantDescs.CD_int;

import io.flexnet.packet.Packet;
import io.flexnet.proto.LayerContext;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.List;

/**
 * What {@link LayerStep} and {@link InterposeStep} share: the call returns 0 to go on
 * ({@code Layer.NEXT}, {@code Interposer.NEXT}) and anything else when the callee took the packet
 * (dropped, delivered, held or sent it; another thread may already be reusing the slot and running
 * this very coroutine again), after which the step touches nothing. A throw is contained as the
 * pipeline's fault. Compiled, the step is one {@code invokeinterface} on a class-data constant, so
 * the JIT sees the one callee a site ever calls and inlines it. Subclasses say where they may stand.
 */
abstract class CallStep extends Step {
    private static final MethodTypeDesc MTD_PROCESS =
            MethodTypeDesc.of(CD_int, StepEmitter.CD_PACKET, StepEmitter.CD_CONTEXT);

    private final Object callee;
    private final ClassDesc calleeType;
    private final String name;

    /** @param calleeType the interface whose {@code process} is called */
    CallStep(Object callee, Class<?> calleeType, String name) {
        this.callee = callee;
        this.calleeType = StepEmitter.desc(calleeType);
        this.name = name;
    }

    /** The callee's {@code process}, for the interpreter. */
    abstract int call(Packet p, LayerContext cx);

    @Override
    final String name() { return name; }

    @Override
    final int interpret(Pipeline pl, Coroutine co, int pc, Packet p, LayerContext cx) {
        int verdict;
        try {
            verdict = call(p, cx);
        } catch (Throwable t) {
            return pl.fault(co, pc, t, cx);
        }
        return verdict == 0 ? NEXT : Coroutine.FINISHED;  // taken: touch nothing
    }

    @Override
    final List<Object> constants() { return List.of(callee); }

    @Override
    final void emit(StepEmitter e) {
        CodeBuilder cb = e.code();
        Label start = cb.newLabel(), end = cb.newLabel();
        cb.labelBinding(start);
        e.constant(0, calleeType);
        cb.aload(P).aload(CX).invokeinterface(calleeType, "process", MTD_PROCESS);
        cb.labelBinding(end);
        cb.ifne(e.finished());  // taken: touch nothing more
        e.guard(start, end);
    }
}
