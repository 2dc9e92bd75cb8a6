package io.flexnet.ebpf;

/**
 * The few operations compiled programs call rather than inline: Linux's division semantics, byte
 * swaps, atomics through a {@link Machine}, call depth. Static and small, so the JVM inlines them.
 */
public final class Rt {
    private Rt() {}

    public static long udiv(long a, long b) { return b == 0 ? 0 : Long.divideUnsigned(a, b); }
    public static long umod(long a, long b) { return b == 0 ? a : Long.remainderUnsigned(a, b); }
    public static long sdiv(long a, long b) { return b == 0 ? 0 : a / b; }
    public static long smod(long a, long b) { return b == 0 ? a : a % b; }
    public static int udiv32(int a, int b) { return b == 0 ? 0 : Integer.divideUnsigned(a, b); }
    public static int umod32(int a, int b) { return b == 0 ? a : Integer.remainderUnsigned(a, b); }
    public static int sdiv32(int a, int b) { return b == 0 ? 0 : a / b; }
    public static int smod32(int a, int b) { return b == 0 ? a : a % b; }

    public static long bswap16(long v) { return Short.reverseBytes((short) v) & 0xFFFFL; }
    public static long bswap32(long v) { return Integer.reverseBytes((int) v) & 0xFFFF_FFFFL; }

    public static long sx(long v, int size) { return Interpreter.signExtend(v, size); }

    /** An atomic instruction through the machine; returns the old value. */
    public static long atomic(Machine m, int op, long addr, int size, long operand, long r0) {
        if (size == 4) operand &= 0xFFFF_FFFFL;
        return m.atomic(op, addr, size, operand, r0);
    }

    /** The callee's frame pointer, refusing calls nested deeper than the stack has frames. */
    public static long enter(long r10) {
        long off = Addr.offset(r10) - Machine.FRAME;
        if (Addr.tag(r10) != Addr.STACK || off < Machine.FRAME) throw new BpfFault("calls nested deeper than " + Machine.MAX_FRAMES + " frames");
        return Addr.of(Addr.STACK, off);
    }

    /** Counts a backward jump or call of an unverified program against its budget. */
    public static void burn(Machine m) {
        if (++m.steps > Conformance.BUDGET) throw new BpfFault("instruction budget of " + Conformance.BUDGET + " exceeded");
    }
}
