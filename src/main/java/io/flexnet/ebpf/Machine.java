package io.flexnet.ebpf;

/**
 * What a running program touches, with every access checked: its stack frames, its context, its
 * packet, its map values, and the helpers it calls. The interpreter and the unverified mode of the
 * JIT go through it; a subclass supplies the context, the packet and the helpers of one hook.
 */
public abstract class Machine {
    public static final int FRAME = 512;
    public static final int MAX_FRAMES = 8;

    final byte[] stack = new byte[FRAME * MAX_FRAMES];
    /** Instructions the last interpreted run executed. */
    public long steps;

    /** The frame pointer ({@code r10}) of call depth {@code depth}: frames grow down from the top. */
    public static long frame(int depth) { return Addr.of(Addr.STACK, (long) FRAME * (MAX_FRAMES - depth)); }

    /** Clears the stack between runs, so one run never reads what another left. */
    public void reset() { java.util.Arrays.fill(stack, (byte) 0); }

    // ---- what a hook supplies ----

    /** Length of the packet region ({@code data_end - data}). */
    protected abstract int packetLength();

    /** Byte {@code off} of the packet, already bounds-checked. */
    protected abstract int packetByte(int off);

    protected void packetStore(int off, int b) { throw new BpfFault("the packet is read-only here"); }

    /** A context field: {@code size} bytes at {@code off}; throws for an offset the context does not have. */
    protected long ctxLoad(int off, int size) { throw new BpfFault("no context field at offset " + off); }

    /** Calls helper {@code id}. */
    protected long helper(int id, long r1, long r2, long r3, long r4, long r5) {
        throw new BpfFault("helper " + id + " is not available");
    }

    /** Map value word access: the {@code word}-th 8 bytes of the value of {@code key} in map {@code map}. */
    protected long mapWord(int map, int key, int word) { throw new BpfFault("no map " + map); }

    protected void mapWordStore(int map, int key, int word, long v) { throw new BpfFault("no map " + map); }

    protected boolean mapWordCas(int map, int key, int word, long expect, long update) { throw new BpfFault("no map " + map); }

    /** Bytes in one value of map {@code map}. */
    protected int mapValueSize(int map) { throw new BpfFault("no map " + map); }

    // ---- checked memory ----

    public final long load(long addr, int size) {
        switch (Addr.tag(addr)) {
            case Addr.STACK -> {
                int o = stackOffset(addr, size);
                long v = 0;
                for (int i = size - 1; i >= 0; i--) v = v << 8 | (stack[o + i] & 0xff);
                return v;
            }
            case Addr.PACKET -> {
                long off = Addr.offset(addr);
                if (off < 0 || off + size > packetLength()) throw new BpfFault("packet access at " + off + " size " + size + " outside 0.." + packetLength());
                long v = 0;
                for (int i = size - 1; i >= 0; i--) v = v << 8 | packetByte((int) off + i);
                return v;
            }
            case Addr.CTX -> {
                long off = Addr.offset(addr);
                if (off < 0 || off > 256) throw new BpfFault("context access at " + off);
                return ctxLoad((int) off, size);
            }
            case Addr.MAP_VALUE -> {
                int map = Addr.mapOf(addr), key = Addr.keyOf(addr), off = Addr.mapOffset(addr);
                checkMap(map, off, size);
                int word = off >>> 3, shift = (off & 7) * 8;
                long w = mapWord(map, key, word);
                return size == 8 ? w : (w >>> shift) & mask(size);
            }
            default -> throw new BpfFault("load of " + size + " bytes from a non-pointer 0x" + Long.toHexString(addr));
        }
    }

    public final void store(long addr, int size, long v) {
        switch (Addr.tag(addr)) {
            case Addr.STACK -> {
                int o = stackOffset(addr, size);
                for (int i = 0; i < size; i++) stack[o + i] = (byte) (v >>> 8 * i);
            }
            case Addr.PACKET -> {
                long off = Addr.offset(addr);
                if (off < 0 || off + size > packetLength()) throw new BpfFault("packet store at " + off + " size " + size + " outside 0.." + packetLength());
                for (int i = 0; i < size; i++) packetStore((int) off + i, (int) (v >>> 8 * i) & 0xff);
            }
            case Addr.MAP_VALUE -> {
                int map = Addr.mapOf(addr), key = Addr.keyOf(addr), off = Addr.mapOffset(addr);
                checkMap(map, off, size);
                int word = off >>> 3, shift = (off & 7) * 8;
                if (size == 8) { mapWordStore(map, key, word, v); return; }
                long m = mask(size) << shift;
                for (int tries = 0; ; tries++) {  // a narrow store is a read-modify-write of its word
                    long old = mapWord(map, key, word);
                    if (mapWordCas(map, key, word, old, (old & ~m) | ((v << shift) & m))) return;
                    if (tries > 1000) throw new BpfFault("map store lost 1000 races");
                }
            }
            case Addr.CTX -> throw new BpfFault("the context is read-only");
            default -> throw new BpfFault("store of " + size + " bytes to a non-pointer 0x" + Long.toHexString(addr));
        }
    }

    /** An atomic operation (RFC 9669 §5.3); returns the old value, which fetching forms put in a register. */
    public final long atomic(int op, long addr, int size, long operand, long expect) {
        if (Addr.tag(addr) == Addr.MAP_VALUE && size == 8) {
            int map = Addr.mapOf(addr), key = Addr.keyOf(addr), off = Addr.mapOffset(addr);
            checkMap(map, off, size);
            if ((off & 7) != 0) throw new BpfFault("misaligned atomic on a map value");
            int word = off >>> 3;
            for (int tries = 0; ; tries++) {
                long old = mapWord(map, key, word);
                long nu = apply(op, old, operand, expect, size);
                if (op == Insn.CMPXCHG && old != expect) return old;
                if (mapWordCas(map, key, word, old, nu)) return old;
                if (tries > 1000) throw new BpfFault("atomic lost 1000 races");
            }
        }
        // Stack and packet belong to one run: a plain read-modify-write is atomic enough.
        long old = load(addr, size);
        if (op == Insn.CMPXCHG && old != (size == 8 ? expect : expect & 0xFFFF_FFFFL)) return old;
        store(addr, size, apply(op, old, operand, expect, size));
        return old;
    }

    static long apply(int op, long old, long operand, long expect, int size) {
        return switch (op & ~Insn.FETCH) {
            case Insn.ADD -> old + operand;
            case Insn.OR -> old | operand;
            case Insn.AND -> old & operand;
            case Insn.XOR -> old ^ operand;
            default -> operand;  // xchg and cmpxchg store the operand
        };
    }

    private int stackOffset(long addr, int size) {
        long off = Addr.offset(addr);
        if (off < 0 || off + size > stack.length) throw new BpfFault("stack access at " + Addr.describe(addr) + " size " + size + " outside the stack");
        return (int) off;
    }

    private void checkMap(int map, int off, int size) {
        int vs = mapValueSize(map);
        if (off < 0 || off + size > vs) throw new BpfFault("map value access at +" + off + " size " + size + " outside its " + vs + " bytes");
        if ((off & 7) + size > 8) throw new BpfFault("map value access at +" + off + " size " + size + " crosses a word");
    }

    static long mask(int size) { return size == 8 ? -1L : (1L << 8 * size) - 1; }
}
