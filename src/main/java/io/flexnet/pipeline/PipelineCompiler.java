package io.flexnet.pipeline;

import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_void;

import io.flexnet.packet.Packet;
import io.flexnet.proto.Layer;
import io.flexnet.proto.LayerContext;
import io.flexnet.proto.Replier;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.DynamicConstantDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Compiles a pipeline into a class of its own whose {@code run} is the step loop unrolled: a
 * {@code tableswitch} on the resume point, then each step in order, falling through from layer to
 * layer. Every layer, selector and application is loaded with {@code ldc} of a class-data constant,
 * so each call site has one known receiver and the JIT inlines the whole path — where the interpreted
 * loop makes one megamorphic call per layer. Generated with the JDK's class-file API as a hidden
 * class; roughly:
 *
 * <pre>{@code
 * int run(Coroutine co, int pc, LayerContext cx) {
 *     Packet p = co.packet();
 *     switch (pc) {
 *         case 0: pc = 0; int i = SELECTOR_0.select(p); return PIPELINE.park(co, 0, i, cx, QUEUES_0);
 *         case 1: pc = 1; if (LAYER_1.process(p, cx) != NEXT) return FINISHED;
 *         case 2: pc = 2; if (LAYER_2.process(p, cx) != NEXT) return FINISHED;
 *         ...
 *         case n-1: pc = n-1; if (LAYER_n1.process(p, cx) != NEXT) return FINISHED;
 *                   return PIPELINE.fellOffEnd(co, cx);
 *     }
 *     // each extension call above is covered by: catch (Throwable t) { return PIPELINE.fault(co, pc, t, cx); }
 * }
 * }</pre>
 *
 * A pipeline cut into more than {@value #ONE_METHOD_SEGMENTS} segments (each {@code queue()} step
 * ends one) gets a method per segment, {@code segment0 ... segmentK}, each the code above for its
 * steps, and {@code run} only switches to the segment holding the resume point.
 *
 * <p>Semantics are the interpreter's ({@link Pipeline}); the tests run both.
 */
final class PipelineCompiler {
    private static final ClassDesc CD_PIPELINE = desc(Pipeline.class);
    private static final ClassDesc CD_COROUTINE = desc(Coroutine.class);
    private static final ClassDesc CD_PACKET = desc(Packet.class);
    private static final ClassDesc CD_LAYER = desc(Layer.class);
    private static final ClassDesc CD_SELECTOR = desc(Selector.class);
    private static final ClassDesc CD_APPLICATION = desc(Application.class);
    private static final ClassDesc CD_CONTEXT = desc(LayerContext.class);
    private static final ClassDesc CD_REPLIER = desc(Replier.class);
    private static final ClassDesc CD_PROGRAM = desc(StepProgram.class);
    private static final ClassDesc CD_THROWABLE = desc(Throwable.class);
    private static final ClassDesc CD_QUEUES = desc(CoroutineQueue.class).arrayType();
    private static final MethodTypeDesc MTD_RUN = MethodTypeDesc.of(CD_int, CD_COROUTINE, CD_int, CD_CONTEXT);

    // Locals of run(): 0 this, 1 co, 2 pc, 3 cx, 4 p, 5 scratch int, 6 throwable.
    private static final int CO = 1, PC = 2, CX = 3, P = 4, TMP = 5, THROWN = 6;

    /**
     * Up to this many segments share {@code run}; more get a method each. Every packet runs each
     * segment once, so in one method each of k segments runs on 1/k of the calls, and HotSpot's C2
     * inlines a call only up to 35 bytecodes at a site run on under a quarter of its method's calls
     * (up to 325 above). Measured side by side over six rounds: with 4 points (5 segments) split, a
     * mean of 118 ns went to 108; with 2 points split, the extra call cost more than it saved.
     */
    static final int ONE_METHOD_SEGMENTS = 4;

    private PipelineCompiler() {}

    private static ClassDesc desc(Class<?> c) { return ClassDesc.of(c.getName()); }

    static StepProgram compile(Pipeline pl, byte[] kinds, Object[] extensions, CoroutineQueue[][] queues,
                               Replier[] repliers) {
        List<Object> data = new ArrayList<>();
        data.add(pl);
        int[] slot = new int[kinds.length];
        // A queue() step's queues, or a yield() step's replier: the step's second constant.
        int[] queueSlot = new int[kinds.length];
        for (int i = 0; i < kinds.length; i++) {
            slot[i] = data.size();
            data.add(extensions[i]);
            if (kinds[i] == Pipeline.QUEUE) {
                queueSlot[i] = data.size();
                data.add(queues[i]);
            } else if (kinds[i] == Pipeline.YIELD) {
                queueSlot[i] = data.size();
                data.add(repliers[i]);
            }
        }
        ClassDesc self = ClassDesc.of(Pipeline.class.getPackageName() + ".CompiledPipeline");
        ClassFile cf = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(
                ClassHierarchyResolver.ofClassLoading(Pipeline.class.getClassLoader())));
        byte[] bytes = cf.build(self, clb -> {
            clb.withFlags(ClassFile.ACC_FINAL | ClassFile.ACC_SUPER);
            clb.withInterfaceSymbols(CD_PROGRAM);
            clb.withMethodBody(ConstantDescs.INIT_NAME, ConstantDescs.MTD_void, ClassFile.ACC_PUBLIC,
                    cb -> cb.aload(0).invokespecial(CD_Object, ConstantDescs.INIT_NAME, ConstantDescs.MTD_void).return_());
            int[] bounds = segmentBounds(kinds);
            int segments = bounds.length - 1;
            if (segments <= ONE_METHOD_SEGMENTS) {
                clb.withMethodBody("run", MTD_RUN, ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL,
                        cb -> body(cb, kinds, slot, queueSlot, 0, kinds.length));
                return;
            }
            for (int k = 0; k < segments; k++) {
                final int from = bounds[k], to = bounds[k + 1];
                clb.withMethodBody("segment" + k, MTD_RUN, ClassFile.ACC_PRIVATE | ClassFile.ACC_FINAL,
                        cb -> body(cb, kinds, slot, queueSlot, from, to));
            }
            clb.withMethodBody("run", MTD_RUN, ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL,
                    cb -> dispatch(cb, self, bounds));
        });
        try {
            MethodHandles.Lookup hidden = MethodHandles.lookup()
                    .defineHiddenClassWithClassData(bytes, List.copyOf(data), true);
            return (StepProgram) hidden.findConstructor(hidden.lookupClass(), MethodType.methodType(void.class))
                    .invoke();
        } catch (Throwable t) {
            throw new IllegalStateException("could not compile pipeline " + pl.name(), t);
        }
    }

    private static DynamicConstantDesc<?> classData(ClassDesc type, int index) {
        return DynamicConstantDesc.ofNamed(ConstantDescs.BSM_CLASS_DATA_AT, ConstantDescs.DEFAULT_NAME, type, index);
    }

    /**
     * Segment {@code k} is steps {@code [bounds[k], bounds[k + 1])}; the last bound is the step count.
     * A segment ends with a {@code queue()} step, which always returns.
     */
    static int[] segmentBounds(byte[] kinds) {
        IntStream cuts = IntStream.range(0, kinds.length - 1).filter(i -> kinds[i] == Pipeline.QUEUE).map(i -> i + 1);
        return IntStream.concat(IntStream.concat(IntStream.of(0), cuts), IntStream.of(kinds.length)).toArray();
    }

    /**
     * {@code run} of a pipeline with many suspension points: a switch on the resume point that calls
     * the segment holding it. Each segment is a method of its own, so the JIT sees its calls as hot and
     * inlines them (see {@link #ONE_METHOD_SEGMENTS}).
     */
    private static void dispatch(CodeBuilder cb, ClassDesc self, int[] bounds) {
        int segments = bounds.length - 1, n = bounds[segments];
        Label bad = cb.newLabel();
        Label[] call = new Label[segments];
        List<SwitchCase> cases = new ArrayList<>();
        for (int k = 0; k < segments; k++) {
            call[k] = cb.newLabel();
            for (int i = bounds[k]; i < bounds[k + 1]; i++) cases.add(SwitchCase.of(i, call[k]));
        }
        cb.iload(PC).tableswitch(0, n - 1, bad, cases);
        for (int k = 0; k < segments; k++) {
            cb.labelBinding(call[k]);
            cb.aload(0).aload(CO).iload(PC).aload(CX).invokevirtual(self, "segment" + k, MTD_RUN).ireturn();
        }
        cb.labelBinding(bad);
        cb.ldc(classData(CD_PIPELINE, 0)).checkcast(CD_PIPELINE).aload(CO).iload(PC)
                .invokevirtual(CD_PIPELINE, "badResumePoint", MethodTypeDesc.of(CD_int, CD_COROUTINE, CD_int))
                .ireturn();
    }

    /** Steps {@code [from, to)}: a switch on the resume point, then the steps falling through. */
    private static void body(CodeBuilder cb, byte[] kinds, int[] slot, int[] queueSlot, int from, int to) {
        int n = kinds.length;
        Label[] step = new Label[n];
        List<SwitchCase> cases = new ArrayList<>();
        for (int i = from; i < to; i++) {
            step[i] = cb.newLabel();
            cases.add(SwitchCase.of(i, step[i]));
        }
        Label bad = cb.newLabel(), finished = cb.newLabel(), suspended = cb.newLabel(), handler = cb.newLabel();

        cb.aload(CO).invokevirtual(CD_COROUTINE, "packet", MethodTypeDesc.of(CD_PACKET)).astore(P);
        cb.iload(PC).tableswitch(from, to - 1, bad, cases);

        for (int i = from; i < to; i++) {
            cb.labelBinding(step[i]);
            cb.loadConstant(i).istore(PC);
            Label start = cb.newLabel(), end = cb.newLabel();
            switch (kinds[i]) {
                case Pipeline.LAYER -> {
                    cb.labelBinding(start);
                    cb.ldc(classData(CD_LAYER, slot[i])).checkcast(CD_LAYER).aload(P).aload(CX)
                            .invokeinterface(CD_LAYER, "process", MethodTypeDesc.of(CD_int, CD_PACKET, CD_CONTEXT));
                    cb.labelBinding(end);
                    cb.ifne(finished);  // DONE: the layer took the packet; touch nothing more
                    if (i == n - 1) {
                        cb.ldc(classData(CD_PIPELINE, 0)).checkcast(CD_PIPELINE).aload(CO).aload(CX)
                                .invokevirtual(CD_PIPELINE, "fellOffEnd", MethodTypeDesc.of(CD_int, CD_COROUTINE, CD_CONTEXT))
                                .ireturn();
                    }
                }
                case Pipeline.QUEUE -> {
                    cb.labelBinding(start);
                    cb.ldc(classData(CD_SELECTOR, slot[i])).checkcast(CD_SELECTOR).aload(P)
                            .invokeinterface(CD_SELECTOR, "select", MethodTypeDesc.of(CD_int, CD_PACKET))
                            .istore(TMP);
                    cb.labelBinding(end);
                    cb.ldc(classData(CD_PIPELINE, 0)).checkcast(CD_PIPELINE).aload(CO).loadConstant(i)
                            .iload(TMP).aload(CX)
                            .ldc(classData(CD_QUEUES, queueSlot[i])).checkcast(CD_QUEUES)
                            .invokevirtual(CD_PIPELINE, "park",
                                    MethodTypeDesc.of(CD_int, CD_COROUTINE, CD_int, CD_int, CD_CONTEXT, CD_QUEUES))
                            .ireturn();
                }
                default -> {  // YIELD
                    cb.aload(CO).loadConstant(i + 1)
                            .invokestatic(CD_PIPELINE, "setPc", MethodTypeDesc.of(CD_void, CD_COROUTINE, CD_int));
                    cb.labelBinding(start);
                    cb.ldc(classData(CD_APPLICATION, slot[i])).checkcast(CD_APPLICATION).aload(CO)
                            .invokeinterface(CD_APPLICATION, "onYield", MethodTypeDesc.of(CD_int, CD_COROUTINE))
                            .istore(TMP);
                    cb.labelBinding(end);
                    Label answered = cb.newLabel();
                    cb.iload(TMP).ifeq(answered);                  // ANSWER == 0
                    cb.iload(TMP).loadConstant(Application.HOLD).if_icmpeq(suspended);
                    cb.goto_(finished);                             // CONSUMED: the application has it
                    cb.labelBinding(answered);
                    cb.aload(CO).loadConstant(Pipeline.ANSWERED)
                            .invokestatic(CD_PIPELINE, "setPc", MethodTypeDesc.of(CD_void, CD_COROUTINE, CD_int));
                    cb.ldc(classData(CD_REPLIER, queueSlot[i])).checkcast(CD_REPLIER).aload(P).aload(CX)
                            .invokeinterface(CD_REPLIER, "prepareReply", MethodTypeDesc.of(CD_void, CD_PACKET, CD_CONTEXT));
                }
            }
            cb.exceptionCatch(start, end, handler, CD_THROWABLE);
        }

        cb.labelBinding(finished);
        cb.loadConstant(Coroutine.FINISHED).ireturn();
        cb.labelBinding(suspended);
        cb.loadConstant(Coroutine.SUSPENDED).ireturn();
        cb.labelBinding(bad);
        cb.ldc(classData(CD_PIPELINE, 0)).checkcast(CD_PIPELINE).aload(CO).iload(PC)
                .invokevirtual(CD_PIPELINE, "badResumePoint", MethodTypeDesc.of(CD_int, CD_COROUTINE, CD_int))
                .ireturn();
        cb.labelBinding(handler);
        cb.astore(THROWN);
        cb.ldc(classData(CD_PIPELINE, 0)).checkcast(CD_PIPELINE).aload(CO).iload(PC).aload(THROWN).aload(CX)
                .invokevirtual(CD_PIPELINE, "fault", MethodTypeDesc.of(CD_int, CD_COROUTINE, CD_int, CD_THROWABLE, CD_CONTEXT))
                .ireturn();
    }
}
