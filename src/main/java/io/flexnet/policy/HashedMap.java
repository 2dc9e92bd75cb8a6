package io.flexnet.policy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A map of sparse u32 keys: open addressing with linear probing over a power-of-two table of 16-byte
 * entries {@code (u64 tag, u64 value)}. A tag is 0 while the entry is free and {@code 1<<32 | key} once
 * claimed; claiming is a compare-and-set of the tag, so threads and processes insert without a lock.
 * Keys are never removed (no tombstones, so lookups stay wait-free); reset a value to 0 instead, as
 * with an eBPF array map. The first entry probed is {@code fmix32(key) & (capacity - 1)} (murmur3's
 * finaliser), the rest follow it with wrap-around.
 */
final class HashedMap extends MapMemory {
    private static final long USED = 1L << 32;
    private static final int ENTRY = 16;

    private final int mask;

    HashedMap(MemorySegment seg, Arena arena, boolean pinned) {
        super(seg, arena, pinned);
        this.mask = capacity() - 1;
    }

    private static long tag(int key) { return USED | (key & 0xFFFF_FFFFL); }

    /**
     * Linear probing from the key's hash: the offset of the key's value, or -1 when it is absent
     * (and {@code insert} is false) or the table is full. With {@code insert}, a free entry is claimed
     * by compare-and-set; keys are never deleted, so an empty entry ends the search.
     */
    private long probe(int key, boolean insert) {
        final long tag = tag(key);
        final int mask = this.mask;
        int i = PolicyInput.fmix32(key) & mask;
        for (int n = 0; n <= mask; n++) {
            long at = HEADER + (long) i * ENTRY;
            long t = (long) LONG.getAcquire(seg, at);
            if (t == 0) {
                if (!insert) return -1;
                if (LONG.compareAndSet(seg, at, 0L, tag)) {
                    LONG.getAndAdd(seg, OFF_COUNT, 1L);
                    return at + 8;
                }
                t = (long) LONG.getAcquire(seg, at);  // lost the race: the winner may have our key
            }
            if (t == tag) return at + 8;
            i = (i + 1) & mask;
        }
        return -1;
    }

    @Override long valueAt(int key) { return probe(key, false); }
    @Override long valueSlot(int key) { return probe(key, true); }
    @Override String noSlot(int key) { return "full: cannot insert " + Integer.toUnsignedString(key); }

    @Override public MapSpec.Layout layout() { return MapSpec.Layout.HASHED; }
    @Override public int size() { return (int) (long) LONG.getAcquire(seg, OFF_COUNT); }
}
