package io.flexnet.ebpf;

import java.util.Arrays;

/** What the walk learned that the compiler uses: per instruction, the kind of memory it touches and where. */
public final class Facts {
    /** Reg type of the base pointer of a load, store or atomic; 0 where the instruction is none. */
    final int[] kind;
    /** Stack byte (0..511) a stack access starts at, a context field's offset, or a helper's key argument; -1 where none. */
    final int[] stack;
    /** A helper's value argument on the stack (map update), or -1. */
    final int[] stack2;
    /** The map a helper call names, or -1. */
    final int[] map;
    /** For a map value access: the map and the constant offset in its value, or {@link #VARIES}. */
    final int[] vmap, voff;
    static final int VARIES = Integer.MIN_VALUE;
    /**
     * For a 64-bit jump that compares a packet pointer with {@code data_end} on every path reaching
     * it: {@link #PACKET_DST} or {@link #PACKET_SRC} (which operand is the packet pointer), and in
     * {@link #cmpOff} the pointer's offset from {@code data}, the same on every path. 0 where no path
     * reached the jump yet, {@link #VARIES} where some path compared anything else.
     */
    final int[] cmpSide, cmpOff;
    static final int PACKET_DST = 1, PACKET_SRC = 2;

    Facts(int n) {
        kind = new int[n];
        stack = new int[n];
        stack2 = new int[n];
        map = new int[n];
        vmap = new int[n];
        voff = new int[n];
        cmpSide = new int[n];
        cmpOff = new int[n];
        Arrays.fill(vmap, -1);
        Arrays.fill(stack, -1);
        Arrays.fill(stack2, -1);
        Arrays.fill(map, -1);
    }

    /** Records what this path compares at jump {@code pc}; a second path that compares otherwise makes it {@link #VARIES}. */
    void notePacketCompare(int pc, int side, long off) {
        boolean fits = off == (int) off;
        if (cmpSide[pc] == 0) {
            cmpSide[pc] = fits ? side : VARIES;
            cmpOff[pc] = (int) off;
        } else if (cmpSide[pc] != side || cmpOff[pc] != off) {
            cmpSide[pc] = VARIES;
        }
    }
}
