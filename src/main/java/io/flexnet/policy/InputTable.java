package io.flexnet.policy;

import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;

/**
 * One {@link PolicyInput} per packet slot of every pool seen, made on first sight of the pool. A packet
 * has one owner at a time and a hook runs on the owner's thread, so the slot's input is never bound by
 * two threads at once: binding allocates nothing and needs no thread-local lookup.
 */
final class InputTable {
    private record Entry(PacketPool pool, PolicyInput[] inputs) {}

    /** Copy-on-write: read on every call, written once per new pool. */
    private volatile Entry[] entries = new Entry[0];

    PolicyInput of(Packet p) {
        final PacketPool pool = p.pool();
        final Entry[] es = entries;
        for (int i = 0; i < es.length; i++) {
            if (es[i].pool == pool) return es[i].inputs[p.index()];
        }
        return addSlow(pool)[p.index()];
    }

    private synchronized PolicyInput[] addSlow(PacketPool pool) {
        for (Entry e : entries) if (e.pool == pool) return e.inputs;
        PolicyInput[] inputs = new PolicyInput[pool.capacity()];
        for (int i = 0; i < inputs.length; i++) inputs[i] = new PolicyInput(pool.get(i));
        Entry[] old = entries;
        Entry[] n = java.util.Arrays.copyOf(old, old.length + 1);
        n[old.length] = new Entry(pool, inputs);
        entries = n;
        return inputs;
    }
}
