package io.flexnet.ebpf;

import io.flexnet.policy.PolicyMap;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * A machine for programs at a hook: the hook's context fields, its helpers (map lookup, update and
 * delete on the project's maps, time, random numbers, the select or redirect helper), and the choice
 * that helper made. Subclasses say where the packet, the numbers and the maps come from.
 */
public abstract class HookMachine extends Machine {
    static final long ENOENT = -2, E2BIG = -7, EINVAL = -22;

    final Hook hook;
    final List<MapDef> defs;
    final LongSupplier clock;
    /** The executor the select or redirect helper chose in this run, or -1. */
    public int selected = -1;

    protected HookMachine(Hook hook, List<MapDef> defs, LongSupplier clock) {
        this.hook = hook;
        this.defs = defs;
        this.clock = clock;
    }

    /** The project map holding object map {@code i}'s values (null for executor maps). */
    protected abstract PolicyMap map(int i);

    /** The words of global data section {@code i} (see {@link PolicyAccess.Table}). */
    protected abstract long[] globals(int i);

    /** Executors the hook offers this input. */
    protected abstract int choices();

    /** The value of a numeric context field. */
    protected abstract long field(Hook.Field f);

    @Override
    protected long ctxLoad(int off, int size) {
        Hook.Field f = hook.field(off, size);
        if (f == null) throw new BpfFault("no " + size + "-byte context field at offset " + off + " for the " + hook.section() + " hook");
        return switch (f.kind()) {
            case Hook.Field.PACKET -> Addr.of(Addr.PACKET, 0);
            case Hook.Field.PACKET_END -> Addr.of(Addr.PACKET, packetLength());
            default -> field(f) & mask(size);
        };
    }

    @Override
    protected int mapValueSize(int i) {
        if (i < 0 || i >= defs.size()) throw new BpfFault("no map " + i);
        return defs.get(i).valueSize();
    }

    @Override
    protected long mapWord(int i, int key, int word) {
        return defs.get(i).global() ? globals(i)[word] : map(i).get(key);
    }

    @Override
    protected void mapWordStore(int i, int key, int word, long v) {
        if (defs.get(i).global()) globals(i)[word] = v;
        else map(i).put(key, v);
    }

    @Override
    protected boolean mapWordCas(int i, int key, int word, long expect, long update) {
        return defs.get(i).global() ? PolicyAccess.WORDS.compareAndSet(globals(i), word, expect, update) : map(i).compareAndSet(key, expect, update);
    }

    private int mapArg(long r) {
        if (Addr.tag(r) != Addr.MAP) throw new BpfFault("helper argument 0x" + Long.toHexString(r) + " is not a map");
        long i = Addr.offset(r);
        if (i < 0 || i >= defs.size()) throw new BpfFault("no map " + i);
        return (int) i;
    }

    /** Whether key {@code key} has a value in map {@code i} (Linux's lookup returns NULL otherwise). */
    static boolean present(MapDef d, PolicyMap m, int key) {
        if (d.global()) return key == 0;
        if (d.type() == MapDef.ARRAY) return Integer.compareUnsigned(key, d.maxEntries()) < 0 && Integer.compareUnsigned(key, m.capacity()) < 0;
        return m.contains(key);
    }

    @Override
    protected long helper(int id, long r1, long r2, long r3, long r4, long r5) {
        if (!hook.offers(id)) throw new BpfFault("helper " + id + " is not offered at the " + hook.section() + " hook");
        switch (id) {
            case Helpers.MAP_LOOKUP_ELEM -> {
                int i = mapArg(r1);
                int key = (int) load(r2, 4);
                return present(defs.get(i), map(i), key) ? Addr.mapValue(i, key, 0) : 0;
            }
            case Helpers.MAP_UPDATE_ELEM -> {
                int i = mapArg(r1);
                MapDef d = defs.get(i);
                int key = (int) load(r2, 4);
                long v = load(r3, 8);
                if (d.global() || d.readOnly()) return EINVAL;
                if (d.type() == MapDef.ARRAY && Integer.compareUnsigned(key, d.maxEntries()) >= 0) return E2BIG;
                return map(i).put(key, v) ? 0 : E2BIG;
            }
            case Helpers.MAP_DELETE_ELEM -> {
                int i = mapArg(r1);
                MapDef d = defs.get(i);
                int key = (int) load(r2, 4);
                // Arrays cannot delete (Linux says EINVAL); hashed maps never free an entry: deleting stores 0.
                if (d.type() != MapDef.HASH) return EINVAL;
                if (!map(i).contains(key)) return ENOENT;
                map(i).put(key, 0);
                return 0;
            }
            case Helpers.KTIME_GET_NS -> { return clock.getAsLong(); }
            case Helpers.GET_PRANDOM_U32 -> { return ThreadLocalRandom.current().nextInt() & 0xFFFF_FFFFL; }
            case Helpers.SK_SELECT_REUSEPORT -> {
                int i = mapArg(r2);
                long key = load(r3, 4);
                if (key >= choices() || key >= defs.get(i).maxEntries()) return ENOENT;
                selected = (int) key;
                return 0;
            }
            case Helpers.REDIRECT_MAP -> {
                int i = mapArg(r1);
                long key = r2 & 0xFFFF_FFFFL;
                if (key >= choices() || key >= defs.get(i).maxEntries()) return r3 & 3;  // Linux: the flags' low bits are the fallback
                selected = (int) key;
                return Hook.XDP_REDIRECT;
            }
            default -> throw new BpfFault("helper " + id + " has no implementation");
        }
    }
}
