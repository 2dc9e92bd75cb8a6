package io.flexnet.ebpf;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The verifier's first pass, over the control-flow graph alone: every opcode known, every jump inside
 * the program and not into the second slot of an {@code lddw}, no path falling off the end, no
 * instruction unreachable from the first. Linux's {@code check_cfg} does the same before its walk.
 */
final class ControlFlow {
    private ControlFlow() {}

    /** Where the graph is wrong and why, in the words the verifier's log uses. */
    record Problem(int pc, String reason) {}

    /** The first problem found, or null when the graph is sound. */
    static Problem check(Insn[] prog, int maxInsns) {
        int n = prog.length;
        if (n == 0) return new Problem(-1, "the program is empty");
        if (n > maxInsns) return new Problem(-1, "program of " + n + " instructions exceeds the limit of " + maxInsns);
        boolean[] filler = new boolean[n];
        for (int i = 0; i < n; i++) {
            Insn x = prog[i];
            if (!x.known()) return new Problem(i, "unknown opcode 0x" + Integer.toHexString(x.opcode()));
            if (x.isLddw()) {
                if (i + 1 >= n) return new Problem(i, "lddw without its second slot");
                filler[++i] = true;
            }
        }
        boolean[] seen = new boolean[n];
        ArrayDeque<Integer> work = new ArrayDeque<>();
        work.push(0);
        seen[0] = true;
        while (!work.isEmpty()) {
            int i = work.pop();
            Insn x = prog[i];
            List<Integer> next = new ArrayList<>(2);
            if (x.isExit()) {
                // ends the path
            } else if (x.isJump()) {
                int t = x.target(i);
                if (t < 0 || t >= n || filler[t]) {
                    return new Problem(i, "jump out of range from insn " + i + " to " + t
                            + (t >= 0 && t < n ? " (the second slot of an lddw)" : " (the program has " + n + " slots)"));
                }
                next.add(t);
                if (x.op() != Insn.JA) next.add(i + 1);
            } else {
                next.add(i + (x.isLddw() ? 2 : 1));
            }
            for (int t : next) {
                if (t >= n) return new Problem(i, "execution falls off the end of the program after insn " + i);
                if (!seen[t]) {
                    seen[t] = true;
                    work.push(t);
                }
            }
        }
        for (int i = 0; i < n; i++) {
            if (!seen[i] && !filler[i]) return new Problem(i, "unreachable insn " + i);
        }
        return null;
    }
}
