package io.flexnet.pipeline;

import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;

/**
 * The coroutine frame of every slot of a pool, made once: a packet's coroutine is found by slot index,
 * so neither starting nor suspending a coroutine allocates.
 */
public final class Coroutines {
    private final PacketPool pool;
    private final Coroutine[] frames;

    public Coroutines(PacketPool pool) {
        this.pool = pool;
        this.frames = new Coroutine[pool.capacity()];
        for (int i = 0; i < frames.length; i++) frames[i] = new Coroutine(pool.get(i));
    }

    public Coroutine of(Packet p) { return frames[p.index()]; }

    public PacketPool pool() { return pool; }
}
