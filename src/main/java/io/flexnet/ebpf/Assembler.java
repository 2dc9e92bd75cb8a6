package io.flexnet.ebpf;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Assembles the bpf_conformance suite's syntax ({@code mov32 %r0, 0}, {@code ldxdw %r0, [%r1+8]},
 * {@code lock fetch add [%r10-8], %r1}, {@code jne %r0, 15, label}), so the suite's files run here
 * exactly as written. Labels end in a colon; the first {@code exit} is also the label {@code exit}, as
 * the suite's own assembler has it. Errors name the line.
 */
public final class Assembler {
    private static final Map<String, Integer> ALU = Map.ofEntries(
            Map.entry("add", Insn.ADD), Map.entry("sub", Insn.SUB), Map.entry("mul", Insn.MUL), Map.entry("div", Insn.DIV),
            Map.entry("sdiv", Insn.DIV), Map.entry("or", Insn.OR), Map.entry("and", Insn.AND), Map.entry("lsh", Insn.LSH),
            Map.entry("rsh", Insn.RSH), Map.entry("neg", Insn.NEG), Map.entry("mod", Insn.MOD), Map.entry("smod", Insn.MOD),
            Map.entry("xor", Insn.XOR), Map.entry("mov", Insn.MOV), Map.entry("arsh", Insn.ARSH));
    private static final Map<String, Integer> JMP = Map.ofEntries(
            Map.entry("jeq", Insn.JEQ), Map.entry("jgt", Insn.JGT), Map.entry("jge", Insn.JGE), Map.entry("jset", Insn.JSET),
            Map.entry("jne", Insn.JNE), Map.entry("jsgt", Insn.JSGT), Map.entry("jsge", Insn.JSGE), Map.entry("jlt", Insn.JLT),
            Map.entry("jle", Insn.JLE), Map.entry("jslt", Insn.JSLT), Map.entry("jsle", Insn.JSLE));
    private static final Map<String, Integer> SIZE = Map.of("b", Insn.B, "h", Insn.H, "w", Insn.W, "dw", Insn.DW);

    private Assembler() {}

    /** The program in {@code source}; throws {@link IllegalArgumentException} naming the line of a mistake. */
    public static Insn[] assemble(String source) {
        List<Insn> out = new ArrayList<>();
        Map<String, Integer> labels = new HashMap<>();
        List<Object[]> fixups = new ArrayList<>();  // {slot, label, line}
        boolean sawExit = false;
        String[] lines = source.split("\n", -1);
        for (int ln = 0; ln < lines.length; ln++) {
            String line = lines[ln];
            int hash = line.indexOf('#');
            if (hash >= 0) line = line.substring(0, hash);
            line = line.trim();
            if (line.isEmpty()) continue;
            String[] tok = line.split("[\\s,]+");
            String m = tok[0];
            try {
                if (m.endsWith(":")) {
                    String label = m.substring(0, m.length() - 1);
                    if (labels.putIfAbsent(label, out.size()) != null) throw new IllegalArgumentException("duplicate label " + label);
                    continue;
                }
                if (m.equals("exit") && !sawExit) {
                    labels.put("exit", out.size());
                    sawExit = true;
                }
                int slot = out.size();
                String target = one(tok, m, out);
                if (target != null) fixups.add(new Object[] {slot, target, ln + 1});
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("line " + (ln + 1) + " '" + lines[ln].trim() + "': " + e.getMessage(), e);
            }
        }
        for (Object[] f : fixups) {
            int slot = (Integer) f[0];
            Integer at = labels.get((String) f[1]);
            if (at == null) throw new IllegalArgumentException("line " + f[2] + ": no label " + f[1]);
            Insn x = out.get(slot);
            int rel = at - slot - 1;
            boolean byImm = x.isCall() || (x.cls() == Insn.JMP32 && x.op() == Insn.JA);
            out.set(slot, new Insn(x.opcode(), x.dst(), x.src(), byImm ? 0 : (short) rel, byImm ? rel : x.imm(), 0));
        }
        return out.toArray(Insn[]::new);
    }

    /** Appends one instruction; returns a label still to resolve, or null. */
    private static String one(String[] t, String m, List<Insn> out) {
        if (m.equals("exit")) { out.add(new Insn(Insn.JMP | Insn.EXIT, 0, 0, 0, 0, 0)); return null; }
        if (m.equals("ja") || m.equals("ja32")) {
            boolean wide = m.equals("ja32");
            int cls = wide ? Insn.JMP32 : Insn.JMP;
            if (isNumber(t[1])) {
                int rel = (int) number(t[1]);
                out.add(new Insn(cls | Insn.JA, 0, 0, wide ? 0 : (short) rel, wide ? rel : 0, 0));
                return null;
            }
            out.add(new Insn(cls | Insn.JA, 0, 0, 0, 0, 0));
            return t[1];
        }
        if (m.equals("call")) {
            if (t.length == 3 && t[1].equals("local")) { out.add(new Insn(Insn.JMP | Insn.CALL, 0, Insn.CALL_LOCAL, 0, 0, 0)); return t[2]; }
            String target = t[t.length - 1];
            if (target.startsWith("%")) out.add(new Insn(Insn.JMP | Insn.CALL | Insn.X, reg(target), 0, 0, 0, 0));
            else out.add(new Insn(Insn.JMP | Insn.CALL, 0, 0, 0, (int) number(target), 0));
            return null;
        }
        if (m.equals("lddw")) {
            if (t[2].startsWith("map:")) {  // a map reference, as a loader resolves one: lddw %r1, map:0
                int idx = Integer.parseInt(t[2].substring(4));
                out.add(new Insn(Insn.LDDW, reg(t[1]), Insn.PSEUDO_MAP_FD, 0, idx, idx));
                out.add(Insn.filler(0));
                return null;
            }
            long v = number(t[2]);
            out.add(new Insn(Insn.LDDW, reg(t[1]), 0, 0, (int) v, v));
            out.add(Insn.filler((int) (v >>> 32)));
            return null;
        }
        if (m.equals("lock")) {
            int i = 1;
            boolean fetch = t[i].equals("fetch");
            if (fetch) i++;
            String op = t[i++];
            boolean w32 = op.endsWith("32");
            if (w32) op = op.substring(0, op.length() - 2);
            int imm = switch (op) {
                case "add" -> Insn.ADD; case "or" -> Insn.OR; case "and" -> Insn.AND; case "xor" -> Insn.XOR;
                case "xchg" -> Insn.XCHG; case "cmpxchg" -> Insn.CMPXCHG;
                default -> throw new IllegalArgumentException("unknown atomic operation " + op);
            };
            if (fetch) imm |= Insn.FETCH;
            long[] mem = memory(t[i]);
            out.add(new Insn(Insn.STX | Insn.ATOMIC | (w32 ? Insn.W : Insn.DW), (int) mem[0], reg(t[i + 1]), (int) mem[1], imm, 0));
            return null;
        }
        for (String p : new String[] {"ldxs", "ldx", "stx", "st"}) {
            if (m.startsWith(p) && SIZE.containsKey(m.substring(p.length()))) {
                int size = SIZE.get(m.substring(p.length()));
                switch (p) {
                    case "ldx", "ldxs" -> {
                        long[] mem = memory(t[2]);
                        out.add(new Insn(Insn.LDX | (p.equals("ldxs") ? Insn.MEMSX : Insn.MEM) | size, reg(t[1]), (int) mem[0], (int) mem[1], 0, 0));
                    }
                    case "stx" -> {
                        long[] mem = memory(t[1]);
                        out.add(new Insn(Insn.STX | Insn.MEM | size, (int) mem[0], reg(t[2]), (int) mem[1], 0, 0));
                    }
                    default -> {
                        long[] mem = memory(t[1]);
                        out.add(new Insn(Insn.ST | Insn.MEM | size, (int) mem[0], 0, (int) mem[1], (int) number(t[2]), 0));
                    }
                }
                return null;
            }
        }
        for (String p : new String[] {"be", "le", "bswap", "swap"}) {
            if (m.startsWith(p) && m.substring(p.length()).matches("16|32|64")) {
                int bits = Integer.parseInt(m.substring(p.length()));
                int opcode = p.endsWith("swap") ? Insn.ALU64 | Insn.END : Insn.ALU | Insn.END | (p.equals("be") ? Insn.X : Insn.K);
                out.add(new Insn(opcode, reg(t[1]), 0, 0, bits, 0));
                return null;
            }
        }
        String base = m;
        int cls = Insn.ALU64;
        boolean jump32 = false;
        if (m.endsWith("32")) { base = m.substring(0, m.length() - 2); cls = Insn.ALU; jump32 = true; }
        else if (m.endsWith("64")) base = m.substring(0, m.length() - 2);
        Integer j = JMP.get(base);
        if (j != null) {
            int jc = jump32 ? Insn.JMP32 : Insn.JMP;
            boolean r = t[2].startsWith("%");
            int src = r ? reg(t[2]) : 0, imm = r ? 0 : (int) number(t[3 - 1]);
            if (isNumber(t[3])) {
                out.add(new Insn(jc | j | (r ? Insn.X : Insn.K), reg(t[1]), src, (short) number(t[3]), imm, 0));
                return null;
            }
            out.add(new Insn(jc | j | (r ? Insn.X : Insn.K), reg(t[1]), src, 0, imm, 0));
            return t[3];
        }
        int off = 0;
        if (base.startsWith("movsx")) {
            off = Integer.parseInt(base.substring(5));
            base = "mov";
        }
        if (base.equals("sdiv") || base.equals("smod")) off = 1;
        Integer a = ALU.get(base);
        if (a == null) throw new IllegalArgumentException("unknown mnemonic " + m);
        if (a == Insn.NEG) { out.add(new Insn(cls | Insn.NEG, reg(t[1]), 0, 0, 0, 0)); return null; }
        boolean r = t[2].startsWith("%");
        out.add(new Insn(cls | a | (r ? Insn.X : Insn.K), reg(t[1]), r ? reg(t[2]) : 0, off, r ? 0 : (int) number(t[2]), 0));
        return null;
    }

    private static int reg(String s) {
        if (!s.matches("%r([0-9]|1[0-5])")) throw new IllegalArgumentException("bad register " + s);
        return Integer.parseInt(s.substring(2));
    }

    /** {@code [%rN+off]} as {reg, off}. */
    private static long[] memory(String s) {
        if (!s.startsWith("[") || !s.endsWith("]")) throw new IllegalArgumentException("bad memory operand " + s);
        String in = s.substring(1, s.length() - 1);
        int sign = Math.max(in.indexOf('+'), in.indexOf('-'));
        if (sign < 0) return new long[] {reg(in), 0};
        return new long[] {reg(in.substring(0, sign)), (short) number(in.substring(sign))};
    }

    private static boolean isNumber(String s) { return s.matches("[+-]?(0x[0-9a-fA-F]+|[0-9]+)"); }

    /** A number as the suite writes it: decimal or hex, optionally signed, wrapping modulo 2^64. */
    static long number(String s) {
        boolean neg = s.startsWith("-");
        if (neg || s.startsWith("+")) s = s.substring(1);
        long v = s.startsWith("0x") ? Long.parseUnsignedLong(s.substring(2), 16) : Long.parseUnsignedLong(s);
        return neg ? -v : v;
    }
}
