package io.flexnet.ebpf;

import io.flexnet.policy.MatchingPolicy;
import io.flexnet.policy.PolicyInput;
import io.flexnet.policy.PolicyMap;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * What a compiled policy calls at run time: the hook's context fields and packet bytes read from the
 * {@link PolicyInput}, its map values through the project's maps, and the translation of its return
 * value into a hook's answer. Static and small, so the JVM inlines them into the compiled policy; the
 * interpreter's {@link PolicyMachine} uses the same functions, so both see the same inputs.
 */
public final class PolicyAccess {
    private PolicyAccess() {}

    /**
     * Per program: which of the input's maps each object map is, and the program's global data. Global
     * data ({@code .bss}, {@code .data}, {@code .rodata}) is the program's own memory, as a Java
     * policy's fields are its own: words of a {@code long[]}, read and written plainly (Syrup's
     * non-atomic counter), atomics and narrow stores by compare-and-set.
     */
    public static final class Table {
        final int[] slot;
        final boolean[] global;
        final long[][] globals;
        final int[] maxEntries;
        final boolean[] array;
        final LongSupplier clock;

        Table(List<MapDef> defs, LongSupplier clock) {
            int n = defs.size();
            slot = new int[n];
            global = new boolean[n];
            globals = new long[n][];
            maxEntries = new int[n];
            array = new boolean[n];
            int next = 0;
            for (int i = 0; i < n; i++) {
                MapDef d = defs.get(i);
                slot[i] = d.executors() || d.global() ? -1 : next++;
                global[i] = d.global();
                if (d.global()) globals[i] = words(d.initial());
                maxEntries[i] = d.maxEntries();
                array[i] = d.type() == MapDef.ARRAY;
            }
            this.clock = clock;
        }
    }

    /** A data section as little-endian words. */
    static long[] words(byte[] init) {
        long[] w = new long[Math.max(1, (init.length + 7) / 8)];
        for (int i = 0; i < init.length; i++) w[i >>> 3] |= (init[i] & 0xffL) << 8 * (i & 7);
        return w;
    }

    static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);

    /** A narrow store into a global word: compare-and-set, so a neighbour stored at the same time is kept. */
    public static void storeGlobal(long[] g, int word, int shift, int size, long v) {
        long mask = Machine.mask(size) << shift;
        while (true) {
            long old = (long) WORDS.getVolatile(g, word);
            if (WORDS.compareAndSet(g, word, old, (old & ~mask) | ((v << shift) & mask))) return;
        }
    }

    /** An 8-byte atomic on a global word; returns the old value. */
    public static long atomicGlobal(long[] g, int word, int op, long operand, long r0) {
        if (op == Insn.ADD || op == (Insn.ADD | Insn.FETCH)) return (long) WORDS.getAndAdd(g, word, operand);
        if (op == Insn.XCHG) return (long) WORDS.getAndSet(g, word, operand);
        while (true) {
            long old = (long) WORDS.getVolatile(g, word);
            if (op == Insn.CMPXCHG && old != r0) return old;
            if (WORDS.compareAndSet(g, word, old, Machine.apply(op, old, operand, r0, 8))) return old;
        }
    }

    // ---- context and packet ----

    /**
     * Bytes of transport header before the payload in a socket policy's packet: the UDP header (8) for
     * UDP, none otherwise. The packet at the socket hook is that header and the payload.
     */
    public static int socketHeader(PolicyInput in) { return in.protocol() == 17 ? 8 : 0; }

    /** Length of the hook's packet region ({@code data_end - data}). */
    public static int packetLength(PolicyInput in, int hook) {
        if (hook != Hook.SOCKET.ordinal()) return in.frameLength();
        return in.payloadLength() + socketHeader(in);
    }

    /**
     * {@code size} bytes at {@code off} of a socket policy's packet, little-endian as an eBPF load sees
     * memory: read from the payload when past the header (the common case, one bounds-checked call
     * as a Java policy makes), from the frame before the payload otherwise.
     */
    public static long socketPacket(PolicyInput in, int header, int off, int size) {
        int p = off - header;
        if (p >= 0) {
            return switch (size) {
                case 1 -> in.payloadU8(p);
                case 2 -> Short.reverseBytes((short) in.payloadU16(p)) & 0xFFFFL;
                case 4 -> Integer.reverseBytes((int) in.payloadU32(p)) & 0xFFFF_FFFFL;
                default -> (Integer.reverseBytes((int) in.payloadU32(p)) & 0xFFFF_FFFFL)
                        | (Integer.reverseBytes((int) in.payloadU32(p + 4)) & 0xFFFF_FFFFL) << 32;
            };
        }
        return headerBytes(in, header, off, size);
    }

    private static long headerBytes(PolicyInput in, int header, int off, int size) {
        int start = (int) (in.payloadWindow() >>> 32) - header;
        long v = 0;
        for (int i = size - 1; i >= 0; i--) v = v << 8 | (in.frameU8(start + off + i) & 0xff);
        return v;
    }

    /** A numeric context field at {@code off} (the verifier proved it is one). */
    public static long field(PolicyInput in, int hook, int off) {
        if (hook == Hook.SOCKET.ordinal()) {
            return switch (off) {
                case 16 -> packetLength(in, hook);
                case 20 -> 0x0008;  // ETH_P_IP in network order, as skb->protocol holds it
                case 24 -> in.protocol();
                case 32 -> in.flowHash() & 0xFFFF_FFFFL;
                default -> 0;
            };
        }
        if (hook == Hook.NIC_RX_QUEUE.ordinal()) return off == 16 ? in.rxQueue() : 0;
        return switch (off) {
            case 8 -> in.frameLength();
            case 12 -> in.choices();
            case 16 -> in.srcIp() & 0xFFFF_FFFFL;
            case 20 -> in.dstIp() & 0xFFFF_FFFFL;
            case 24 -> in.srcPort();
            case 28 -> in.dstPort();
            case 32 -> in.protocol();
            case 36 -> in.flowHash() & 0xFFFF_FFFFL;
            case 40 -> in.rxQueue();
            case 44 -> in.tenant();
            default -> 0;
        };
    }

    /** {@code size} packet bytes at {@code at} of the frame, little-endian as an eBPF load sees memory. */
    public static long packet(PolicyInput in, int at, int size) {
        return switch (size) {
            case 1 -> in.frameU8(at);
            case 2 -> Short.reverseBytes((short) in.frameU16(at)) & 0xFFFFL;
            case 4 -> Integer.reverseBytes((int) in.frameU32(at)) & 0xFFFF_FFFFL;
            default -> (Integer.reverseBytes((int) in.frameU32(at)) & 0xFFFF_FFFFL)
                    | (Integer.reverseBytes((int) in.frameU32(at + 4)) & 0xFFFF_FFFFL) << 32;
        };
    }

    // ---- maps ----

    static PolicyMap map(PolicyInput in, Table t, int m) { return in.map(t.slot[m]); }

    /** The word a map value pointer names: the section's word for global data, the key's value otherwise. */
    public static long load(PolicyInput in, Table t, long addr, int size) {
        int m = Addr.mapOf(addr), off = Addr.mapOffset(addr);
        long w = t.global[m] ? t.globals[m][off >>> 3] : map(in, t, m).get(Addr.keyOf(addr));
        return size == 8 ? w : (w >>> ((off & 7) * 8)) & Machine.mask(size);
    }

    public static void store(PolicyInput in, Table t, long addr, int size, long v) {
        int m = Addr.mapOf(addr), off = Addr.mapOffset(addr);
        if (t.global[m]) {
            if (size == 8) t.globals[m][off >>> 3] = v;
            else storeGlobal(t.globals[m], off >>> 3, (off & 7) * 8, size, v);
            return;
        }
        PolicyMap pm = map(in, t, m);
        int key = Addr.keyOf(addr);
        if (size == 8) {
            pm.put(key, v);
            return;
        }
        storeNarrow(pm, key, off, size, v);
    }

    private static void storeNarrow(PolicyMap pm, int key, int off, int size, long v) {
        int shift = (off & 7) * 8;
        long mask = Machine.mask(size) << shift;
        while (true) {  // a narrow store is a read-modify-write of its word; retried, so a racing neighbour is kept
            long old = pm.get(key);
            if (pm.compareAndSet(key, old, (old & ~mask) | ((v << shift) & mask))) return;
        }
    }

    /** An atomic on a map value (8 bytes, the verifier made sure); returns the old value. */
    public static long atomic(PolicyInput in, Table t, int op, long addr, long operand, long r0) {
        int m = Addr.mapOf(addr), off = Addr.mapOffset(addr);
        if (t.global[m]) return atomicGlobal(t.globals[m], off >>> 3, op, operand, r0);
        PolicyMap pm = map(in, t, m);
        int key = Addr.keyOf(addr);
        if (op == (Insn.ADD | Insn.FETCH) || op == Insn.ADD) return pm.add(key, operand) - operand;
        if (op == Insn.XCHG) return pm.getAndSet(key, operand);
        while (true) {
            long old = pm.get(key);
            if (op == Insn.CMPXCHG && old != r0) return old;
            if (pm.compareAndSet(key, old, Machine.apply(op, old, operand, r0, 8))) return old;
        }
    }

    /** A stack atomic's new value: the stack is the run's own, so no other thread races on it. */
    public static long atomicNew(int op, long old, long operand, long r0, int size) {
        if (op == Insn.CMPXCHG) return old == (size == 8 ? r0 : r0 & 0xFFFF_FFFFL) ? operand : old;
        return Machine.apply(op, old, operand, r0, size);
    }

    public static long lookup(PolicyInput in, Table t, int m, int key) {
        if (t.global[m]) return key == 0 ? Addr.mapValue(m, 0, 0) : 0;
        PolicyMap pm = map(in, t, m);
        boolean present = t.array[m] ? Integer.compareUnsigned(key, t.maxEntries[m]) < 0 && Integer.compareUnsigned(key, pm.capacity()) < 0 : pm.contains(key);
        return present ? Addr.mapValue(m, key, 0) : 0;
    }

    public static long update(PolicyInput in, Table t, int m, int key, long v) {
        if (t.global[m]) return HookMachine.EINVAL;
        if (t.array[m] && Integer.compareUnsigned(key, t.maxEntries[m]) >= 0) return HookMachine.E2BIG;
        return map(in, t, m).put(key, v) ? 0 : HookMachine.E2BIG;
    }

    public static long delete(PolicyInput in, Table t, int m, int key) {
        if (t.global[m] || t.array[m]) return HookMachine.EINVAL;
        PolicyMap pm = map(in, t, m);
        if (!pm.contains(key)) return HookMachine.ENOENT;
        pm.put(key, 0);
        return 0;
    }

    public static long ktime(Table t) { return t.clock.getAsLong(); }

    /**
     * The executor a select or redirect helper names, or -1 when the hook has no such executor (or the
     * executor map, of {@code maxEntries}, none: a constant the compiler passes).
     */
    public static int select(PolicyInput in, int maxEntries, long key) {
        return key >= 0 && key < in.choices() && key < maxEntries ? (int) key : -1;
    }

    // ---- answers ----

    /** The hook's answer for return value {@code r0} and the executor a helper selected ({@code -1}: none). */
    public static int answer(int hook, long r0, int selected) {
        int r = (int) r0;
        if (hook == Hook.SOCKET.ordinal()) {
            if (r == Hook.SK_PASS) return selected >= 0 ? selected : MatchingPolicy.PASS;
            return r == Hook.SK_DROP ? MatchingPolicy.DROP : FAULT;
        }
        if (hook == Hook.NIC_RX_QUEUE.ordinal()) {
            return switch (r) {
                case Hook.XDP_REDIRECT -> selected >= 0 ? selected : MatchingPolicy.PASS;
                case Hook.XDP_PASS -> MatchingPolicy.PASS;
                case Hook.XDP_DROP, Hook.XDP_ABORTED -> MatchingPolicy.DROP;
                default -> FAULT;
            };
        }
        return r;  // the queue hook's program answers with the index, -1 (PASS) or -2 (DROP)
    }

    /** An answer no hook accepts: the deployment counts it as the policy's fault. */
    static final int FAULT = Integer.MIN_VALUE;
}
