package io.flexnet.ebpf;

import java.util.Arrays;

/**
 * The verifier's state at one instruction on one path: the registers, what each byte of the 512-byte
 * stack holds (nothing, data, or part of a spilled register), and how many packet bytes a comparison
 * against {@code data_end} has proven readable.
 */
final class VState {
    static final byte UNINIT = 0, MISC = 1, SPILL = 2;
    static final int STACK = Machine.FRAME;

    final Reg[] regs = new Reg[11];
    final byte[] stack = new byte[STACK];
    final Reg[] spills = new Reg[STACK / 8];
    long pktRange;

    VState() {
        Arrays.fill(regs, Reg.UNINIT);
    }

    VState copy() {
        VState s = new VState();
        System.arraycopy(regs, 0, s.regs, 0, 11);
        System.arraycopy(stack, 0, s.stack, 0, STACK);
        System.arraycopy(spills, 0, s.spills, 0, spills.length);
        s.pktRange = pktRange;
        return s;
    }

    /** Whether every run this state stands for is one {@code old} stands for. */
    boolean within(VState old) {
        if (pktRange < old.pktRange) return false;
        for (int i = 0; i < 11; i++) if (!regs[i].within(old.regs[i])) return false;
        for (int i = 0; i < STACK; i++) {
            byte o = old.stack[i];
            if (o == UNINIT) continue;
            if (stack[i] == UNINIT) return false;
            // data the old walk read as a number must not be a pointer here
            if (o == MISC && stack[i] == SPILL && spills[i / 8].pointer()) return false;
            if (o == SPILL) {
                Reg a = stack[i] == SPILL ? spills[i / 8] : null, b = old.spills[i / 8];
                if (a == null || !a.within(b)) return false;
            }
        }
        return true;
    }

    boolean same(VState o) {
        if (pktRange != o.pktRange) return false;
        for (int i = 0; i < 11; i++) if (!regs[i].same(o.regs[i])) return false;
        if (!Arrays.equals(stack, o.stack)) return false;
        for (int i = 0; i < spills.length; i++) {
            if ((spills[i] == null) != (o.spills[i] == null) || (spills[i] != null && !spills[i].same(o.spills[i]))) return false;
        }
        return true;
    }

    /** Registers that hold something, as the Linux log prints them. */
    String describe() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 11; i++) {
            if (regs[i].type == Reg.NOT_INIT) continue;
            if (b.length() > 0) b.append(' ');
            b.append('R').append(i).append('=').append(regs[i]);
        }
        return b.toString();
    }

    /** Every register and spill holding the lookup result {@code id} becomes NULL (a zero) or a map value. */
    void markNull(int id, boolean isNull) {
        for (int i = 0; i < 11; i++) regs[i] = mark(regs[i], id, isNull);
        for (int i = 0; i < spills.length; i++) if (spills[i] != null) spills[i] = mark(spills[i], id, isNull);
    }

    private static Reg mark(Reg r, int id, boolean isNull) {
        if (r.type != Reg.MAP_VALUE_OR_NULL || r.id != id) return r;
        return isNull ? Reg.constant(0) : Reg.pointer(Reg.MAP_VALUE, r.off, r.map, 0);
    }
}
