package io.flexnet.pipeline;

import io.flexnet.packet.Packet;
import io.flexnet.proto.LayerContext;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.DynamicConstantDesc;

/**
 * What a {@link Step} emits its code with: the method being generated, its locals and shared exits,
 * and the step's own class-data constants. One per generated method; the compiler moves it from step
 * to step.
 *
 * <p>Locals of every generated method: {@link #CO} the coroutine, {@link #PC} the step being run (the
 * fault handler reports it), {@link #CX} the layer context, {@link #P} the packet, {@link #TMP} an int a
 * step may use between two calls.
 */
final class StepEmitter {
    static final ClassDesc CD_PIPELINE = desc(Pipeline.class);
    static final ClassDesc CD_COROUTINE = desc(Coroutine.class);
    static final ClassDesc CD_PACKET = desc(Packet.class);
    static final ClassDesc CD_CONTEXT = desc(LayerContext.class);
    static final ClassDesc CD_THROWABLE = desc(Throwable.class);

    static final int CO = 1, PC = 2, CX = 3, P = 4, TMP = 5;

    private final CodeBuilder code;
    private final Label finished, suspended, handler;
    private int step, firstConstant;

    StepEmitter(CodeBuilder code, Label finished, Label suspended, Label handler) {
        this.code = code;
        this.finished = finished;
        this.suspended = suspended;
        this.handler = handler;
    }

    static ClassDesc desc(Class<?> c) { return ClassDesc.of(c.getName()); }

    /** A class-data constant of the generated class: entry {@code index} of its list, as {@code type}. */
    static DynamicConstantDesc<?> classData(ClassDesc type, int index) {
        return DynamicConstantDesc.ofNamed(ConstantDescs.BSM_CLASS_DATA_AT, ConstantDescs.DEFAULT_NAME, type, index);
    }

    /** Moves to step {@code step}, whose constants start at class-data entry {@code firstConstant}. */
    void at(int step, int firstConstant) {
        this.step = step;
        this.firstConstant = firstConstant;
    }

    CodeBuilder code() { return code; }

    /** Index of the step being emitted. */
    int step() { return step; }

    /** Returns {@link Coroutine#FINISHED}: the packet was taken, dropped or handed on. */
    Label finished() { return finished; }

    /** Returns {@link Coroutine#SUSPENDED}. */
    Label suspended() { return suspended; }

    /**
     * Pushes the step's constant {@code k} (the {@code k}-th of {@link Step#constants()}) as
     * {@code type}: an {@code ldc} of class data, so its call sites have one known receiver.
     */
    void constant(int k, ClassDesc type) {
        code.ldc(classData(type, firstConstant + k)).checkcast(type);
    }

    /** Pushes the pipeline itself, for its slow paths ({@code park}, {@code fellOffEnd}, {@code fault}). */
    void pipeline() {
        code.ldc(classData(CD_PIPELINE, 0)).checkcast(CD_PIPELINE);
    }

    /**
     * Contains extension code: anything thrown between {@code start} and {@code end} drops the packet
     * as {@code extension-fault}, counted against this step.
     */
    void guard(Label start, Label end) {
        code.exceptionCatch(start, end, handler, CD_THROWABLE);
    }
}
