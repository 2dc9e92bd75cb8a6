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
import static java.lang.constant.ConstantDescs.CD_void;

import io.flexnet.packet.Packet;
import io.flexnet.proto.LayerContext;
import io.flexnet.proto.LayerKind;
import io.flexnet.proto.Replier;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.List;

/**
 * {@code yieldTo(app)} in a run-to-completion pipeline: the application answers the request in place
 * (or holds it and answers later), and the transport after the step — a {@link Replier} — readies
 * the reply for the send layers that follow.
 */
final class YieldStep extends Step {
    private static final ClassDesc CD_APPLICATION = StepEmitter.desc(Application.class);
    private static final ClassDesc CD_PREEMPTIBLE = StepEmitter.desc(PreemptibleApplication.class);
    private static final MethodTypeDesc MTD_ON_YIELD_CX = MethodTypeDesc.of(CD_int, CD_COROUTINE, CD_CONTEXT);
    private static final MethodTypeDesc MTD_PREEMPTED = MethodTypeDesc.of(CD_int, CD_COROUTINE, CD_int, CD_CONTEXT);
    private static final ClassDesc CD_REPLIER = StepEmitter.desc(Replier.class);
    private static final MethodTypeDesc MTD_ON_YIELD = MethodTypeDesc.of(CD_int, CD_COROUTINE);
    private static final MethodTypeDesc MTD_PREPARE = MethodTypeDesc.of(CD_void, CD_PACKET, CD_CONTEXT);
    private static final MethodTypeDesc MTD_SET_PC = MethodTypeDesc.of(CD_void, CD_COROUTINE, CD_int);

    private final Application app;
    /** The application when it can be preempted (decided once here, not per request); else null. */
    private final PreemptibleApplication preemptible;
    /** The l4_send layer after the step; null until {@link #link} finds it. */
    private final Replier replier;

    YieldStep(Application app) { this(app, null); }

    private YieldStep(Application app, Replier replier) {
        this.app = app;
        this.preemptible = app instanceof PreemptibleApplication pa ? pa : null;
        this.replier = replier;
    }

    @Override
    String name() { return "yield"; }

    @Override
    int interpret(Pipeline pl, Coroutine co, int pc, Packet p, LayerContext cx) {
        co.pc = pc + 1;  // where answer() resumes a held coroutine
        int answer;
        try {
            answer = preemptible != null ? preemptible.onYield(co, cx) : app.onYield(co);
        } catch (Throwable t) {
            return pl.fault(co, pc, t, cx);
        }
        if (answer == Application.ANSWER) {
            answered(co, cx);
            return NEXT;
        }
        if (answer == Application.HOLD) return Coroutine.SUSPENDED;  // until answer()
        if (answer == Application.PREEMPTED && preemptible != null) return pl.preempted(co, pc, cx);
        return Coroutine.FINISHED;  // CONSUMED: the application kept or released it, touch nothing
    }

    /** The application answered: no longer held, while still ours, so a stray answer() is refused. */
    void answered(Coroutine co, LayerContext cx) {
        co.pc = Pipeline.ANSWERED;
        replier.prepareReply(co.packet(), cx);
    }

    @Override
    List<Object> constants() { return List.of(app, replier); }

    @Override
    void emit(StepEmitter e) {
        CodeBuilder cb = e.code();
        Label start = cb.newLabel(), end = cb.newLabel(), answered = cb.newLabel();
        cb.aload(CO).loadConstant(e.step() + 1).invokestatic(CD_PIPELINE, "setPc", MTD_SET_PC);
        cb.labelBinding(start);
        if (preemptible != null) {
            e.constant(0, CD_PREEMPTIBLE);
            cb.aload(CO).aload(CX).invokeinterface(CD_PREEMPTIBLE, "onYield", MTD_ON_YIELD_CX).istore(TMP);
        } else {
            e.constant(0, CD_APPLICATION);
            cb.aload(CO).invokeinterface(CD_APPLICATION, "onYield", MTD_ON_YIELD).istore(TMP);
        }
        cb.labelBinding(end);
        cb.iload(TMP).ifeq(answered);                  // ANSWER == 0
        cb.iload(TMP).loadConstant(Application.HOLD).if_icmpeq(e.suspended());
        if (preemptible != null) {
            Label notPreempted = cb.newLabel();
            cb.iload(TMP).loadConstant(Application.PREEMPTED).if_icmpne(notPreempted);
            e.pipeline();
            cb.aload(CO).loadConstant(e.step()).aload(CX).invokevirtual(CD_PIPELINE, "preempted", MTD_PREEMPTED).ireturn();
            cb.labelBinding(notPreempted);
        }
        cb.goto_(e.finished());                         // CONSUMED: the application has it
        cb.labelBinding(answered);
        cb.aload(CO).loadConstant(Pipeline.ANSWERED).invokestatic(CD_PIPELINE, "setPc", MTD_SET_PC);
        e.constant(1, CD_REPLIER);
        cb.aload(P).aload(CX).invokeinterface(CD_REPLIER, "prepareReply", MTD_PREPARE);
        e.guard(start, end);
    }

    @Override
    boolean suspends() { return true; }

    /** Only where an application can answer: between the receive and send halves of an Rx+Tx pipeline. */
    @Override
    void checkPlacement(Placement at) {
        checkSuspensionPoint(at);
        if (at.template() != Template.RX_TX) {
            throw at.fail("yield() is only allowed in an RX_TX pipeline, where the application answers "
                    + "between l4_rcv and l4_send; this one is " + at.template());
        }
        LayerStep before = at.layerBefore();
        if (before == null || before.kind() != LayerKind.L4_RCV) {
            throw at.fail("yield() must come right after l4_rcv (the application needs a whole request) "
                    + "and before l4_send; here it follows " + (before == null ? "nothing" : before.name()));
        }
    }

    /** Takes the transport after it, which turns the answered request into its reply. */
    @Override
    Step link(Placement at) {
        checkSomethingToResume(at);
        Step next = at.next();
        if (!(next instanceof LayerStep layer && layer.layer() instanceof Replier r)) {
            throw at.fail(at.index() + 1, "'" + next.name() + "' cannot answer a request in place: the "
                    + "layer after yield() must implement Replier, as the stack's l4_send does");
        }
        return new YieldStep(app, r);
    }
}
