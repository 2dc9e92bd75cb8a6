package io.flexnet.policy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A map whose key {@code k} is entry {@code k}: one aligned u64 per key, all keys always present. */
final class DirectMap extends MapMemory {
    DirectMap(MemorySegment seg, Arena arena, boolean pinned) { super(seg, arena, pinned); }

    /** Offset of key's value, or -1 when the key is beyond the range (as unsigned: negatives are too). */
    private long at(int key) {
        return key >= 0 && key < capacity() ? HEADER + 8L * key : -1;
    }

    private long must(int key) {
        long at = at(key);
        if (at < 0) throw new IllegalStateException(this + ": key " + Integer.toUnsignedString(key) + " out of range");
        return at;
    }

    @Override public MapSpec.Layout layout() { return MapSpec.Layout.DIRECT; }
    @Override public int size() { return capacity(); }
    @Override public boolean contains(int key) { return at(key) >= 0; }

    @Override
    public long get(int key) {
        long at = at(key);
        return at < 0 ? 0 : (long) LONG.getAcquire(seg, at);
    }

    @Override
    public boolean put(int key, long value) {
        long at = at(key);
        if (at < 0) return false;
        LONG.setRelease(seg, at, value);
        return true;
    }

    @Override
    public long add(int key, long delta) {
        return (long) LONG.getAndAdd(seg, must(key), delta) + delta;
    }

    @Override
    public long getAndSet(int key, long value) {
        return (long) LONG.getAndSet(seg, must(key), value);
    }

    @Override
    public boolean compareAndSet(int key, long expect, long update) {
        long at = at(key);
        return at >= 0 && LONG.compareAndSet(seg, at, expect, update);
    }
}
