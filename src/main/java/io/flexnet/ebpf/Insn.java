package io.flexnet.ebpf;

import java.util.Arrays;

/**
 * One eBPF instruction slot (RFC 9669 §3): opcode, destination and source registers, a signed 16-bit
 * offset and a signed 32-bit immediate. A 64-bit immediate load ({@code lddw}) takes two slots; the
 * first carries the whole constant in {@link #imm64}, the second is kept as a placeholder so that jump
 * offsets, which count slots, stay what the compiler wrote.
 */
public record Insn(int opcode, int dst, int src, int off, int imm, long imm64) {
    // Classes (low three bits of the opcode).
    public static final int LD = 0x00, LDX = 0x01, ST = 0x02, STX = 0x03, ALU = 0x04, JMP = 0x05, JMP32 = 0x06, ALU64 = 0x07;
    // Source bit of arithmetic and jump instructions.
    public static final int K = 0x00, X = 0x08;
    // Arithmetic operations (high four bits).
    public static final int ADD = 0x00, SUB = 0x10, MUL = 0x20, DIV = 0x30, OR = 0x40, AND = 0x50, LSH = 0x60, RSH = 0x70,
            NEG = 0x80, MOD = 0x90, XOR = 0xa0, MOV = 0xb0, ARSH = 0xc0, END = 0xd0;
    // Jump operations (high four bits).
    public static final int JA = 0x00, JEQ = 0x10, JGT = 0x20, JGE = 0x30, JSET = 0x40, JNE = 0x50, JSGT = 0x60, JSGE = 0x70,
            CALL = 0x80, EXIT = 0x90, JLT = 0xa0, JLE = 0xb0, JSLT = 0xc0, JSLE = 0xd0;
    // Memory: mode (high three bits) and size (bits 3-4).
    public static final int IMM = 0x00, MEM = 0x60, MEMSX = 0x80, ATOMIC = 0xc0;
    public static final int W = 0x00, H = 0x08, B = 0x10, DW = 0x18;
    // Atomic operations in the immediate.
    public static final int FETCH = 0x01, XCHG = 0xe0 | FETCH, CMPXCHG = 0xf0 | FETCH;
    /** lddw source values naming what the immediate refers to (Linux's pseudo sources). */
    public static final int PSEUDO_MAP_FD = 1, PSEUDO_MAP_VALUE = 2;
    /** call source values: a helper by number, a function in this program. */
    public static final int CALL_HELPER = 0, CALL_LOCAL = 1;

    public static final int LDDW = LD | IMM | DW;

    public int cls() { return opcode & 0x07; }
    public int op() { return opcode & 0xf0; }
    public int mode() { return opcode & 0xe0; }
    public boolean regSource() { return (opcode & X) != 0; }
    /** Access width in bytes of a load, store or atomic. */
    public int size() { return sizeOf(opcode); }
    public boolean isLddw() { return opcode == LDDW; }
    public boolean isJump() { int c = cls(); return (c == JMP || c == JMP32) && op() != CALL && op() != EXIT; }
    public boolean isExit() { return cls() == JMP && op() == EXIT; }
    public boolean isCall() { return cls() == JMP && op() == CALL; }
    /** Target slot of a jump at slot {@code pc}; {@code ja32} (JMP32|JA) jumps by the immediate. */
    public int target(int pc) { return pc + 1 + (cls() == JMP32 && op() == JA ? imm : off); }

    static int sizeOf(int opcode) {
        return switch (opcode & 0x18) { case W -> 4; case H -> 2; case B -> 1; default -> 8; };
    }

    /** The filler of a {@code lddw}'s second slot. */
    static Insn filler(int imm) { return new Insn(0, 0, 0, 0, imm, 0); }

    /**
     * Decodes little-endian instruction words. Throws {@link IllegalArgumentException} naming the slot
     * when the length is not a whole number of slots or a {@code lddw} lacks its second slot; opcodes
     * are checked later (the verifier and {@link #known}).
     */
    public static Insn[] decode(byte[] code, int from, int length) {
        if (length % 8 != 0) throw new IllegalArgumentException("code of " + length + " bytes is not a whole number of 8-byte instructions");
        int n = length / 8;
        Insn[] out = new Insn[n];
        for (int i = 0; i < n; i++) {
            int p = from + 8 * i;
            int opcode = code[p] & 0xff;
            int regs = code[p + 1] & 0xff;
            int off = (short) ((code[p + 2] & 0xff) | (code[p + 3] & 0xff) << 8);
            int imm = le32(code, p + 4);
            if (opcode == LDDW) {
                if (i + 1 >= n) throw new IllegalArgumentException("insn " + i + ": lddw without its second slot");
                int hi = le32(code, p + 12);
                long v = (imm & 0xFFFF_FFFFL) | (long) hi << 32;
                out[i] = new Insn(opcode, regs & 0xf, regs >>> 4, off, imm, v);
                out[i + 1] = filler(hi);
                i++;
                continue;
            }
            out[i] = new Insn(opcode, regs & 0xf, regs >>> 4, off, imm, 0);
        }
        return out;
    }

    public static Insn[] decode(byte[] code) { return decode(code, 0, code.length); }

    /** Encodes back into little-endian words (the inverse of {@link #decode}). */
    public static byte[] encode(Insn[] prog) {
        byte[] b = new byte[prog.length * 8];
        for (int i = 0; i < prog.length; i++) {
            Insn x = prog[i];
            int p = 8 * i;
            b[p] = (byte) x.opcode;
            b[p + 1] = (byte) (x.dst | x.src << 4);
            b[p + 2] = (byte) x.off;
            b[p + 3] = (byte) (x.off >> 8);
            int imm = x.opcode == LDDW ? (int) x.imm64 : x.imm;
            for (int k = 0; k < 4; k++) b[p + 4 + k] = (byte) (imm >> 8 * k);
            if (x.opcode == LDDW && i + 1 < prog.length) {
                int hi = (int) (x.imm64 >>> 32);
                for (int k = 0; k < 4; k++) b[p + 12 + k] = (byte) (hi >> 8 * k);
                i++;
            }
        }
        return b;
    }

    static int le32(byte[] b, int p) {
        return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff) << 16 | (b[p + 3] & 0xff) << 24;
    }

    /** Whether the opcode (with its offset and immediate where they select a variant) is in RFC 9669's set. */
    public boolean known() {
        int c = cls();
        switch (c) {
            case ALU, ALU64 -> {
                int op = op();
                if (op == END) return (imm == 16 || imm == 32 || imm == 64) && (c == ALU || !regSource());
                if (op == NEG) return !regSource();
                if (op == DIV || op == MOD) return off == 0 || off == 1;
                if (op == MOV) return off == 0 || (regSource() && (off == 8 || off == 16 || (off == 32 && c == ALU64)));
                return op <= ARSH;
            }
            case JMP, JMP32 -> {
                int op = op();
                if (op == CALL) return c == JMP && (regSource() ? src == 0 : src == CALL_HELPER || src == CALL_LOCAL);
                if (op == EXIT) return c == JMP && !regSource();
                if (op == JA) return !regSource();
                return op <= JSLE && op != 0xe0;
            }
            case LD -> { return opcode == LDDW && src <= PSEUDO_MAP_VALUE; }
            case LDX -> { return mode() == MEM || (mode() == MEMSX && size() < 8); }
            case ST -> { return mode() == MEM; }
            case STX -> {
                if (mode() == MEM) return true;
                if (mode() != ATOMIC || size() < 4) return false;
                int a = imm & ~FETCH;
                return a == ADD || a == OR || a == AND || a == XOR || imm == XCHG || imm == CMPXCHG;
            }
            default -> { return false; }
        }
    }

    @Override
    public String toString() { return Disassembler.insn(this); }

    @Override
    public boolean equals(Object o) {
        return o instanceof Insn x && x.opcode == opcode && x.dst == dst && x.src == src && x.off == off && x.imm == imm && x.imm64 == imm64;
    }

    @Override
    public int hashCode() { return Arrays.hashCode(new long[] {opcode, dst, src, off, imm, imm64}); }
}
