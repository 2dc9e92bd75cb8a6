// A classic BPF program: checked once, then run by the reference interpreter or compiled (BpfCompiler).
package io.flexnet.interpose;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The filter machine of McCanne and Jacobson (USENIX 1993) as libpcap's {@code bpf_filter.c} runs it:
 * a 32-bit accumulator A, an index register X, sixteen scratch words M[], loads from the frame in
 * network order, jumps only forward. The program's result is how many bytes of the frame to keep; 0
 * rejects it. A load past the end of the frame rejects the frame, as in libpcap and the kernel.
 *
 * <p>{@link #of} checks a program the way libpcap's {@code bpf_validate} and the kernel's
 * {@code bpf_check_classic} do, so nothing checked here can misbehave when run: every opcode is
 * known, every jump lands inside the program, scratch indices are below 16, no division or shift by
 * a constant that is undefined, and the last instruction returns. A refusal names the instruction.
 *
 * <p>{@link #run} is the reference interpreter; {@link BpfCompiler} turns the same program into a
 * method for the per-packet path, and the tests hold the two to each other and to tcpdump.
 */
public final class ClassicBpf {
    // Instruction classes, sizes, modes, operations and sources, from pcap/bpf.h (= linux/bpf_common.h).
    static final int LD = 0x00, LDX = 0x01, ST = 0x02, STX = 0x03, ALU = 0x04, JMP = 0x05, RET = 0x06, MISC = 0x07;
    static final int W = 0x00, H = 0x08, B = 0x10;
    static final int IMM = 0x00, ABS = 0x20, IND = 0x40, MEM = 0x60, LEN = 0x80, MSH = 0xa0;
    static final int ADD = 0x00, SUB = 0x10, MUL = 0x20, DIV = 0x30, OR = 0x40, AND = 0x50, LSH = 0x60, RSH = 0x70,
            NEG = 0x80, MOD = 0x90, XOR = 0xa0;
    static final int JA = 0x00, JEQ = 0x10, JGT = 0x20, JGE = 0x30, JSET = 0x40;
    static final int K = 0x00, X = 0x08;
    static final int RET_A = 0x10;
    static final int TAX = 0x00, TXA = 0x80;
    /** BPF_MEMWORDS. */
    static final int MEMWORDS = 16;
    /** BPF_MAXINSNS of the kernel; libpcap's own programs are far shorter. */
    static final int MAX_INSNS = 4096;

    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    final int[] code, jt, jf, k;
    final boolean usesMemory;

    private ClassicBpf(int[] code, int[] jt, int[] jf, int[] k) {
        this.code = code;
        this.jt = jt;
        this.jf = jf;
        this.k = k;
        boolean mem = false;
        for (int c : code) {
            int cls = c & 0x07;
            if (cls == ST || cls == STX || (cls == LD || cls == LDX) && (c & 0xe0) == MEM) mem = true;
        }
        this.usesMemory = mem;
    }

    /**
     * Checks and wraps a program given as {@code code | jt << 16 | jf << 24, k} pairs, the layout
     * {@link Libpcap#compile} returns.
     *
     * @throws IllegalArgumentException naming the first bad instruction
     */
    public static ClassicBpf of(int[] pairs) {
        if (pairs.length % 2 != 0) throw new IllegalArgumentException("odd number of words in a BPF program");
        int n = pairs.length / 2;
        if (n == 0 || n > MAX_INSNS) {
            throw new IllegalArgumentException("a BPF program has 1 to " + MAX_INSNS + " instructions, got " + n);
        }
        int[] code = new int[n], jt = new int[n], jf = new int[n], k = new int[n];
        for (int i = 0; i < n; i++) {
            code[i] = pairs[2 * i] & 0xFFFF;
            jt[i] = pairs[2 * i] >>> 16 & 0xFF;
            jf[i] = pairs[2 * i] >>> 24;
            k[i] = pairs[2 * i + 1];
        }
        ClassicBpf p = new ClassicBpf(code, jt, jf, k);
        p.check();
        return p;
    }

    public int length() { return code.length; }

    private void check() {
        int n = code.length;
        for (int pc = 0; pc < n; pc++) {
            String bad = problem(pc, n);
            if (bad != null) throw new IllegalArgumentException("BPF instruction " + pc + " (" + insn(pc) + "): " + bad);
        }
        if ((code[n - 1] & 0x07) != RET) {
            throw new IllegalArgumentException("BPF instruction " + (n - 1) + " (" + insn(n - 1)
                    + "): the last instruction must return, or the program runs off its end");
        }
    }

    private String problem(int pc, int n) {
        int c = code[pc];
        long uk = k[pc] & 0xFFFF_FFFFL;
        switch (c & 0x07) {
            case LD -> {
                int mode = c & 0xe0, size = c & 0x18;
                if (mode == ABS || mode == IND) return size == W || size == H || size == B ? null : "unknown load size";
                if (size != W) return "unknown load";
                if (mode == IMM || mode == LEN) return null;
                if (mode == MEM) return uk < MEMWORDS ? null : "scratch index " + uk + " is not below " + MEMWORDS;
                return "unknown load mode";
            }
            case LDX -> {
                if (c == (LDX | W | IMM) || c == (LDX | W | LEN) || c == (LDX | B | MSH)) return null;
                if (c == (LDX | W | MEM)) return uk < MEMWORDS ? null : "scratch index " + uk + " is not below " + MEMWORDS;
                return "unknown LDX";
            }
            case ST, STX -> {
                if (c != ST && c != STX) return "unknown store";
                return uk < MEMWORDS ? null : "scratch index " + uk + " is not below " + MEMWORDS;
            }
            case ALU -> {
                int op = c & 0xf0;
                if ((c & ~0xf8) != ALU || op > XOR) return "unknown ALU operation";
                if (op == NEG) return (c & X) == 0 ? null : "unknown ALU operation";
                if ((c & X) == K && (op == DIV || op == MOD) && uk == 0) return "division by the constant 0";
                if ((c & X) == K && (op == LSH || op == RSH) && uk >= 32) return "shift by " + uk + " bits";
                return null;
            }
            case JMP -> {
                int op = c & 0xf0;
                if ((c & ~0xf8) != JMP || op > JSET) return "unknown jump";
                if (op == JA) {
                    if ((c & X) != 0) return "unknown jump";
                    return pc + 1 + uk < n ? null : "jumps past the end of the program";
                }
                return pc + 1 + jt[pc] < n && pc + 1 + jf[pc] < n ? null : "jumps past the end of the program";
            }
            case RET -> {
                return c == (RET | K) || c == (RET | RET_A) ? null : "unknown return";
            }
            default -> {
                return c == (MISC | TAX) || c == (MISC | TXA) ? null : "unknown MISC operation";
            }
        }
    }

    /**
     * Runs the program over {@code len} bytes of {@code s} at {@code off}, the whole frame: returns the
     * number of bytes to keep (0: reject), as {@code bpf_filter(prog, frame, len, len)} would.
     */
    public int run(MemorySegment s, long off, int len) {
        final int[] code = this.code, jt = this.jt, jf = this.jf, k = this.k;
        int[] mem = usesMemory ? new int[MEMWORDS] : null;
        int a = 0, x = 0;
        int pc = 0;
        while (true) {
            int c = code[pc], kk = k[pc];
            switch (c) {
                case LD | W | ABS -> { long at = kk & 0xFFFF_FFFFL; if (at + 4 > len) return 0; a = s.get(U32, off + at); }
                case LD | H | ABS -> { long at = kk & 0xFFFF_FFFFL; if (at + 2 > len) return 0; a = s.get(U16, off + at) & 0xFFFF; }
                case LD | B | ABS -> { long at = kk & 0xFFFF_FFFFL; if (at + 1 > len) return 0; a = s.get(ValueLayout.JAVA_BYTE, off + at) & 0xFF; }
                case LD | W | IND -> { long at = (kk & 0xFFFF_FFFFL) + (x & 0xFFFF_FFFFL); if (at + 4 > len) return 0; a = s.get(U32, off + at); }
                case LD | H | IND -> { long at = (kk & 0xFFFF_FFFFL) + (x & 0xFFFF_FFFFL); if (at + 2 > len) return 0; a = s.get(U16, off + at) & 0xFFFF; }
                case LD | B | IND -> { long at = (kk & 0xFFFF_FFFFL) + (x & 0xFFFF_FFFFL); if (at + 1 > len) return 0; a = s.get(ValueLayout.JAVA_BYTE, off + at) & 0xFF; }
                case LD | W | LEN -> a = len;
                case LDX | W | LEN -> x = len;
                case LD | W | IMM -> a = kk;
                case LDX | W | IMM -> x = kk;
                case LD | W | MEM -> a = mem[kk];
                case LDX | W | MEM -> x = mem[kk];
                case LDX | B | MSH -> { long at = kk & 0xFFFF_FFFFL; if (at + 1 > len) return 0; x = (s.get(ValueLayout.JAVA_BYTE, off + at) & 0x0f) << 2; }
                case ST -> mem[kk] = a;
                case STX -> mem[kk] = x;
                case ALU | ADD | K -> a += kk;
                case ALU | SUB | K -> a -= kk;
                case ALU | MUL | K -> a *= kk;
                case ALU | DIV | K -> a = Integer.divideUnsigned(a, kk);
                case ALU | MOD | K -> a = Integer.remainderUnsigned(a, kk);
                case ALU | AND | K -> a &= kk;
                case ALU | OR | K -> a |= kk;
                case ALU | XOR | K -> a ^= kk;
                case ALU | LSH | K -> a <<= kk;
                case ALU | RSH | K -> a >>>= kk;
                case ALU | ADD | X -> a += x;
                case ALU | SUB | X -> a -= x;
                case ALU | MUL | X -> a *= x;
                case ALU | DIV | X -> { if (x == 0) return 0; a = Integer.divideUnsigned(a, x); }
                case ALU | MOD | X -> { if (x == 0) return 0; a = Integer.remainderUnsigned(a, x); }
                case ALU | AND | X -> a &= x;
                case ALU | OR | X -> a |= x;
                case ALU | XOR | X -> a ^= x;
                // A shift by 32 or more leaves nothing, as libpcap's bpf_filter makes it (Java would wrap).
                case ALU | LSH | X -> a = (x & 0xFFFF_FFFFL) < 32 ? a << x : 0;
                case ALU | RSH | X -> a = (x & 0xFFFF_FFFFL) < 32 ? a >>> x : 0;
                case ALU | NEG -> a = -a;
                case JMP | JA -> pc += kk;
                case JMP | JEQ | K -> pc += a == kk ? jt[pc] : jf[pc];
                case JMP | JGT | K -> pc += Integer.compareUnsigned(a, kk) > 0 ? jt[pc] : jf[pc];
                case JMP | JGE | K -> pc += Integer.compareUnsigned(a, kk) >= 0 ? jt[pc] : jf[pc];
                case JMP | JSET | K -> pc += (a & kk) != 0 ? jt[pc] : jf[pc];
                case JMP | JEQ | X -> pc += a == x ? jt[pc] : jf[pc];
                case JMP | JGT | X -> pc += Integer.compareUnsigned(a, x) > 0 ? jt[pc] : jf[pc];
                case JMP | JGE | X -> pc += Integer.compareUnsigned(a, x) >= 0 ? jt[pc] : jf[pc];
                case JMP | JSET | X -> pc += (a & x) != 0 ? jt[pc] : jf[pc];
                case RET | K -> { return kk; }
                case RET | RET_A -> { return a; }
                case MISC | TAX -> x = a;
                case MISC | TXA -> a = x;
                default -> throw new IllegalStateException("unchecked opcode " + c);  // of() refuses it
            }
            pc++;
        }
    }

    /** The program as {@code tcpdump -d} prints it, one instruction a line. */
    public List<String> disassemble() {
        List<String> out = new ArrayList<>(code.length);
        for (int pc = 0; pc < code.length; pc++) out.add(String.format("(%03d) %s", pc, insn(pc)));
        return out;
    }

    @Override
    public String toString() { return String.join("\n", disassemble()); }

    /** One instruction in tcpdump's words, jump targets absolute. */
    String insn(int pc) {
        int c = code[pc], kk = k[pc];
        String hex = "#0x" + Integer.toHexString(kk);
        String size = switch (c & 0x18) { case H -> "h"; case B -> "b"; default -> ""; };
        return switch (c & 0x07) {
            case LD -> switch (c & 0xe0) {
                case ABS -> "ld" + size + "      [" + Integer.toUnsignedString(kk) + "]";
                case IND -> "ld" + size + "      [x + " + Integer.toUnsignedString(kk) + "]";
                case IMM -> "ld       " + hex;
                case LEN -> "ld       #pktlen";
                case MEM -> "ld       M[" + kk + "]";
                default -> "ld?      " + Integer.toHexString(c);
            };
            case LDX -> switch (c & 0xe0) {
                case IMM -> "ldx      " + hex;
                case LEN -> "ldx      #pktlen";
                case MEM -> "ldx      M[" + kk + "]";
                case MSH -> "ldxb     4*([" + kk + "]&0xf)";
                default -> "ldx?     " + Integer.toHexString(c);
            };
            case ST -> "st       M[" + kk + "]";
            case STX -> "stx      M[" + kk + "]";
            case ALU -> {
                String[] ops = {"add", "sub", "mul", "div", "or", "and", "lsh", "rsh", "neg", "mod", "xor"};
                int op = (c & 0xf0) >>> 4;
                String name = op < ops.length ? ops[op] : "alu?";
                yield op == 8 ? "neg" : String.format("%-8s %s", name, (c & X) != 0 ? "x" : hex);
            }
            case JMP -> {
                String[] ops = {"ja", "jeq", "jgt", "jge", "jset"};
                int op = (c & 0xf0) >>> 4;
                String name = op < ops.length ? ops[op] : "j?";
                if (op == 0) yield "ja       " + (pc + 1 + kk);
                yield String.format("%-8s %-10s jt %d\tjf %d", name, (c & X) != 0 ? "x" : hex, pc + 1 + jt[pc],
                        pc + 1 + jf[pc]);
            }
            case RET -> (c & 0x18) == RET_A ? "ret      a" : "ret      #" + Integer.toUnsignedString(kk);
            default -> (c & 0xf8) == TXA ? "txa" : "tax";
        };
    }
}
