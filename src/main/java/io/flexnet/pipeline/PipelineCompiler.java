package io.flexnet.pipeline;

import static io.flexnet.pipeline.StepEmitter.CO;
import static io.flexnet.pipeline.StepEmitter.CX;
import static io.flexnet.pipeline.StepEmitter.P;
import static io.flexnet.pipeline.StepEmitter.PC;
import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_int;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Compiles a pipeline into a class of its own whose {@code run} is the step loop unrolled: a
 * {@code tableswitch} on the resume point, then each step's own code in order ({@link Step#emit}),
 * falling through from step to step. Every layer, selector and application is loaded with {@code ldc}
 * of a class-data constant, so each call site has one known receiver and the JIT inlines the whole
 * path — where the interpreted loop makes one megamorphic call per step. The compiler knows no step
 * kind: a pipeline without a {@code yield()} has no code that mentions applications. Generated with the
 * JDK's class-file API as a hidden class; roughly:
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
 * <p>The class is named after its pipeline ({@code io.flexnet.pipeline.Pipeline$listing1}, the JVM
 * adds a suffix), so JIT logs and perfasm say which pipeline ran. {@code -Dflexnet.pipeline.dump=DIR}
 * writes each class's bytes to {@code DIR/listing1.class} for {@code javap -c -p}.
 *
 * <p>Semantics are the interpreter's ({@link Pipeline}); the tests run both.
 */
final class PipelineCompiler {
    private static final ClassDesc CD_PIPELINE = StepEmitter.CD_PIPELINE;
    private static final ClassDesc CD_COROUTINE = StepEmitter.CD_COROUTINE;
    private static final ClassDesc CD_PACKET = StepEmitter.CD_PACKET;
    private static final ClassDesc CD_CONTEXT = StepEmitter.CD_CONTEXT;
    private static final ClassDesc CD_PROGRAM = StepEmitter.desc(StepProgram.class);
    private static final MethodTypeDesc MTD_RUN = MethodTypeDesc.of(CD_int, CD_COROUTINE, CD_int, CD_CONTEXT);

    // Locals of run() beyond the steps' (see StepEmitter): 0 this, 6 the throwable in the fault handler.
    private static final int THROWN = 6;

    /**
     * Up to this many segments share {@code run}; more get a method each. Every packet runs each
     * segment once, so in one method each of k segments runs on 1/k of the calls, and HotSpot's C2
     * inlines a call only up to 35 bytecodes at a site run on under a quarter of its method's calls
     * (up to 325 above). Measured side by side over six rounds: with 4 points (5 segments) split, a
     * mean of 118 ns went to 108; with 2 points split, the extra call cost more than it saved.
     */
    static final int ONE_METHOD_SEGMENTS = 4;

    private PipelineCompiler() {}

    /**
     * Compiles {@code steps}, verified and linked, into a hidden class named after {@code pl}; writes
     * its bytes to {@code dump}/NAME.class first when {@code dump} is not null.
     */
    static StepProgram compile(Pipeline pl, Step[] steps, Path dump) {
        List<Object> data = new ArrayList<>();
        data.add(pl);
        // Each step's constants, in step order: the first one's index in the class data.
        int[] firstConstant = new int[steps.length];
        for (int i = 0; i < steps.length; i++) {
            firstConstant[i] = data.size();
            data.addAll(steps[i].constants());
        }
        String simpleName = className(pl.name());
        ClassDesc self = ClassDesc.of(Pipeline.class.getName() + "$" + simpleName);
        ClassFile cf = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(
                ClassHierarchyResolver.ofClassLoading(Pipeline.class.getClassLoader())));
        byte[] bytes = cf.build(self, clb -> {
            clb.withFlags(ClassFile.ACC_FINAL | ClassFile.ACC_SUPER);
            clb.withInterfaceSymbols(CD_PROGRAM);
            clb.withMethodBody(ConstantDescs.INIT_NAME, ConstantDescs.MTD_void, ClassFile.ACC_PUBLIC,
                    cb -> cb.aload(0).invokespecial(CD_Object, ConstantDescs.INIT_NAME, ConstantDescs.MTD_void).return_());
            int[] bounds = segmentBounds(steps);
            int segments = bounds.length - 1;
            if (segments <= ONE_METHOD_SEGMENTS) {
                clb.withMethodBody("run", MTD_RUN, ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL,
                        cb -> body(cb, steps, firstConstant, 0, steps.length));
                return;
            }
            for (int k = 0; k < segments; k++) {
                final int from = bounds[k], to = bounds[k + 1];
                clb.withMethodBody("segment" + k, MTD_RUN, ClassFile.ACC_PRIVATE | ClassFile.ACC_FINAL,
                        cb -> body(cb, steps, firstConstant, from, to));
            }
            clb.withMethodBody("run", MTD_RUN, ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL,
                    cb -> dispatch(cb, self, bounds));
        });
        if (dump != null) write(dump.resolve(simpleName + ".class"), bytes);
        try {
            MethodHandles.Lookup hidden = MethodHandles.lookup()
                    .defineHiddenClassWithClassData(bytes, List.copyOf(data), true);
            return (StepProgram) hidden.findConstructor(hidden.lookupClass(), MethodType.methodType(void.class))
                    .invoke();
        } catch (Throwable t) {
            throw new IllegalStateException("could not compile pipeline " + pl.name(), t);
        }
    }

    /**
     * The pipeline's name as the last part of a class name, so stack traces, JFR and perfasm say which
     * pipeline ran: characters a class name or a file name would trip on become {@code _}.
     */
    static String className(String pipeline) {
        StringBuilder sb = new StringBuilder(pipeline.length());
        for (int i = 0; i < pipeline.length(); i++) {
            char c = pipeline.charAt(i);
            sb.append(c < 128 && (Character.isLetterOrDigit(c) || c == '_') ? c : '_');
        }
        return sb.isEmpty() ? "_" : sb.toString();
    }

    /** For {@code javap -c -p}; a pipeline of the same name built later overwrites the file. */
    private static void write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("could not dump the compiled pipeline to " + file, e);
        }
    }

    /**
     * Segment {@code k} is steps {@code [bounds[k], bounds[k + 1])}; the last bound is the step count.
     * A segment ends with a step that {@linkplain Step#cutsSegment cuts} it, such as a {@code queue()}.
     */
    static int[] segmentBounds(Step[] steps) {
        IntStream cuts = IntStream.range(0, steps.length - 1).filter(i -> steps[i].cutsSegment()).map(i -> i + 1);
        return IntStream.concat(IntStream.concat(IntStream.of(0), cuts), IntStream.of(steps.length)).toArray();
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
        badResumePoint(cb);
    }

    /**
     * Steps {@code [from, to)}: a switch on the resume point, then each step's own code, falling
     * through from one to the next; after the last step of the pipeline, the interpreter's
     * {@code fellOffEnd}.
     */
    private static void body(CodeBuilder cb, Step[] steps, int[] firstConstant, int from, int to) {
        int n = steps.length;
        Label[] step = new Label[n];
        List<SwitchCase> cases = new ArrayList<>();
        for (int i = from; i < to; i++) {
            step[i] = cb.newLabel();
            cases.add(SwitchCase.of(i, step[i]));
        }
        Label bad = cb.newLabel(), finished = cb.newLabel(), suspended = cb.newLabel(), handler = cb.newLabel();
        StepEmitter e = new StepEmitter(cb, finished, suspended, handler);

        cb.aload(CO).invokevirtual(CD_COROUTINE, "packet", MethodTypeDesc.of(CD_PACKET)).astore(P);
        cb.iload(PC).tableswitch(from, to - 1, bad, cases);

        for (int i = from; i < to; i++) {
            cb.labelBinding(step[i]);
            cb.loadConstant(i).istore(PC);
            e.at(i, firstConstant[i]);
            steps[i].emit(e);
            if (i == n - 1) {
                e.pipeline();
                cb.aload(CO).aload(CX)
                        .invokevirtual(CD_PIPELINE, "fellOffEnd", MethodTypeDesc.of(CD_int, CD_COROUTINE, CD_CONTEXT))
                        .ireturn();
            }
        }

        cb.labelBinding(finished);
        cb.loadConstant(Coroutine.FINISHED).ireturn();
        cb.labelBinding(suspended);
        cb.loadConstant(Coroutine.SUSPENDED).ireturn();
        cb.labelBinding(bad);
        badResumePoint(cb);
        cb.labelBinding(handler);
        cb.astore(THROWN);
        e.pipeline();
        cb.aload(CO).iload(PC).aload(THROWN).aload(CX)
                .invokevirtual(CD_PIPELINE, "fault",
                        MethodTypeDesc.of(CD_int, CD_COROUTINE, CD_int, StepEmitter.CD_THROWABLE, CD_CONTEXT))
                .ireturn();
    }

    private static void badResumePoint(CodeBuilder cb) {
        cb.ldc(StepEmitter.classData(CD_PIPELINE, 0)).checkcast(CD_PIPELINE).aload(CO).iload(PC)
                .invokevirtual(CD_PIPELINE, "badResumePoint", MethodTypeDesc.of(CD_int, CD_COROUTINE, CD_int))
                .ireturn();
    }
}
