package io.flexnet.pipeline;

import static io.flexnet.pipeline.StepEmitter.CD_CONTEXT;
import static io.flexnet.pipeline.StepEmitter.CD_COROUTINE;
import static io.flexnet.pipeline.StepEmitter.CD_PACKET;
import static io.flexnet.pipeline.StepEmitter.CD_PIPELINE;
import static io.flexnet.pipeline.StepEmitter.CO;
import static io.flexnet.pipeline.StepEmitter.CX;
import static io.flexnet.pipeline.StepEmitter.P;
import static io.flexnet.pipeline.StepEmitter.TMP;
import static java.lang.constant.ConstantDescs.CD_int;

import io.flexnet.packet.Packet;
import io.flexnet.proto.LayerContext;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.List;

/**
 * {@code queue(selector, queues...)}: the selector picks one of the step's queues and the coroutine
 * parks there, to be resumed at the next step by whichever executor serves that queue.
 */
final class QueueStep extends Step {
    private static final ClassDesc CD_SELECTOR = StepEmitter.desc(Selector.class);
    private static final ClassDesc CD_QUEUES = StepEmitter.desc(CoroutineQueue.class).arrayType();
    private static final MethodTypeDesc MTD_SELECT = MethodTypeDesc.of(CD_int, CD_PACKET);
    private static final MethodTypeDesc MTD_PARK =
            MethodTypeDesc.of(CD_int, CD_COROUTINE, CD_int, CD_int, CD_CONTEXT, CD_QUEUES);

    private final Selector selector;
    private final CoroutineQueue[] queues;
    private final String name;

    /** {@code queues} is the step's own copy; a null selector or queue is refused by the verifier. */
    QueueStep(Selector selector, CoroutineQueue[] queues) {
        this.selector = selector;
        this.queues = queues;
        this.name = "queue" + (queues.length == 1 ? "(" + (queues[0] == null ? "null" : queues[0].name()) + ")"
                : "(" + queues.length + " queues)");
    }

    @Override
    String name() { return name; }

    @Override
    int interpret(Pipeline pl, Coroutine co, int pc, Packet p, LayerContext cx) {
        int index;
        try {
            index = selector.select(p);
        } catch (Throwable t) {
            return pl.fault(co, pc, t, cx);
        }
        return pl.park(co, pc, index, cx, queues);
    }

    /** The queues go in as a constant of their own: {@code park} reaches the ring without a table load. */
    @Override
    List<Object> constants() { return List.of(selector, queues); }

    @Override
    void emit(StepEmitter e) {
        CodeBuilder cb = e.code();
        Label start = cb.newLabel(), end = cb.newLabel();
        cb.labelBinding(start);
        e.constant(0, CD_SELECTOR);
        cb.aload(P).invokeinterface(CD_SELECTOR, "select", MTD_SELECT).istore(TMP);
        cb.labelBinding(end);
        e.pipeline();
        cb.aload(CO).loadConstant(e.step()).iload(TMP).aload(CX);
        e.constant(1, CD_QUEUES);
        cb.invokevirtual(CD_PIPELINE, "park", MTD_PARK).ireturn();
        e.guard(start, end);
    }

    @Override
    boolean suspends() { return true; }

    @Override
    boolean cutsSegment() { return true; }

    @Override
    List<CoroutineQueue> queues() { return List.of(queues); }

    Selector selector() { return selector; }

    @Override
    void checkPlacement(Placement at) {
        checkSuspensionPoint(at);
        if (selector == null) throw at.fail("queue() needs a selector");
        if (queues.length == 0) throw at.fail("queue() needs at least one queue");
        for (int q = 0; q < queues.length; q++) {
            if (queues[q] == null) throw at.fail("queue " + q + " is null");
        }
    }

    @Override
    Step link(Placement at) {
        checkSomethingToResume(at);
        return this;
    }
}
