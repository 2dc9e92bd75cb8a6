package io.flexnet.ebpf;

import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;
import static java.lang.constant.ConstantDescs.CD_void;

import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.DynamicConstantDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Compiles a verified policy to one hidden class whose {@code run(PolicyInput)} answers as the hook
 * expects. The verifier's facts say what every access touches, so nothing is checked twice: the
 * stack becomes {@code long} locals (every stack offset is a constant), context fields become calls
 * on the input, packet loads read the frame, map values go to the project's maps, helpers are inlined
 * calls, and no instruction counts against a budget (the verifier proved the walk ends).
 */
public final class PolicyJit {
    private PolicyJit() {}

    /** A compiled policy. */
    public interface Program {
        /** The hook's answer: an executor index, {@code PASS}, {@code DROP}, or a value the deployment counts as a fault. */
        int run(io.flexnet.policy.PolicyInput in);
    }

    static final ClassDesc CD_INPUT = ClassDesc.of("io.flexnet.policy.PolicyInput");
    static final ClassDesc CD_ACCESS = ClassDesc.of(PolicyAccess.class.getName());
    static final ClassDesc CD_TABLE = ClassDesc.of(PolicyAccess.Table.class.getName());
    static final ClassDesc CD_MAP = ClassDesc.of("io.flexnet.policy.PolicyMap");
    static final ClassDesc CD_ADDR = ClassDesc.of(Addr.class.getName());

    public static Program compile(Verifier.Result v, PolicyAccess.Table table, String name) {
        Insn[] prog = v.insns();
        ClassDesc self = ClassDesc.of(PolicyJit.class.getPackageName() + ".BpfPolicy$" + className(name));
        byte[] bytes = ClassFile.of().build(self, clb -> {
            clb.withFlags(ClassFile.ACC_FINAL | ClassFile.ACC_SUPER);
            clb.withInterfaceSymbols(ClassDesc.of(Program.class.getName()));
            clb.withMethodBody(ConstantDescs.INIT_NAME, ConstantDescs.MTD_void, ClassFile.ACC_PUBLIC,
                    cb -> cb.aload(0).invokespecial(ConstantDescs.CD_Object, ConstantDescs.INIT_NAME, ConstantDescs.MTD_void).return_());
            clb.withMethodBody("run", MethodTypeDesc.of(CD_int, CD_INPUT), ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL,
                    cb -> new Emitter(cb, v, table).emit());
        });
        String dump = System.getProperty(DUMP);
        if (dump != null && !dump.isBlank()) write(Path.of(dump).resolve(className(name) + ".class"), bytes);
        java.util.ArrayList<Object> data = new java.util.ArrayList<>();
        data.add(table);
        for (long[] g : table.globals) data.add(g == null ? new long[0] : g);
        try {
            MethodHandles.Lookup l = MethodHandles.lookup().defineHiddenClassWithClassData(bytes, List.copyOf(data), true);
            return (Program) l.findConstructor(l.lookupClass(), MethodType.methodType(void.class)).invoke();
        } catch (Throwable t) {
            throw new Jit.JitException(name + ": the JVM refused the compiled policy: " + t);
        }
    }

    /**
     * {@code -Dflexnet.ebpf.dump=DIR} writes each compiled policy's class to {@code DIR/NAME.class}
     * (NAME the program's), for {@code javap -c -p}.
     */
    static final String DUMP = "flexnet.ebpf.dump";

    /** The program's name as the last part of a class name, so JIT logs say which policy ran. */
    static String className(String program) {
        StringBuilder sb = new StringBuilder(program.length());
        for (int i = 0; i < program.length(); i++) {
            char c = program.charAt(i);
            sb.append(c < 128 && (Character.isLetterOrDigit(c) || c == '_') ? c : '_');
        }
        return sb.isEmpty() ? "_" : sb.toString();
    }

    /** A policy of the same name compiled later overwrites the file. */
    private static void write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("could not dump the compiled policy to " + file, e);
        }
    }

    /** Locals: this, the input, r0-r10, the 64 stack words, the selected executor, the packet's base and length, temporaries. */
    static final class Emitter extends Jit.Emitter {
        static final int IN = 1, STACK0 = 24, SELECTED = 152, PKT_BASE = 153, PKT_LEN = 154, TMP = 156, TMP_INT = 160;
        final Facts facts;
        final Hook hook;
        final int hookOrd;
        final boolean usesPacket;
        final boolean[] stackUsed = new boolean[64];

        final PolicyAccess.Table tbl;

        Emitter(CodeBuilder cb, Verifier.Result v, PolicyAccess.Table tbl) {
            super(cb, v.insns(), 0, v.insns().length);
            this.tbl = tbl;
            this.facts = v.facts();
            this.hook = v.hook();
            this.hookOrd = hook.ordinal();
            boolean pkt = false;
            for (int i = 0; i < prog.length; i++) {
                int k = facts.kind[i];
                if (k == Reg.PACKET) pkt = true;
                if (k == Reg.CTX) {
                    Hook.Field f = hook.field(facts.stack[i], prog[i].size());
                    if (f != null && f.kind() != Hook.Field.SCALAR) pkt = true;
                }
                if (k == Reg.STACK) for (int b = facts.stack[i]; b < facts.stack[i] + prog[i].size(); b += 8) stackUsed[b / 8] = true;
                if (facts.stack[i] >= 0 && prog[i].isCall()) { stackUsed[facts.stack[i] / 8] = true; }
                if (facts.stack2[i] >= 0) stackUsed[facts.stack2[i] / 8] = true;
            }
            this.usesPacket = pkt;
        }

        @Override int slot(int reg) {
            if (reg > 10) throw new Jit.JitException("register r" + reg + " does not exist");
            return 2 + 2 * reg;
        }

        int word(int stackByte) { return STACK0 + 2 * (stackByte / 8); }

        void table() { cb.ldc(DynamicConstantDesc.ofNamed(ConstantDescs.BSM_CLASS_DATA_AT, ConstantDescs.DEFAULT_NAME, CD_TABLE, 0)); }

        static final ClassDesc CD_WORDS = ConstantDescs.CD_long.arrayType();

        /** The global data section this access always touches, at a constant offset, or -1. */
        int global(int pc) {
            int m = facts.vmap[pc];
            return m >= 0 && tbl.global[m] ? m : -1;
        }

        /** Pushes global section {@code m}'s words (a constant of the class) and the word index. */
        void globalWord(int m, int off) {
            cb.ldc(DynamicConstantDesc.ofNamed(ConstantDescs.BSM_CLASS_DATA_AT, ConstantDescs.DEFAULT_NAME, CD_WORDS, 1 + m));
            cb.loadConstant(off >>> 3);
        }

        /**
         * Pushes object map {@code m}'s {@link io.flexnet.policy.PolicyMap}: its slot among the input's
         * maps is a constant here, and the call on it is made in this class, so the JVM's profile of that
         * call is this program's alone (one kind of map), not shared by every policy's maps.
         */
        void mapOf(int m) {
            cb.aload(IN).loadConstant(tbl.slot[m]).invokevirtual(CD_INPUT, "map", MethodTypeDesc.of(CD_MAP, CD_int));
        }

        /** Pushes the key a map value pointer in register {@code reg} (plus {@code off}) names. */
        void keyOf(int reg, int off) {
            cb.lload(slot(reg)).loadConstant((long) off).ladd().invokestatic(CD_ADDR, "keyOf", MethodTypeDesc.of(CD_int, CD_long));
        }

        void access(String name, ClassDesc ret, ClassDesc... args) { cb.invokestatic(CD_ACCESS, name, MethodTypeDesc.of(ret, args)); }

        @Override
        void prologue() {
            for (int r = 0; r <= 9; r++) cb.lconst_0().lstore(slot(r));
            cb.loadConstant(Addr.of(Addr.CTX, 0)).lstore(slot(1));
            cb.loadConstant(Machine.frame(0)).lstore(slot(10));
            for (int k = 0; k < 64; k++) if (stackUsed[k]) cb.lconst_0().lstore(STACK0 + 2 * k);
            cb.iconst_m1().istore(SELECTED);
            if (usesPacket) {
                // PKT_BASE holds the socket packet's header length (the frame's packet starts at 0); PKT_LEN
                // the packet's length, data_end - data, which every test against data_end compares with
                if (hook == Hook.SOCKET) {
                    cb.aload(IN);
                    access("socketHeader", CD_int, CD_INPUT);
                    cb.dup().istore(PKT_BASE).aload(IN).invokevirtual(CD_INPUT, "payloadLength", MethodTypeDesc.of(CD_int)).iadd().istore(PKT_LEN);
                } else {
                    cb.iconst_0().istore(PKT_BASE).aload(IN).invokevirtual(CD_INPUT, "frameLength", MethodTypeDesc.of(CD_int)).istore(PKT_LEN);
                }
            } else {
                cb.iconst_0().istore(PKT_BASE).iconst_0().istore(PKT_LEN);
            }
        }

        @Override void backEdge() { }

        /**
         * A packet pointer against {@code data_end}, as the verifier saw on every path: {@code data + k}
         * and {@code data + length} lie in one region far from wrapping, so the unsigned 64-bit test of
         * two tagged addresses is {@code k} against the packet's length, which C2 compiles to one
         * comparison of the length with a constant.
         */
        @Override
        boolean packetCompare(Insn x, int pc, Label l) {
            int side = facts.cmpSide[pc], op = x.op();
            if (side != Facts.PACKET_DST && side != Facts.PACKET_SRC || op == Insn.JSET) return false;
            long k = facts.cmpOff[pc];
            if (side == Facts.PACKET_DST) cb.loadConstant(k).iload(PKT_LEN).i2l();
            else cb.iload(PKT_LEN).i2l().loadConstant(k);
            cb.lcmp().branch(zeroTest(op), l);
            return true;
        }

        @Override
        void exit() {
            cb.loadConstant(hookOrd).lload(slot(0)).iload(SELECTED);
            access("answer", CD_int, CD_int, CD_long, CD_int);
            cb.ireturn();
        }

        @Override
        void lddw(Insn x, int pc) {
            long v = switch (x.src()) {
                case 0 -> x.imm64();
                case Insn.PSEUDO_MAP_FD -> Addr.of(Addr.MAP, x.imm());
                default -> Addr.mapValue(x.imm(), 0, (int) (x.imm64() >>> 32));
            };
            cb.loadConstant(v).lstore(dst(x, pc));
        }

        /** Pushes {@code size} bytes of the stack at byte {@code at} (within one word: the verifier aligned it). */
        void stackRead(int at, int size) {
            cb.lload(word(at));
            int sh = (at % 8) * 8;
            if (sh > 0) cb.loadConstant(sh).lushr();
            if (size < 8) cb.loadConstant(Machine.mask(size)).land();
        }

        /** Stores the long on the operand stack into {@code size} bytes of the stack at byte {@code at}. */
        void stackWrite(int at, int size) {
            if (size == 8) {
                cb.lstore(word(at));
                return;
            }
            int sh = (at % 8) * 8;
            long m = Machine.mask(size) << sh;
            cb.loadConstant(Machine.mask(size)).land();
            if (sh > 0) cb.loadConstant(sh).lshl();
            cb.lload(word(at)).loadConstant(~m).land().lor().lstore(word(at));
        }

        void dead(int pc) {
            cb.new_(Jit.CD_FAULT).dup().loadConstant("insn " + pc + " was never reached by the verifier's walk")
                    .invokespecial(Jit.CD_FAULT, ConstantDescs.INIT_NAME, MethodTypeDesc.of(CD_void, ConstantDescs.CD_String)).athrow();
        }

        @Override
        void load(Insn x, int pc) {
            int d = dst(x, pc);
            int size = x.size();
            switch (facts.kind[pc]) {
                case Reg.STACK -> stackRead(facts.stack[pc], size);
                case Reg.CTX -> {
                    Hook.Field f = hook.field(facts.stack[pc], size);
                    if (f.kind() == Hook.Field.PACKET) cb.loadConstant(Addr.of(Addr.PACKET, 0));
                    else if (f.kind() == Hook.Field.PACKET_END) cb.loadConstant(Addr.of(Addr.PACKET, 0)).iload(PKT_LEN).i2l().ladd();
                    else {
                        cb.aload(IN).loadConstant(hookOrd).loadConstant(facts.stack[pc]);
                        access("field", CD_long, CD_INPUT, CD_int, CD_int);
                        if (size < 8) cb.loadConstant(Machine.mask(size)).land();
                    }
                }
                case Reg.PACKET -> {
                    if (hook == Hook.SOCKET) {
                        cb.aload(IN).iload(PKT_BASE).lload(slot(x.src())).loadConstant(Addr.of(Addr.PACKET, 0) - x.off()).lsub().l2i()
                                .loadConstant(size);
                        access("socketPacket", CD_long, CD_INPUT, CD_int, CD_int, CD_int);
                    } else {
                        cb.aload(IN).lload(slot(x.src())).loadConstant(Addr.of(Addr.PACKET, 0) - x.off()).lsub().l2i()
                                .loadConstant(size);
                        access("packet", CD_long, CD_INPUT, CD_int, CD_int);
                    }
                }
                case Reg.MAP_VALUE -> {
                    int g = global(pc);
                    if (g >= 0) {  // a global variable: one array element, as a Java field would be
                        int off = facts.voff[pc];
                        globalWord(g, off);
                        cb.laload();
                        if ((off & 7) != 0) cb.loadConstant((off & 7) * 8).lushr();
                        if (size < 8) cb.loadConstant(Machine.mask(size)).land();
                        break;
                    }
                    int m = facts.vmap[pc];
                    if (m >= 0) {  // one map on every path: its word, read in this class
                        int off = facts.voff[pc];
                        mapOf(m);
                        keyOf(x.src(), x.off());
                        cb.invokeinterface(CD_MAP, "get", MethodTypeDesc.of(CD_long, CD_int));
                        if ((off & 7) != 0) cb.loadConstant((off & 7) * 8).lushr();
                        if (size < 8) cb.loadConstant(Machine.mask(size)).land();
                        break;
                    }
                    cb.aload(IN);
                    table();
                    cb.lload(slot(x.src())).loadConstant((long) x.off()).ladd().loadConstant(size);
                    access("load", CD_long, CD_INPUT, CD_TABLE, CD_long, CD_int);
                }
                default -> { dead(pc); return; }
            }
            if (x.mode() == Insn.MEMSX) signExtend(size);
            cb.lstore(d);
        }

        @Override
        void store(Insn x, int pc) {
            int size = x.size();
            int kind = facts.kind[pc];
            if (x.mode() == Insn.ATOMIC) {
                atomic(x, pc, kind);
                return;
            }
            switch (kind) {
                case Reg.STACK -> {
                    pushValue(x);
                    stackWrite(facts.stack[pc], size);
                }
                case Reg.MAP_VALUE -> {
                    int g = global(pc);
                    if (g >= 0 && size == 8) {
                        globalWord(g, facts.voff[pc]);
                        pushValue(x);
                        cb.lastore();
                        break;
                    }
                    if (g >= 0) {
                        int off = facts.voff[pc];
                        globalWord(g, off);
                        cb.loadConstant((off & 7) * 8).loadConstant(size);
                        pushValue(x);
                        access("storeGlobal", CD_void, CD_WORDS, CD_int, CD_int, CD_int, CD_long);
                        break;
                    }
                    if (facts.vmap[pc] >= 0 && size == 8) {  // one map on every path, a whole word: put, in this class
                        mapOf(facts.vmap[pc]);
                        keyOf(x.dst(), x.off());
                        pushValue(x);
                        cb.invokeinterface(CD_MAP, "put", MethodTypeDesc.of(ConstantDescs.CD_boolean, CD_int, CD_long)).pop();
                        break;
                    }
                    cb.aload(IN);
                    table();
                    cb.lload(slot(x.dst())).loadConstant((long) x.off()).ladd().loadConstant(size);
                    pushValue(x);
                    access("store", CD_void, CD_INPUT, CD_TABLE, CD_long, CD_int, CD_long);
                }
                default -> dead(pc);
            }
        }

        void pushValue(Insn x) {
            if (x.cls() == Insn.ST) cb.loadConstant((long) x.imm());
            else cb.lload(slot(x.src()));
        }

        void atomic(Insn x, int pc, int kind) {
            int size = x.size(), op = x.imm();
            if (kind == Reg.STACK) {
                int at = facts.stack[pc];
                cb.loadConstant(op);
                stackRead(at, size);
                cb.dup2().lstore(TMP);  // the old value
                cb.lload(slot(x.src()));
                if (size == 4) cb.loadConstant(0xFFFF_FFFFL).land();
                cb.lload(slot(0)).loadConstant(size);
                access("atomicNew", CD_long, CD_int, CD_long, CD_long, CD_long, CD_int);
                stackWrite(at, size);
            } else if (kind == Reg.MAP_VALUE && global(pc) >= 0) {
                globalWord(global(pc), facts.voff[pc]);
                cb.loadConstant(op).lload(slot(x.src())).lload(slot(0));
                access("atomicGlobal", CD_long, CD_WORDS, CD_int, CD_int, CD_long, CD_long);
                cb.lstore(TMP);
            } else if (kind == Reg.MAP_VALUE) {
                cb.aload(IN);
                table();
                cb.loadConstant(op).lload(slot(x.dst())).loadConstant((long) x.off()).ladd().lload(slot(x.src())).lload(slot(0));
                access("atomic", CD_long, CD_INPUT, CD_TABLE, CD_int, CD_long, CD_long, CD_long);
                cb.lstore(TMP);
            } else {
                dead(pc);
                return;
            }
            if (op == Insn.CMPXCHG) cb.lload(TMP).lstore(slot(0));
            else if ((op & Insn.FETCH) != 0) cb.lload(TMP).lstore(slot(x.src()));
        }

        /** A lookup in a map of the tenant's (not global data): compiled in place. */
        static final int LOOKUP_OBJECT_MAP = -1;

        @Override
        void call(Insn x, int pc) {
            int map = facts.map[pc];
            int helper = x.imm() == Helpers.MAP_LOOKUP_ELEM && map >= 0 && !tbl.global[map] ? LOOKUP_OBJECT_MAP : x.imm();
            switch (helper) {
                case LOOKUP_OBJECT_MAP -> {
                    // the map is known here: its kind decides presence, in this class (see mapOf)
                    stackRead(facts.stack[pc], 4);
                    cb.l2i().istore(TMP_INT);
                    Label none = cb.newLabel(), done = cb.newLabel();
                    if (tbl.array[map]) {
                        cb.iload(TMP_INT).loadConstant(tbl.maxEntries[map]).invokestatic(Jit.CD_INTEGER, "compareUnsigned", MethodTypeDesc.of(CD_int, CD_int, CD_int)).ifge(none);
                        cb.iload(TMP_INT);
                        mapOf(map);
                        cb.invokeinterface(CD_MAP, "capacity", MethodTypeDesc.of(CD_int))
                                .invokestatic(Jit.CD_INTEGER, "compareUnsigned", MethodTypeDesc.of(CD_int, CD_int, CD_int)).ifge(none);
                    } else {
                        mapOf(map);
                        cb.iload(TMP_INT).invokeinterface(CD_MAP, "contains", MethodTypeDesc.of(ConstantDescs.CD_boolean, CD_int)).ifeq(none);
                    }
                    cb.loadConstant(map).iload(TMP_INT).iconst_0().invokestatic(CD_ADDR, "mapValue", MethodTypeDesc.of(CD_long, CD_int, CD_int, CD_int)).goto_(done);
                    cb.labelBinding(none);
                    cb.lconst_0();
                    cb.labelBinding(done);
                }
                case Helpers.MAP_LOOKUP_ELEM, Helpers.MAP_DELETE_ELEM -> {
                    cb.aload(IN);
                    table();
                    cb.loadConstant(map);
                    stackRead(facts.stack[pc], 4);
                    cb.l2i();
                    access(x.imm() == Helpers.MAP_LOOKUP_ELEM ? "lookup" : "delete", CD_long, CD_INPUT, CD_TABLE, CD_int, CD_int);
                }
                case Helpers.MAP_UPDATE_ELEM -> {
                    cb.aload(IN);
                    table();
                    cb.loadConstant(map);
                    stackRead(facts.stack[pc], 4);
                    cb.l2i();
                    stackRead(facts.stack2[pc], 8);
                    access("update", CD_long, CD_INPUT, CD_TABLE, CD_int, CD_int, CD_long);
                }
                case Helpers.KTIME_GET_NS -> {
                    table();
                    access("ktime", CD_long, CD_TABLE);
                }
                case Helpers.GET_PRANDOM_U32 -> {
                    ClassDesc tlr = ClassDesc.of("java.util.concurrent.ThreadLocalRandom");
                    cb.invokestatic(tlr, "current", MethodTypeDesc.of(tlr)).invokevirtual(tlr, "nextInt", MethodTypeDesc.of(CD_int))
                            .i2l().loadConstant(0xFFFF_FFFFL).land();
                }
                case Helpers.SK_SELECT_REUSEPORT, Helpers.REDIRECT_MAP -> {
                    boolean socket = x.imm() == Helpers.SK_SELECT_REUSEPORT;
                    cb.aload(IN).loadConstant(tbl.maxEntries[map]);
                    if (socket) stackRead(facts.stack[pc], 4);
                    else cb.lload(slot(2)).loadConstant(0xFFFF_FFFFL).land();
                    access("select", CD_int, CD_INPUT, CD_int, CD_long);
                    cb.dup().istore(TMP_INT);
                    Label none = cb.newLabel(), done = cb.newLabel();
                    cb.iflt(none);
                    cb.iload(TMP_INT).istore(SELECTED).loadConstant(socket ? 0L : (long) Hook.XDP_REDIRECT).goto_(done);
                    cb.labelBinding(none);
                    if (socket) cb.loadConstant(HookMachine.ENOENT);
                    else cb.lload(slot(3)).loadConstant(3L).land();
                    cb.labelBinding(done);
                }
                default -> { dead(pc); return; }
            }
            cb.lstore(slot(0));
        }
    }
}
