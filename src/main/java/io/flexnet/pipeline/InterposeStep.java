// An interposer as a step: between two layers, it lets the packet go on or keeps it.
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
 * Runs an {@link Interposer}: {@code NEXT} goes on, {@code TAKEN} finishes the coroutine without
 * touching the packet again. Compiled, it is one call on a class-data constant, so the JIT sees the
 * one interposer a site ever calls and inlines it.
 */
final class InterposeStep extends Step {
    private static final ClassDesc CD_INTERPOSER = StepEmitter.desc(Interposer.class);
    private static final MethodTypeDesc MTD_PROCESS =
            MethodTypeDesc.of(CD_int, StepEmitter.CD_PACKET, StepEmitter.CD_CONTEXT);

    private final Interposer interposer;
    private final String name;

    InterposeStep(Interposer interposer) {
        this.interposer = interposer;
        this.name = interposer.name();
    }

    @Override
    String name() { return name; }

    @Override
    int interpret(Pipeline pl, Coroutine co, int pc, Packet p, LayerContext cx) {
        int verdict;
        try {
            verdict = interposer.process(p, cx);
        } catch (Throwable t) {
            return pl.fault(co, pc, t, cx);
        }
        // TAKEN: the packet is no longer ours (dropped and released, or sent); touch nothing.
        return verdict == Interposer.NEXT ? NEXT : Coroutine.FINISHED;
    }

    @Override
    List<Object> constants() { return List.of(interposer); }

    @Override
    void emit(StepEmitter e) {
        CodeBuilder cb = e.code();
        Label start = cb.newLabel(), end = cb.newLabel();
        cb.labelBinding(start);
        e.constant(0, CD_INTERPOSER);
        cb.aload(P).aload(CX).invokeinterface(CD_INTERPOSER, "process", MTD_PROCESS);
        cb.labelBinding(end);
        cb.ifne(e.finished());
        e.guard(start, end);
    }

    /** Between layers: a header must have been read before it, and a layer must follow to take the packet. */
    @Override
    void checkPlacement(Placement at) {
        if (at.layerBefore() == null) {
            throw at.fail("interposer " + name + " before the first layer: no header has been read yet");
        }
    }

    @Override
    Step link(Placement at) {
        if (at.last()) {
            throw at.fail("interposer " + name + " after the last layer: the packet has already been handed on");
        }
        return this;
    }
}
