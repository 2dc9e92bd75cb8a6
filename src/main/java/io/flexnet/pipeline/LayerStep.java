package io.flexnet.pipeline;

import static io.flexnet.pipeline.StepEmitter.CX;
import static io.flexnet.pipeline.StepEmitter.P;
import static java.lang.constant.ConstantDescs.CD_int;

import io.flexnet.packet.Packet;
import io.flexnet.proto.Layer;
import io.flexnet.proto.LayerContext;
import io.flexnet.proto.LayerKind;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.List;

/** A protocol layer as a step: {@code process} the packet, then go on or stop where the layer took it. */
final class LayerStep extends Step {
    private static final ClassDesc CD_LAYER = StepEmitter.desc(Layer.class);
    private static final MethodTypeDesc MTD_PROCESS =
            MethodTypeDesc.of(CD_int, StepEmitter.CD_PACKET, StepEmitter.CD_CONTEXT);

    private final Layer layer;
    private final LayerKind kind;
    private final String name;

    LayerStep(Layer layer) {
        this.layer = layer;
        this.kind = layer.kind();
        this.name = layer.name();
    }

    Layer layer() { return layer; }

    LayerKind kind() { return kind; }

    @Override
    String name() { return name; }

    @Override
    int interpret(Pipeline pl, Coroutine co, int pc, Packet p, LayerContext cx) {
        int verdict;
        try {
            verdict = layer.process(p, cx);
        } catch (Throwable t) {
            return pl.fault(co, pc, t, cx);
        }
        // DONE: the layer owns the packet and may already have released it; another thread may be
        // reusing the slot and running this very coroutine again. Touch nothing.
        return verdict == Layer.NEXT ? NEXT : Coroutine.FINISHED;
    }

    @Override
    List<Object> constants() { return List.of(layer); }

    @Override
    void emit(StepEmitter e) {
        CodeBuilder cb = e.code();
        Label start = cb.newLabel(), end = cb.newLabel();
        cb.labelBinding(start);
        e.constant(0, CD_LAYER);
        cb.aload(P).aload(CX).invokeinterface(CD_LAYER, "process", MTD_PROCESS);
        cb.labelBinding(end);
        cb.ifne(e.finished());  // DONE: the layer took the packet; touch nothing more
        e.guard(start, end);
    }

    /** In the template, once, and after the layers before it in the template's order. */
    @Override
    void checkPlacement(Placement at) {
        List<LayerKind> order = at.template().layers();
        int pos = order.indexOf(kind);
        if (pos < 0) {
            throw at.fail(kind.label() + " does not belong in a " + at.template()
                    + " pipeline, whose layers are " + at.layerLabels());
        }
        if (at.stepOf(kind) >= 0) {
            throw at.fail(kind.label() + " appears twice (also step " + at.stepOf(kind) + ")");
        }
        LayerStep before = at.layerBefore();
        if (before != null && pos < order.indexOf(before.kind)) {
            throw at.fail("out of protocol order: comes after " + before.name
                    + "; layers run in the order " + at.layerLabels());
        }
    }
}
