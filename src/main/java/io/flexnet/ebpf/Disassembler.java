package io.flexnet.ebpf;

/**
 * Prints instructions in the syntax of the Linux verifier's log and {@code llvm-objdump}
 * ({@code r0 = *(u32 *)(r1 +4)}, {@code if r1 > 0x2 goto pc+3}), so a refusal reads like the kernel's.
 */
public final class Disassembler {
    private Disassembler() {}

    private static final String[] ALU_SYM = {"+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=", "neg", "%=", "^=", "=", "s>>=", "end"};
    private static final String[] JMP_SYM = {"goto", "==", ">", ">=", "&", "!=", "s>", "s>=", "call", "exit", "<", "<=", "s<", "s<="};

    /** Every instruction of {@code prog}, one per line, each with its slot index. */
    public static String program(Insn[] prog) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < prog.length; i++) {
            b.append(String.format("%4d: %s%n", i, insn(prog[i])));
            if (prog[i].isLddw()) i++;
        }
        return b.toString();
    }

    public static String insn(Insn x) {
        int c = x.cls();
        String d = "r" + x.dst(), s = "r" + x.src();
        switch (c) {
            case Insn.ALU, Insn.ALU64 -> {
                String p = c == Insn.ALU ? "w" : "r";
                String rd = p + x.dst();
                String src = x.regSource() ? p + x.src() : hex(x.imm());
                int op = x.op() >> 4;
                if (op >= ALU_SYM.length) return unknown(x);
                if (x.op() == Insn.NEG) return rd + " = -" + rd;
                if (x.op() == Insn.END) {
                    String kind = c == Insn.ALU64 ? "bswap" : x.regSource() ? "be" : "le";
                    return rd + " = " + kind + x.imm() + " " + rd;
                }
                if (x.op() == Insn.MOV && x.off() != 0) return rd + " = (s" + x.off() + ")" + p + x.src();
                String sym = ALU_SYM[op];
                if (x.off() == 1 && (x.op() == Insn.DIV || x.op() == Insn.MOD)) sym = "s" + sym;
                return rd + " " + sym + " " + src;
            }
            case Insn.JMP, Insn.JMP32 -> {
                int op = x.op();
                if (op == Insn.EXIT) return "exit";
                if (op == Insn.CALL) {
                    if (x.regSource()) return "callx " + d;
                    if (x.src() == Insn.CALL_LOCAL) return "call pc" + signed(x.imm());
                    String name = Helpers.name(x.imm());
                    return "call " + (name == null ? "" : name + "#") + x.imm();
                }
                if (op == Insn.JA) return c == Insn.JMP32 ? "gotol pc" + signed(x.imm()) : "goto pc" + signed(x.off());
                if ((op >> 4) >= JMP_SYM.length || op == 0xe0) return unknown(x);
                String p = c == Insn.JMP32 ? "w" : "r";
                return "if " + p + x.dst() + " " + JMP_SYM[op >> 4] + " " + (x.regSource() ? p + x.src() : hex(x.imm()))
                        + " goto pc" + signed(x.off());
            }
            case Insn.LD -> {
                if (!x.isLddw()) return unknown(x);
                return switch (x.src()) {
                    case Insn.PSEUDO_MAP_FD -> d + " = map[" + x.imm() + "]";
                    case Insn.PSEUDO_MAP_VALUE -> d + " = map_value[" + x.imm() + "] + " + (x.imm64() >>> 32);
                    default -> d + " = " + hex64(x.imm64()) + " ll";
                };
            }
            case Insn.LDX -> {
                String t = (x.mode() == Insn.MEMSX ? "s" : "u") + 8 * x.size();
                return d + " = *(" + t + " *)(" + s + " " + signed(x.off()) + ")";
            }
            case Insn.ST -> { return "*(u" + 8 * x.size() + " *)(" + d + " " + signed(x.off()) + ") = " + hex(x.imm()); }
            case Insn.STX -> {
                String t = "u" + 8 * x.size();
                String at = "(" + t + " *)(" + d + " " + signed(x.off()) + ")";
                if (x.mode() == Insn.MEM) return "*" + at + " = " + s;
                if (x.mode() != Insn.ATOMIC) return unknown(x);
                String w = x.size() == 8 ? "64" : "";
                String sr = (x.size() == 8 ? "r" : "w") + x.src();
                if (x.imm() == Insn.XCHG) return sr + " = atomic" + w + "_xchg(" + at + ", " + sr + ")";
                if (x.imm() == Insn.CMPXCHG) return (x.size() == 8 ? "r0" : "w0") + " = atomic" + w + "_cmpxchg(" + at + ", " + (x.size() == 8 ? "r0" : "w0") + ", " + sr + ")";
                String name = switch (x.imm() & ~Insn.FETCH) {
                    case Insn.ADD -> "add"; case Insn.OR -> "or"; case Insn.AND -> "and"; case Insn.XOR -> "xor"; default -> null;
                };
                if (name == null) return unknown(x);
                if ((x.imm() & Insn.FETCH) != 0) return sr + " = atomic" + w + "_fetch_" + name + "(" + at + ", " + sr + ")";
                String sym = switch (name) { case "add" -> "+="; case "or" -> "|="; case "and" -> "&="; default -> "^="; };
                return "lock *" + at + " " + sym + " " + sr;
            }
            default -> { return unknown(x); }
        }
    }

    private static String unknown(Insn x) {
        return String.format("(%02x) unknown opcode, dst r%d src r%d off %d imm %d", x.opcode(), x.dst(), x.src(), x.off(), x.imm());
    }

    private static String signed(int v) { return v >= 0 ? "+" + v : Integer.toString(v); }

    private static String hex(int v) { return v < 0 ? Integer.toString(v) : "0x" + Integer.toHexString(v); }

    private static String hex64(long v) { return "0x" + Long.toHexString(v); }
}
