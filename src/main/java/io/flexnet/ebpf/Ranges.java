package io.flexnet.ebpf;

/**
 * What the verifier knows of a scalar register's value, as unsigned and signed ranges
 * ({@link Reg#umin}..{@link Reg#umax}, {@link Reg#smin}..{@link Reg#smax}): the range an ALU operation
 * yields from its operands' ranges, and the ranges a conditional jump leaves on each of its outcomes.
 * Sound, not exact: where a range cannot be bounded it widens to every value (as Linux's tnum-free
 * bounds do), never narrows.
 *
 * <pre>{@code
 * Reg sum = Ranges.scalar64(addInsn, Reg.unsigned(0, 10), Reg.constant(5));      // 5..15
 * Reg[] taken = Ranges.refine(Insn.JGT, Reg.upTo(100), Reg.constant(50), true);  // 51..100, 50
 * }</pre>
 */
final class Ranges {
    private Ranges() {}

    static Reg scalar64(Insn x, Reg a, Reg b) {
        int op = x.op();
        if (a.known() && b.known() || op == Insn.NEG && a.known()) return Reg.constant(Interpreter.alu64(x, a.umin, b.umin));
        switch (op) {
            case Insn.ADD -> {
                Reg u = noWrapAdd(a.umin, a.umax, b.umin, b.umax);
                return u != null ? u : Reg.UNKNOWN;
            }
            case Insn.SUB -> {
                if (Long.compareUnsigned(a.umin, b.umax) >= 0) return Reg.unsigned(a.umin - b.umax, a.umax - b.umin);
                return Reg.UNKNOWN;
            }
            case Insn.MUL -> {
                if (Long.compareUnsigned(a.umax, 0xFFFF_FFFFL) <= 0 && Long.compareUnsigned(b.umax, 0xFFFF_FFFFL) <= 0) {
                    return Reg.unsigned(a.umin * b.umin, a.umax * b.umax);
                }
                return Reg.UNKNOWN;
            }
            case Insn.AND -> { return Reg.upTo(Long.compareUnsigned(a.umax, b.umax) < 0 ? a.umax : b.umax); }
            case Insn.OR, Insn.XOR -> { return Reg.upTo(ones(Long.compareUnsigned(a.umax, b.umax) > 0 ? a.umax : b.umax)); }
            case Insn.RSH -> {
                if (b.known()) return Reg.unsigned(a.umin >>> b.umin, a.umax >>> b.umin);
                return Reg.upTo(a.umax);
            }
            case Insn.LSH -> {
                if (b.known() && (b.umin & 63) == b.umin && Long.numberOfLeadingZeros(a.umax) >= b.umin) return Reg.unsigned(a.umin << b.umin, a.umax << b.umin);
                return Reg.UNKNOWN;
            }
            case Insn.ARSH -> {
                if (b.known()) return Reg.signed(a.smin >> (b.umin & 63), a.smax >> (b.umin & 63));
                return Reg.UNKNOWN;
            }
            case Insn.DIV -> {
                if (x.off() != 0) return Reg.UNKNOWN;
                if (b.known() && b.umin != 0) return Reg.unsigned(Long.divideUnsigned(a.umin, b.umin), Long.divideUnsigned(a.umax, b.umin));
                return Reg.upTo(a.umax);
            }
            case Insn.MOD -> {
                if (x.off() != 0) return Reg.UNKNOWN;
                if (b.known() && b.umin != 0 && Long.compareUnsigned(a.umax, b.umin) >= 0) return Reg.upTo(b.umin - 1);
                return Reg.upTo(a.umax);
            }
            default -> { return Reg.UNKNOWN; }
        }
    }

    static Reg scalar32(Insn x, Reg a, Reg b) {
        long a32 = a.umin & 0xFFFF_FFFFL, b32 = b.umin & 0xFFFF_FFFFL;
        if (a.known() && b.known() || x.op() == Insn.NEG && a.known()) return Reg.constant(Interpreter.alu32(x, (int) a32, (int) b32) & 0xFFFF_FFFFL);
        if (!a.fits32() || !b.fits32()) return Reg.upTo(0xFFFF_FFFFL);
        boolean shift = x.op() == Insn.LSH || x.op() == Insn.RSH || x.op() == Insn.ARSH;
        if (shift && (!b.known() || b.umin > 31)) return Reg.upTo(0xFFFF_FFFFL);  // 32-bit shifts take the count mod 32
        Reg r = scalar64(x, a, b);  // both below 2^32: the 64-bit range is right when it stays below 2^32
        if (x.op() == Insn.ARSH || x.op() == Insn.NEG || x.off() != 0) return Reg.upTo(0xFFFF_FFFFL);
        return r.fits32() ? r : Reg.upTo(0xFFFF_FFFFL);
    }

    private static Reg noWrapAdd(long amin, long amax, long bmin, long bmax) {
        long hi = amax + bmax;
        if (Long.compareUnsigned(hi, amax) < 0) return null;
        return Reg.unsigned(amin + bmin, hi);
    }

    private static long ones(long v) { return v == 0 ? 0 : -1L >>> Long.numberOfLeadingZeros(v); }

    static boolean isUnsigned(int op) { return op == Insn.JEQ || op == Insn.JNE || op == Insn.JGT || op == Insn.JGE || op == Insn.JLT || op == Insn.JLE || op == Insn.JSET; }

    static int flip(int op) {
        return switch (op) {
            case Insn.JGT -> Insn.JLT; case Insn.JLT -> Insn.JGT; case Insn.JGE -> Insn.JLE; case Insn.JLE -> Insn.JGE;
            case Insn.JSGT -> Insn.JSLT; case Insn.JSLT -> Insn.JSGT; case Insn.JSGE -> Insn.JSLE; case Insn.JSLE -> Insn.JSGE;
            default -> op;
        };
    }

    /**
     * The two registers narrowed by the comparison's outcome, or null when that outcome is impossible.
     * Comparisons against a constant narrow the other side; others only prune impossible outcomes.
     */
    static Reg[] refine(int op, Reg a, Reg b, boolean taken) {
        if (!taken) op = negate(op);
        if (op == Insn.JSET || op == -Insn.JSET) {
            if (a.known() && b.known()) return ((a.umin & b.umin) != 0) == (op == Insn.JSET) ? new Reg[] {a, b} : null;
            return new Reg[] {a, b};
        }
        if (b.known()) {
            Reg r = narrow(op, a, b.umin);
            return r == null ? null : new Reg[] {r, b};
        }
        if (a.known()) {
            Reg r = narrow(flip(op), b, a.umin);
            return r == null ? null : new Reg[] {a, r};
        }
        return new Reg[] {a, b};
    }

    private static int negate(int op) {
        return switch (op) {
            case Insn.JEQ -> Insn.JNE; case Insn.JNE -> Insn.JEQ; case Insn.JGT -> Insn.JLE; case Insn.JLE -> Insn.JGT;
            case Insn.JGE -> Insn.JLT; case Insn.JLT -> Insn.JGE; case Insn.JSGT -> Insn.JSLE; case Insn.JSLE -> Insn.JSGT;
            case Insn.JSGE -> Insn.JSLT; case Insn.JSLT -> Insn.JSGE; case Insn.JSET -> -Insn.JSET; default -> op;
        };
    }

    /** {@code r} given that {@code r op k} holds, or null if it cannot. */
    private static Reg narrow(int op, Reg r, long k) {
        long umin = r.umin, umax = r.umax, smin = r.smin, smax = r.smax;
        switch (op) {
            case Insn.JEQ -> { return Reg.both(max(umin, k), min(umax, k), Math.max(smin, k), Math.min(smax, k)); }
            case Insn.JNE -> {
                if (r.known() && r.umin == k) return null;
                if (umin == k) umin++;
                else if (umax == k) umax--;
                return Reg.both(umin, umax, smin, smax);
            }
            case Insn.JGT -> { if (k == -1) return null; return Reg.both(max(umin, k + 1), umax, smin, smax); }
            case Insn.JGE -> { return Reg.both(max(umin, k), umax, smin, smax); }
            case Insn.JLT -> { if (k == 0) return null; return Reg.both(umin, min(umax, k - 1), smin, smax); }
            case Insn.JLE -> { return Reg.both(umin, min(umax, k), smin, smax); }
            case Insn.JSGT -> { if (k == Long.MAX_VALUE) return null; return Reg.both(umin, umax, Math.max(smin, k + 1), smax); }
            case Insn.JSGE -> { return Reg.both(umin, umax, Math.max(smin, k), smax); }
            case Insn.JSLT -> { if (k == Long.MIN_VALUE) return null; return Reg.both(umin, umax, smin, Math.min(smax, k - 1)); }
            case Insn.JSLE -> { return Reg.both(umin, umax, smin, Math.min(smax, k)); }
            default -> { return r; }
        }
    }

    private static long max(long a, long b) { return Long.compareUnsigned(a, b) >= 0 ? a : b; }

    private static long min(long a, long b) { return Long.compareUnsigned(a, b) <= 0 ? a : b; }
}
