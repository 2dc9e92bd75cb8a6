package io.flexnet.ebpf;

/**
 * Runs a program one instruction at a time, as RFC 9669 describes each, through a {@link Machine}
 * that checks every memory access. The reference the JIT is tested against, and the runner of
 * programs nobody verified: it stops any run at its instruction budget.
 */
public final class Interpreter {
    private final Insn[] prog;
    private final long budget;

    public Interpreter(Insn[] prog, long budget) {
        this.prog = prog;
        this.budget = budget;
    }

    /** Runs from slot 0 with {@code r1} and {@code r2} set, returning {@code r0}. */
    public long run(Machine m, long r1, long r2) {
        final Insn[] p = prog;
        long[] r = new long[11];
        long[] saved = new long[Machine.MAX_FRAMES * 5];  // r6-r9 and the return slot, per call depth
        int depth = 0;
        r[1] = r1;
        r[2] = r2;
        r[10] = Machine.frame(0);
        long steps = 0;
        int pc = 0;
        try {
            while (true) {
                if (pc < 0 || pc >= p.length) throw new BpfFault("pc " + pc + " outside the program's " + p.length + " slots");
                if (++steps > budget) throw new BpfFault("instruction budget of " + budget + " exceeded at pc " + pc);
                Insn x = p[pc];
                int cls = x.cls();
                switch (cls) {
                    case Insn.ALU64 -> {
                        long s = x.regSource() ? r[x.src()] : x.imm();
                        r[checkDst(x)] = alu64(x, r[x.dst()], s);
                    }
                    case Insn.ALU -> {
                        if (x.op() == Insn.END) { r[checkDst(x)] = end(x, r[x.dst()]); break; }
                        int s = x.regSource() ? (int) r[x.src()] : x.imm();
                        r[checkDst(x)] = alu32(x, (int) r[x.dst()], s) & 0xFFFF_FFFFL;
                    }
                    case Insn.LD -> {
                        if (!x.isLddw()) throw unknown(x, pc);
                        r[checkDst(x)] = switch (x.src()) {
                            case 0 -> x.imm64();
                            case Insn.PSEUDO_MAP_FD -> Addr.of(Addr.MAP, x.imm());
                            case Insn.PSEUDO_MAP_VALUE -> Addr.mapValue(x.imm(), 0, (int) (x.imm64() >>> 32));
                            default -> throw unknown(x, pc);
                        };
                        pc++;
                    }
                    case Insn.LDX -> {
                        long v = m.load(r[x.src()] + x.off(), x.size());
                        if (x.mode() == Insn.MEMSX) v = signExtend(v, x.size());
                        else if (x.mode() != Insn.MEM) throw unknown(x, pc);
                        r[checkDst(x)] = v;
                    }
                    case Insn.ST -> {
                        if (x.mode() != Insn.MEM) throw unknown(x, pc);
                        m.store(r[x.dst()] + x.off(), x.size(), x.imm());
                    }
                    case Insn.STX -> {
                        long a = r[x.dst()] + x.off();
                        if (x.mode() == Insn.MEM) m.store(a, x.size(), r[x.src()]);
                        else if (x.mode() == Insn.ATOMIC && x.known()) atomic(x, m, a, r);
                        else throw unknown(x, pc);
                    }
                    case Insn.JMP, Insn.JMP32 -> {
                        int op = x.op();
                        if (op == Insn.EXIT) {
                            if (depth == 0) return r[0];
                            depth--;
                            int b = depth * 5;
                            r[6] = saved[b]; r[7] = saved[b + 1]; r[8] = saved[b + 2]; r[9] = saved[b + 3];
                            pc = (int) saved[b + 4];
                            r[10] = Machine.frame(depth);
                            continue;
                        }
                        if (op == Insn.CALL) {
                            if (x.regSource()) {
                                r[0] = m.helper((int) r[x.dst()], r[1], r[2], r[3], r[4], r[5]);
                            } else if (x.src() == Insn.CALL_LOCAL) {
                                if (depth + 1 >= Machine.MAX_FRAMES) throw new BpfFault("pc " + pc + ": calls nested deeper than " + Machine.MAX_FRAMES);
                                int b = depth * 5;
                                saved[b] = r[6]; saved[b + 1] = r[7]; saved[b + 2] = r[8]; saved[b + 3] = r[9];
                                saved[b + 4] = pc + 1;
                                depth++;
                                r[10] = Machine.frame(depth);
                                pc = pc + 1 + x.imm();
                                continue;
                            } else {
                                r[0] = m.helper(x.imm(), r[1], r[2], r[3], r[4], r[5]);
                            }
                            break;
                        }
                        if (!x.known()) throw unknown(x, pc);
                        if (op == Insn.JA) { pc = x.target(pc); continue; }
                        boolean taken = cls == Insn.JMP
                                ? cond(op, r[x.dst()], x.regSource() ? r[x.src()] : x.imm())
                                : cond32(op, (int) r[x.dst()], x.regSource() ? (int) r[x.src()] : x.imm());
                        if (taken) { pc = x.target(pc); continue; }
                    }
                    default -> throw unknown(x, pc);
                }
                pc++;
            }
        } finally {
            m.steps = steps;
        }
    }

    private static int checkDst(Insn x) {
        if (x.dst() > 9) throw new BpfFault("write to r" + x.dst());
        return x.dst();
    }

    private static BpfFault unknown(Insn x, int pc) { return new BpfFault("pc " + pc + ": unknown instruction " + Disassembler.insn(x)); }

    private static void atomic(Insn x, Machine m, long a, long[] r) {
        int size = x.size();
        long operand = r[x.src()];
        if (size == 4) operand &= 0xFFFF_FFFFL;
        long old = m.atomic(x.imm(), a, size, operand, r[0]);
        if (x.imm() == Insn.CMPXCHG) r[0] = old;
        else if ((x.imm() & Insn.FETCH) != 0) r[x.src()] = old;
    }

    static long alu64(Insn x, long d, long s) {
        return switch (x.op()) {
            case Insn.ADD -> d + s;
            case Insn.SUB -> d - s;
            case Insn.MUL -> d * s;
            case Insn.DIV -> s == 0 ? 0 : x.off() == 1 ? d / s : Long.divideUnsigned(d, s);
            case Insn.OR -> d | s;
            case Insn.AND -> d & s;
            case Insn.LSH -> d << s;
            case Insn.RSH -> d >>> s;
            case Insn.NEG -> -d;
            case Insn.MOD -> s == 0 ? d : x.off() == 1 ? d % s : Long.remainderUnsigned(d, s);
            case Insn.XOR -> d ^ s;
            case Insn.MOV -> switch (x.off()) { case 8 -> (byte) s; case 16 -> (short) s; case 32 -> (int) s; default -> s; };
            case Insn.ARSH -> d >> s;
            case Insn.END -> end(x, d);
            default -> throw new BpfFault("unknown instruction " + Disassembler.insn(x));
        };
    }

    static long alu32(Insn x, int d, int s) {
        return switch (x.op()) {
            case Insn.ADD -> d + s;
            case Insn.SUB -> d - s;
            case Insn.MUL -> d * s;
            case Insn.DIV -> s == 0 ? 0 : x.off() == 1 ? d / s : Integer.divideUnsigned(d, s);
            case Insn.OR -> d | s;
            case Insn.AND -> d & s;
            case Insn.LSH -> d << s;
            case Insn.RSH -> d >>> s;
            case Insn.NEG -> -d;
            case Insn.MOD -> s == 0 ? d : x.off() == 1 ? d % s : Integer.remainderUnsigned(d, s);
            case Insn.XOR -> d ^ s;
            case Insn.MOV -> switch (x.off()) { case 8 -> (byte) s; case 16 -> (short) s; default -> s; };
            case Insn.ARSH -> d >> s;
            default -> throw new BpfFault("unknown instruction " + Disassembler.insn(x));
        };
    }

    /**
     * Byte order conversion: ALU64 swaps unconditionally, ALU converts from host order (little-endian)
     * to the named one; both keep only {@code imm} bits.
     */
    static long end(Insn x, long d) {
        boolean swap = x.cls() == Insn.ALU64 || x.regSource();
        return switch (x.imm()) {
            case 16 -> swap ? Short.reverseBytes((short) d) & 0xFFFFL : d & 0xFFFFL;
            case 32 -> swap ? Integer.reverseBytes((int) d) & 0xFFFF_FFFFL : d & 0xFFFF_FFFFL;
            default -> swap ? Long.reverseBytes(d) : d;
        };
    }

    static boolean cond(int op, long a, long b) {
        return switch (op) {
            case Insn.JEQ -> a == b;
            case Insn.JNE -> a != b;
            case Insn.JGT -> Long.compareUnsigned(a, b) > 0;
            case Insn.JGE -> Long.compareUnsigned(a, b) >= 0;
            case Insn.JLT -> Long.compareUnsigned(a, b) < 0;
            case Insn.JLE -> Long.compareUnsigned(a, b) <= 0;
            case Insn.JSGT -> a > b;
            case Insn.JSGE -> a >= b;
            case Insn.JSLT -> a < b;
            case Insn.JSLE -> a <= b;
            case Insn.JSET -> (a & b) != 0;
            default -> throw new BpfFault("unknown jump 0x" + Integer.toHexString(op));
        };
    }

    static boolean cond32(int op, int a, int b) {
        return switch (op) {
            case Insn.JEQ -> a == b;
            case Insn.JNE -> a != b;
            case Insn.JGT -> Integer.compareUnsigned(a, b) > 0;
            case Insn.JGE -> Integer.compareUnsigned(a, b) >= 0;
            case Insn.JLT -> Integer.compareUnsigned(a, b) < 0;
            case Insn.JLE -> Integer.compareUnsigned(a, b) <= 0;
            case Insn.JSGT -> a > b;
            case Insn.JSGE -> a >= b;
            case Insn.JSLT -> a < b;
            case Insn.JSLE -> a <= b;
            case Insn.JSET -> (a & b) != 0;
            default -> throw new BpfFault("unknown jump 0x" + Integer.toHexString(op));
        };
    }

    static long signExtend(long v, int size) {
        return switch (size) { case 1 -> (byte) v; case 2 -> (short) v; case 4 -> (int) v; default -> v; };
    }
}
