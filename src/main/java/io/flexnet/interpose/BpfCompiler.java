// Classic BPF to JVM bytecode: one hidden class per filter, registers and scratch words as locals.
package io.flexnet.interpose;

import static io.flexnet.interpose.ClassicBpf.*;
import static java.lang.constant.ConstantDescs.CD_Integer;
import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;

import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Translates a checked {@link ClassicBpf} program instruction by instruction into the body of
 * {@link BpfCode#run}: L_A, X and the sixteen scratch words are int locals (so running a filter
 * allocates nothing), every instruction gets a label, and because classic BPF only jumps forward the
 * result is straight-line code with forward branches, which C2 compiles as it would a hand-written
 * filter. L_A load checks its bounds against the frame's length and returns 0 past the end, exactly as
 * the interpreter does; the tests run both over the same frames.
 */
final class BpfCompiler {
    private static final ClassDesc CD_CODE = ClassDesc.of(BpfCode.class.getName());
    private static final ClassDesc CD_LOADS = ClassDesc.of(BpfLoads.class.getName());
    private static final ClassDesc CD_SEGMENT = ClassDesc.of(MemorySegment.class.getName());
    private static final MethodTypeDesc MTD_RUN = MethodTypeDesc.of(CD_int, CD_SEGMENT, CD_long, CD_int);
    private static final MethodTypeDesc MTD_LOAD = MethodTypeDesc.of(CD_int, CD_SEGMENT, CD_long);
    private static final MethodTypeDesc MTD_II_I = MethodTypeDesc.of(CD_int, CD_int, CD_int);

    // Locals of run(MemorySegment s, long off, int len).
    private static final int L_S = 1, L_OFF = 2, L_LEN = 4, L_A = 5, L_X = 6, L_M0 = 7, L_AT = L_M0 + MEMWORDS;

    private BpfCompiler() {}

    static BpfCode compile(ClassicBpf prog) {
        ClassDesc self = ClassDesc.of(BpfCompiler.class.getPackageName() + ".BpfFilter");
        byte[] bytes = ClassFile.of().build(self, clb -> {
            clb.withFlags(ClassFile.ACC_FINAL | ClassFile.ACC_SUPER);
            clb.withInterfaceSymbols(CD_CODE);
            clb.withMethodBody(ConstantDescs.INIT_NAME, ConstantDescs.MTD_void, ClassFile.ACC_PUBLIC,
                    cb -> cb.aload(0).invokespecial(CD_Object, ConstantDescs.INIT_NAME, ConstantDescs.MTD_void).return_());
            clb.withMethodBody("run", MTD_RUN, ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL, cb -> body(cb, prog));
        });
        try {
            MethodHandles.Lookup hidden = MethodHandles.lookup().defineHiddenClass(bytes, true);
            return (BpfCode) hidden.findConstructor(hidden.lookupClass(), MethodType.methodType(void.class)).invoke();
        } catch (Throwable t) {
            throw new IllegalStateException("could not compile a BPF program of " + prog.length() + " instructions", t);
        }
    }

    private static void body(CodeBuilder cb, ClassicBpf prog) {
        int n = prog.length();
        Label[] at = new Label[n];
        for (int i = 0; i < n; i++) at[i] = cb.newLabel();
        Label reject = cb.newLabel();
        // Every local is assigned before the first branch, so the verifier sees them set at every label.
        cb.iconst_0().istore(L_A).iconst_0().istore(L_X);
        if (prog.usesMemory) for (int m = 0; m < MEMWORDS; m++) cb.iconst_0().istore(L_M0 + m);
        for (int pc = 0; pc < n; pc++) {
            cb.labelBinding(at[pc]);
            int c = prog.code[pc], k = prog.k[pc];
            switch (c) {
                case LD | W | ABS -> load(cb, k, false, 4, "w", reject, L_A);
                case LD | H | ABS -> load(cb, k, false, 2, "h", reject, L_A);
                case LD | B | ABS -> load(cb, k, false, 1, "b", reject, L_A);
                case LD | W | IND -> load(cb, k, true, 4, "w", reject, L_A);
                case LD | H | IND -> load(cb, k, true, 2, "h", reject, L_A);
                case LD | B | IND -> load(cb, k, true, 1, "b", reject, L_A);
                case LDX | B | MSH -> {
                    load(cb, k, false, 1, "b", reject, L_X);
                    cb.iload(L_X).bipush(0x0f).iand().iconst_2().ishl().istore(L_X);
                }
                case LD | W | LEN -> cb.iload(L_LEN).istore(L_A);
                case LDX | W | LEN -> cb.iload(L_LEN).istore(L_X);
                case LD | W | IMM -> cb.loadConstant(k).istore(L_A);
                case LDX | W | IMM -> cb.loadConstant(k).istore(L_X);
                case LD | W | MEM -> cb.iload(L_M0 + k).istore(L_A);
                case LDX | W | MEM -> cb.iload(L_M0 + k).istore(L_X);
                case ST -> cb.iload(L_A).istore(L_M0 + k);
                case STX -> cb.iload(L_X).istore(L_M0 + k);
                case ALU | NEG -> cb.iload(L_A).ineg().istore(L_A);
                case MISC | TAX -> cb.iload(L_A).istore(L_X);
                case MISC | TXA -> cb.iload(L_X).istore(L_A);
                case RET | K -> cb.loadConstant(k).ireturn();
                case RET | RET_A -> cb.iload(L_A).ireturn();
                case JMP | JA -> cb.goto_(at[pc + 1 + k]);
                default -> {
                    if ((c & 0x07) == ALU) alu(cb, c, k, reject);
                    else jump(cb, c, k, at[pc + 1 + prog.jt[pc]], at[pc + 1 + prog.jf[pc]]);
                }
            }
        }
        cb.labelBinding(reject);
        cb.iconst_0().ireturn();
    }

    /** {@code dst = load(s, off + at)} where {@code at = k (+ X)}, or reject if it would pass {@code len}. */
    private static void load(CodeBuilder cb, int k, boolean indexed, int size, String kind, Label reject, int dst) {
        cb.loadConstant(k & 0xFFFF_FFFFL);
        if (indexed) cb.iload(L_X).i2l().loadConstant(0xFFFF_FFFFL).land().ladd();
        cb.lstore(L_AT);
        // at + size > len: reject (both sides are small non-negative longs, no overflow).
        cb.lload(L_AT).loadConstant((long) size).ladd().iload(L_LEN).i2l().lcmp().ifgt(reject);
        cb.aload(L_S).lload(L_OFF).lload(L_AT).ladd().invokestatic(CD_LOADS, kind, MTD_LOAD).istore(dst);
    }

    private static void alu(CodeBuilder cb, int c, int k, Label reject) {
        boolean x = (c & X) != 0;
        int op = c & 0xf0;
        if (x && (op == DIV || op == MOD)) cb.iload(L_X).ifeq(reject);  // libpcap rejects on X == 0
        if (x && (op == LSH || op == RSH)) {
            // L_A shift by 32 or more leaves 0, as in bpf_filter; Java would take the count mod 32.
            Label small = cb.newLabel(), done = cb.newLabel();
            cb.iload(L_X).i2l().loadConstant(0xFFFF_FFFFL).land().loadConstant(32L).lcmp().iflt(small);
            cb.iconst_0().istore(L_A).goto_(done);
            cb.labelBinding(small);
            cb.iload(L_A).iload(L_X);
            if (op == LSH) cb.ishl(); else cb.iushr();
            cb.istore(L_A);
            cb.labelBinding(done);
            return;
        }
        cb.iload(L_A);
        if (x) cb.iload(L_X); else cb.loadConstant(k);
        switch (op) {
            case ADD -> cb.iadd();
            case SUB -> cb.isub();
            case MUL -> cb.imul();
            case DIV -> cb.invokestatic(CD_Integer, "divideUnsigned", MTD_II_I);
            case MOD -> cb.invokestatic(CD_Integer, "remainderUnsigned", MTD_II_I);
            case AND -> cb.iand();
            case OR -> cb.ior();
            case XOR -> cb.ixor();
            case LSH -> cb.ishl();
            case RSH -> cb.iushr();
            default -> throw new IllegalStateException("unchecked ALU opcode " + c);
        }
        cb.istore(L_A);
    }

    private static void jump(CodeBuilder cb, int c, int k, Label ifTrue, Label ifFalse) {
        boolean x = (c & X) != 0;
        cb.iload(L_A);
        if (x) cb.iload(L_X); else cb.loadConstant(k);
        switch (c & 0xf0) {
            case JEQ -> cb.if_icmpeq(ifTrue);
            case JGT -> cb.invokestatic(CD_Integer, "compareUnsigned", MTD_II_I).ifgt(ifTrue);
            case JGE -> cb.invokestatic(CD_Integer, "compareUnsigned", MTD_II_I).ifge(ifTrue);
            case JSET -> cb.iand().ifne(ifTrue);
            default -> throw new IllegalStateException("unchecked jump opcode " + c);
        }
        cb.goto_(ifFalse);
    }
}
