package io.flexnet.ebpf;

import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;
import static java.lang.constant.ConstantDescs.CD_void;

import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.Opcode;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Compiles eBPF to JVM bytecode with the class-file API, one hidden class per program, so the JVM's
 * own JIT turns a policy into machine code: registers become {@code long} locals, jumps become
 * branches, each eBPF function a static method.
 *
 * <p>This is the unverified mode: every memory access and helper call goes through a checking
 * {@link Machine} and backward jumps count against a budget, so it runs anything the interpreter runs,
 * with the same results (the conformance suite holds both to that). Verified policies are compiled by
 * {@link PolicyJit}, which knows from the verifier what each access touches and checks nothing twice.
 */
public final class Jit {
    private Jit() {}

    /** A compiled program of the unverified mode. */
    public interface Raw {
        long run(Machine m, long r1, long r2);
    }

    /** The program cannot be compiled; the message names the slot. */
    public static final class JitException extends RuntimeException {
        JitException(String m) { super(m); }
    }

    static final ClassDesc CD_MACHINE = ClassDesc.of(Machine.class.getName());
    static final ClassDesc CD_RT = ClassDesc.of(Rt.class.getName());
    static final ClassDesc CD_FAULT = ClassDesc.of(BpfFault.class.getName());
    static final ClassDesc CD_LONG = ClassDesc.of("java.lang.Long");
    static final ClassDesc CD_INTEGER = ClassDesc.of("java.lang.Integer");
    private static final MethodTypeDesc MTD_FN = MethodTypeDesc.of(CD_long, CD_MACHINE, CD_long, CD_long, CD_long, CD_long, CD_long, CD_long);

    public static Raw compileUnverified(Insn[] prog, String name) {
        List<Integer> fns = functions(prog);
        ClassDesc self = ClassDesc.of(Jit.class.getPackageName() + ".JitRaw");
        byte[] bytes = ClassFile.of().build(self, clb -> {
            clb.withFlags(ClassFile.ACC_FINAL | ClassFile.ACC_SUPER);
            clb.withInterfaceSymbols(ClassDesc.of(Raw.class.getName()));
            clb.withMethodBody(ConstantDescs.INIT_NAME, ConstantDescs.MTD_void, ClassFile.ACC_PUBLIC,
                    cb -> cb.aload(0).invokespecial(ConstantDescs.CD_Object, ConstantDescs.INIT_NAME, ConstantDescs.MTD_void).return_());
            clb.withMethodBody("run", MethodTypeDesc.of(CD_long, CD_MACHINE, CD_long, CD_long), ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL, cb -> {
                cb.aload(1).lload(2).lload(4).lconst_0().lconst_0().lconst_0().loadConstant(Machine.frame(0))
                        .invokestatic(self, "f0", MTD_FN).lreturn();
            });
            for (int k = 0; k < fns.size(); k++) {
                int from = fns.get(k), to = k + 1 < fns.size() ? fns.get(k + 1) : prog.length;
                clb.withMethodBody("f" + from, MTD_FN, ClassFile.ACC_STATIC | ClassFile.ACC_PRIVATE,
                        cb -> new RawEmitter(cb, prog, from, to, self).emit());
            }
        });
        try {
            MethodHandles.Lookup l = MethodHandles.lookup().defineHiddenClass(bytes, true);
            return (Raw) l.findConstructor(l.lookupClass(), MethodType.methodType(void.class)).invoke();
        } catch (Throwable t) {
            throw new JitException(name + ": the JVM refused the compiled class: " + t);
        }
    }

    /** Slot 0 and every target of a local call, in order. */
    static List<Integer> functions(Insn[] prog) {
        TreeSet<Integer> starts = new TreeSet<>();
        starts.add(0);
        for (int i = 0; i < prog.length; i++) {
            Insn x = prog[i];
            if (x.isCall() && !x.regSource() && x.src() == Insn.CALL_LOCAL) {
                int t = i + 1 + x.imm();
                if (t < 0 || t >= prog.length) throw new JitException("insn " + i + ": call to " + t + " outside the program");
                starts.add(t);
            }
            if (x.isLddw()) i++;
        }
        return new ArrayList<>(starts);
    }

    /**
     * Emits one eBPF function's body. Local slots: the machine at 0, r1-r5 and r10 are parameters,
     * r0 and r6-r9 locals after them; all hold longs.
     */
    static class Emitter {
        static final int[] SLOT = {13, 1, 3, 5, 7, 9, 15, 17, 19, 21, 11};
        final CodeBuilder cb;
        final Insn[] prog;
        final int from, to;
        final Label[] labels;

        Emitter(CodeBuilder cb, Insn[] prog, int from, int to) {
            this.cb = cb;
            this.prog = prog;
            this.from = from;
            this.to = to;
            this.labels = new Label[to - from];
        }

        int slot(int reg) {
            if (reg > 10) throw new JitException("register r" + reg + " does not exist");
            return SLOT[reg];
        }

        /** Returns r0 from the compiled function. */
        void exit() { cb.lload(slot(0)).lreturn(); }

        int dst(Insn x, int pc) {
            if (x.dst() >= 10) throw new JitException("insn " + pc + ": " + Disassembler.insn(x) + " writes r" + x.dst());
            return slot(x.dst());
        }

        Label label(int pc, int target) {
            if (target < from || target >= to) throw new JitException("insn " + pc + ": jump to " + target + " outside its function [" + from + ", " + to + ")");
            if (target > from && prog[target - 1] != null && prog[target - 1].isLddw()) throw new JitException("insn " + pc + ": jump into the middle of lddw at " + (target - 1));
            Label l = labels[target - from];
            if (l == null) labels[target - from] = l = cb.newLabel();
            return l;
        }

        void prologue() {
            for (int r : new int[] {0, 6, 7, 8, 9}) cb.lconst_0().lstore(slot(r));
        }

        void emit() {
            prologue();
            for (int pc = from; pc < to; pc++) {  // labels first, so backward jumps find theirs
                Insn x = prog[pc];
                if (x.isJump()) label(pc, x.target(pc));
                if (x.isLddw()) pc++;
            }
            for (int pc = from; pc < to; pc++) {
                Label l = labels[pc - from];
                if (l != null) cb.labelBinding(l);
                Insn x = prog[pc];
                one(x, pc);
                if (x.isLddw()) pc++;
            }
            fellOff();
        }

        void fellOff() {
            cb.new_(CD_FAULT).dup().loadConstant("execution fell off the end of the function at " + from)
                    .invokespecial(CD_FAULT, ConstantDescs.INIT_NAME, MethodTypeDesc.of(CD_void, ConstantDescs.CD_String)).athrow();
        }

        void one(Insn x, int pc) {
            switch (x.cls()) {
                case Insn.ALU64 -> alu64(x, pc);
                case Insn.ALU -> alu32(x, pc);
                case Insn.LD -> lddw(x, pc);
                case Insn.LDX -> load(x, pc);
                case Insn.ST, Insn.STX -> store(x, pc);
                case Insn.JMP, Insn.JMP32 -> jump(x, pc);
                default -> unknown(x, pc);
            }
        }

        void unknown(Insn x, int pc) { throw new JitException("insn " + pc + ": unknown instruction " + Disassembler.insn(x)); }

        void lddw(Insn x, int pc) {
            if (!x.isLddw() || x.src() != 0) unknown(x, pc);
            cb.loadConstant(x.imm64()).lstore(dst(x, pc));
        }

        void pushSrc64(Insn x) {
            if (x.regSource()) cb.lload(slot(x.src()));
            else cb.loadConstant((long) x.imm());
        }

        void pushSrc32(Insn x) {
            if (x.regSource()) cb.lload(slot(x.src())).l2i();
            else cb.loadConstant(x.imm());
        }

        void alu64(Insn x, int pc) {
            if (!x.known()) unknown(x, pc);
            int d = dst(x, pc);
            switch (x.op()) {
                case Insn.MOV -> {
                    pushSrc64(x);
                    switch (x.off()) {
                        case 8 -> cb.l2i().i2b().i2l();
                        case 16 -> cb.l2i().i2s().i2l();
                        case 32 -> cb.l2i().i2l();
                        default -> { }
                    }
                }
                case Insn.NEG -> cb.lload(d).lneg();
                case Insn.END -> end(x, d);
                default -> {
                    cb.lload(d);
                    pushSrc64(x);
                    boolean signed = x.off() == 1;
                    switch (x.op()) {
                        case Insn.ADD -> cb.ladd();
                        case Insn.SUB -> cb.lsub();
                        case Insn.MUL -> cb.lmul();
                        case Insn.OR -> cb.lor();
                        case Insn.AND -> cb.land();
                        case Insn.XOR -> cb.lxor();
                        case Insn.LSH -> cb.l2i().lshl();
                        case Insn.RSH -> cb.l2i().lushr();
                        case Insn.ARSH -> cb.l2i().lshr();
                        case Insn.DIV -> rt(signed ? "sdiv" : "udiv", CD_long, CD_long, CD_long);
                        case Insn.MOD -> rt(signed ? "smod" : "umod", CD_long, CD_long, CD_long);
                        default -> unknown(x, pc);
                    }
                }
            }
            cb.lstore(d);
        }

        void end(Insn x, int d) {
            cb.lload(d);
            boolean swap = x.cls() == Insn.ALU64 || x.regSource();
            switch (x.imm()) {
                case 16 -> { if (swap) rt("bswap16", CD_long, CD_long); else cb.loadConstant(0xFFFFL).land(); }
                case 32 -> { if (swap) rt("bswap32", CD_long, CD_long); else cb.loadConstant(0xFFFF_FFFFL).land(); }
                default -> { if (swap) cb.invokestatic(CD_LONG, "reverseBytes", MethodTypeDesc.of(CD_long, CD_long)); }
            }
        }

        void alu32(Insn x, int pc) {
            if (!x.known()) unknown(x, pc);
            int d = dst(x, pc);
            if (x.op() == Insn.END) {
                end(x, d);
                cb.lstore(d);
                return;
            }
            switch (x.op()) {
                case Insn.MOV -> {
                    pushSrc32(x);
                    if (x.off() == 8) cb.i2b();
                    else if (x.off() == 16) cb.i2s();
                }
                case Insn.NEG -> cb.lload(d).l2i().ineg();
                default -> {
                    cb.lload(d).l2i();
                    pushSrc32(x);
                    boolean signed = x.off() == 1;
                    switch (x.op()) {
                        case Insn.ADD -> cb.iadd();
                        case Insn.SUB -> cb.isub();
                        case Insn.MUL -> cb.imul();
                        case Insn.OR -> cb.ior();
                        case Insn.AND -> cb.iand();
                        case Insn.XOR -> cb.ixor();
                        case Insn.LSH -> cb.ishl();
                        case Insn.RSH -> cb.iushr();
                        case Insn.ARSH -> cb.ishr();
                        case Insn.DIV -> rt(signed ? "sdiv32" : "udiv32", CD_int, CD_int, CD_int);
                        case Insn.MOD -> rt(signed ? "smod32" : "umod32", CD_int, CD_int, CD_int);
                        default -> unknown(x, pc);
                    }
                }
            }
            cb.i2l().loadConstant(0xFFFF_FFFFL).land().lstore(d);
        }

        void rt(String name, ClassDesc ret, ClassDesc... args) {
            cb.invokestatic(CD_RT, name, MethodTypeDesc.of(ret, args));
        }

        void signExtend(int size) {
            switch (size) {
                case 1 -> cb.l2i().i2b().i2l();
                case 2 -> cb.l2i().i2s().i2l();
                case 4 -> cb.l2i().i2l();
                default -> { }
            }
        }

        void load(Insn x, int pc) {
            if (!x.known()) unknown(x, pc);
            int d = dst(x, pc);
            cb.aload(0).lload(slot(x.src())).loadConstant((long) x.off()).ladd().loadConstant(x.size())
                    .invokevirtual(CD_MACHINE, "load", MethodTypeDesc.of(CD_long, CD_long, CD_int));
            if (x.mode() == Insn.MEMSX) signExtend(x.size());
            cb.lstore(d);
        }

        void store(Insn x, int pc) {
            if (!x.known()) unknown(x, pc);
            if (x.mode() == Insn.ATOMIC) {
                cb.aload(0).loadConstant(x.imm()).lload(slot(x.dst())).loadConstant((long) x.off()).ladd().loadConstant(x.size())
                        .lload(slot(x.src())).lload(slot(0))
                        .invokestatic(CD_RT, "atomic", MethodTypeDesc.of(CD_long, CD_MACHINE, CD_int, CD_long, CD_int, CD_long, CD_long));
                if (x.imm() == Insn.CMPXCHG) cb.lstore(slot(0));
                else if ((x.imm() & Insn.FETCH) != 0) cb.lstore(dst(new Insn(0, x.src(), 0, 0, 0, 0), pc));
                else cb.pop2();
                return;
            }
            cb.aload(0).lload(slot(x.dst())).loadConstant((long) x.off()).ladd().loadConstant(x.size());
            if (x.cls() == Insn.ST) cb.loadConstant((long) x.imm());
            else cb.lload(slot(x.src()));
            cb.invokevirtual(CD_MACHINE, "store", MethodTypeDesc.of(CD_void, CD_long, CD_int, CD_long));
        }

        void jump(Insn x, int pc) {
            int op = x.op();
            if (op == Insn.EXIT) {
                exit();
                return;
            }
            if (op == Insn.CALL) {
                call(x, pc);
                return;
            }
            if (!x.known()) unknown(x, pc);
            int target = x.target(pc);
            Label l = label(pc, target);
            if (target <= pc) backEdge();
            if (op == Insn.JA) {
                cb.goto_(l);
                return;
            }
            if (packetCompare(x, pc, l)) return;
            if (x.cls() == Insn.JMP) {
                cb.lload(slot(x.dst()));
                pushSrc64(x);
                switch (op) {
                    case Insn.JSET -> { cb.land().lconst_0().lcmp().ifne(l); return; }
                    case Insn.JGT, Insn.JGE, Insn.JLT, Insn.JLE -> cb.invokestatic(CD_LONG, "compareUnsigned", MethodTypeDesc.of(CD_int, CD_long, CD_long));
                    default -> cb.lcmp();
                }
                cb.branch(zeroTest(op), l);
            } else {
                cb.lload(slot(x.dst())).l2i();
                pushSrc32(x);
                switch (op) {
                    case Insn.JSET -> { cb.iand().ifne(l); return; }
                    case Insn.JGT, Insn.JGE, Insn.JLT, Insn.JLE -> {
                        cb.invokestatic(CD_INTEGER, "compareUnsigned", MethodTypeDesc.of(CD_int, CD_int, CD_int));
                        cb.branch(zeroTest(op), l);
                    }
                    default -> cb.branch(intTest(op), l);
                }
            }
        }

        /** Emits jump {@code x} to {@code l} in a shorter form when what it compares is known; false: not known here. */
        boolean packetCompare(Insn x, int pc, Label l) { return false; }

        /** In this mode a backward jump counts against the budget; verified code needs no count. */
        void backEdge() { cb.aload(0).invokestatic(CD_RT, "burn", MethodTypeDesc.of(CD_void, CD_MACHINE)); }

        static Opcode zeroTest(int op) {
            return switch (op) {
                case Insn.JEQ -> Opcode.IFEQ; case Insn.JNE -> Opcode.IFNE;
                case Insn.JGT, Insn.JSGT -> Opcode.IFGT; case Insn.JGE, Insn.JSGE -> Opcode.IFGE;
                case Insn.JLT, Insn.JSLT -> Opcode.IFLT; default -> Opcode.IFLE;
            };
        }

        static Opcode intTest(int op) {
            return switch (op) {
                case Insn.JEQ -> Opcode.IF_ICMPEQ; case Insn.JNE -> Opcode.IF_ICMPNE;
                case Insn.JSGT -> Opcode.IF_ICMPGT; case Insn.JSGE -> Opcode.IF_ICMPGE;
                case Insn.JSLT -> Opcode.IF_ICMPLT; default -> Opcode.IF_ICMPLE;
            };
        }

        void call(Insn x, int pc) { unknown(x, pc); }
    }

    /** The unverified mode's emitter: helpers and local calls through the machine. */
    static final class RawEmitter extends Emitter {
        private final ClassDesc self;

        RawEmitter(CodeBuilder cb, Insn[] prog, int from, int to, ClassDesc self) {
            super(cb, prog, from, to);
            this.self = self;
        }

        @Override
        void call(Insn x, int pc) {
            if (!x.regSource() && x.src() == Insn.CALL_LOCAL) {
                backEdge();
                cb.aload(0);
                for (int r = 1; r <= 5; r++) cb.lload(slot(r));
                cb.lload(slot(10)).invokestatic(CD_RT, "enter", MethodTypeDesc.of(CD_long, CD_long));
                cb.invokestatic(self, "f" + (pc + 1 + x.imm()), MTD_FN).lstore(slot(0));
                return;
            }
            cb.aload(0);
            if (x.regSource()) cb.lload(slot(x.dst())).l2i();
            else cb.loadConstant(x.imm());
            for (int r = 1; r <= 5; r++) cb.lload(slot(r));
            cb.invokevirtual(CD_MACHINE, "helper", MethodTypeDesc.of(CD_long, CD_int, CD_long, CD_long, CD_long, CD_long, CD_long))
                    .lstore(slot(0));
        }
    }
}
