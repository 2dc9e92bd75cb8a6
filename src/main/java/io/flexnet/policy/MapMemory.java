package io.flexnet.policy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The memory of one map: a 64-byte header and the entries behind it, in one segment (heap-free, or a
 * mapped file). The layout is specified in {@code docs/maps.md}; this class is its Java reading.
 * Little-endian throughout, because every platform the JDK runs this on is, and a map another process
 * shares must be accessed with plain native atomics (no byte swapping inside a compare-and-set).
 */
abstract class MapMemory implements PolicyMap {
    static final long MAGIC = 0x0050414D54454E46L;  // "FNETMAP\0" read as a little-endian u64
    static final int VERSION = 1;
    static final int HEADER = 64;
    static final long OFF_MAGIC = 0, OFF_VERSION = 8, OFF_LAYOUT = 12, OFF_CAPACITY = 16,
            OFF_ENTRY_BYTES = 20, OFF_COUNT = 24, OFF_NAME = 32, NAME_BYTES = 32;

    /** Aligned 8-byte access: required for the atomic access modes, and what makes them indivisible. */
    static final VarHandle LONG = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);

    final MemorySegment seg;
    private final Arena arena;
    private final String name;
    private final int capacity;
    private final boolean pinned;

    MapMemory(MemorySegment seg, Arena arena, boolean pinned) {
        this.seg = seg;
        this.arena = arena;
        this.pinned = pinned;
        this.capacity = seg.get(U32, OFF_CAPACITY);
        this.name = readName(seg);
    }

    static long bytesFor(MapSpec spec) {
        return HEADER + (long) spec.capacity() * spec.layout().entryBytes;
    }

    /** Writes the header into zeroed memory; the magic goes last, released, so a reader that sees it sees the rest. */
    static void format(MemorySegment seg, MapSpec spec) {
        seg.set(U32, OFF_VERSION, VERSION);
        seg.set(U32, OFF_LAYOUT, spec.layout().code);
        seg.set(U32, OFF_CAPACITY, spec.capacity());
        seg.set(U32, OFF_ENTRY_BYTES, spec.layout().entryBytes);
        LONG.setRelease(seg, OFF_COUNT, spec.layout() == MapSpec.Layout.DIRECT ? (long) spec.capacity() : 0L);
        byte[] n = spec.name().getBytes(StandardCharsets.UTF_8);
        MemorySegment.copy(n, 0, seg, ValueLayout.JAVA_BYTE, OFF_NAME, n.length);
        LONG.setRelease(seg, OFF_MAGIC, MAGIC);
    }

    /** Checks a header and reads the spec it describes; throws naming what is wrong. */
    static MapSpec check(MemorySegment seg, String where) {
        if (seg.byteSize() < HEADER) throw new IllegalArgumentException(where + ": shorter than a map header");
        long magic = (long) LONG.getAcquire(seg, OFF_MAGIC);
        if (magic != MAGIC) throw new IllegalArgumentException(where + ": not a flexnet map (bad magic)");
        int version = seg.get(U32, OFF_VERSION);
        if (version != VERSION) throw new IllegalArgumentException(where + ": map version " + version + ", expected " + VERSION);
        int code = seg.get(U32, OFF_LAYOUT);
        MapSpec.Layout layout = null;
        for (MapSpec.Layout l : MapSpec.Layout.values()) if (l.code == code) layout = l;
        if (layout == null) throw new IllegalArgumentException(where + ": unknown layout " + code);
        int entry = seg.get(U32, OFF_ENTRY_BYTES);
        if (entry != layout.entryBytes) throw new IllegalArgumentException(where + ": entry size " + entry);
        int capacity = seg.get(U32, OFF_CAPACITY);
        MapSpec spec = new MapSpec(readName(seg), layout, capacity, false);
        if (spec.capacity() != capacity) throw new IllegalArgumentException(where + ": capacity " + capacity + " not a power of two");
        if (seg.byteSize() < bytesFor(spec)) throw new IllegalArgumentException(where + ": truncated");
        return spec;
    }

    private static String readName(MemorySegment seg) {
        byte[] b = seg.asSlice(OFF_NAME, NAME_BYTES).toArray(ValueLayout.JAVA_BYTE);
        int n = 0;
        while (n < b.length && b[n] != 0) n++;
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    static PolicyMap wrap(MemorySegment seg, Arena arena, MapSpec spec, boolean pinned) {
        return spec.layout() == MapSpec.Layout.DIRECT
                ? new DirectMap(seg, arena, pinned) : new HashedMap(seg, arena, pinned);
    }

    // ---- how a layout finds a key's value: all it has to say ----

    /** Offset of the key's value, or -1 when the key has none. Never creates one. */
    abstract long valueAt(int key);

    /** Offset of the key's value, made if the layout can (a free slot), or -1 when it cannot. */
    abstract long valueSlot(int key);

    /** Why {@link #valueSlot} found no room for {@code key}, for the exception. */
    abstract String noSlot(int key);

    private long must(int key) {
        long at = valueSlot(key);
        if (at < 0) throw new IllegalStateException(this + ": " + noSlot(key));
        return at;
    }

    // ---- the value operations, the same for every layout: acquire reads, release writes, atomic
    // read-modify-writes (VarHandle volatile), on the little-endian u64 documented in docs/maps.md ----

    @Override public boolean contains(int key) { return valueAt(key) >= 0; }

    @Override
    public long get(int key) {
        long at = valueAt(key);
        return at < 0 ? 0 : (long) LONG.getAcquire(seg, at);
    }

    @Override
    public boolean put(int key, long value) {
        long at = valueSlot(key);
        if (at < 0) return false;
        LONG.setRelease(seg, at, value);
        return true;
    }

    @Override
    public long add(int key, long delta) { return (long) LONG.getAndAdd(seg, must(key), delta) + delta; }

    @Override
    public long getAndSet(int key, long value) { return (long) LONG.getAndSet(seg, must(key), value); }

    /** An absent key reads as 0, so expecting 0 may create it; expecting anything else never does. */
    @Override
    public boolean compareAndSet(int key, long expect, long update) {
        long at = expect == 0 ? valueSlot(key) : valueAt(key);
        return at >= 0 && LONG.compareAndSet(seg, at, expect, update);
    }

    @Override public String name() { return name; }
    @Override public int capacity() { return capacity; }
    @Override public boolean pinned() { return pinned; }

    @Override
    public void close() {
        if (arena != null && arena.scope().isAlive()) arena.close();
    }

    @Override
    public String toString() { return layout().name().toLowerCase() + " map '" + name + "' size=" + size() + "/" + capacity; }
}
