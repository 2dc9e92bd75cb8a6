package io.flexnet.policy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A map whose key {@code k} is entry {@code k}: one aligned u64 per key, all keys always present. */
final class DirectMap extends MapMemory {
    DirectMap(MemorySegment seg, Arena arena, boolean pinned) { super(seg, arena, pinned); }

    /** Offset of key's value, or -1 when the key is beyond the range (as unsigned: negatives are too). */
    @Override
    long valueAt(int key) {
        return key >= 0 && key < capacity() ? HEADER + 8L * key : -1;
    }

    /** Every key in range always has its entry. */
    @Override
    long valueSlot(int key) { return valueAt(key); }

    @Override
    String noSlot(int key) { return "key " + Integer.toUnsignedString(key) + " out of range"; }

    @Override public MapSpec.Layout layout() { return MapSpec.Layout.DIRECT; }
    @Override public int size() { return capacity(); }
}
