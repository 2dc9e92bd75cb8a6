// A cap on the entries one class of packets (a tenant, say) may hold in one shared coroutine queue.
package io.flexnet.pipeline;

import io.flexnet.packet.Packet;

/**
 * Bounds what one class of coroutines may hold in a queue they share with others, so a class that
 * floods a shared queue fills its own share and no more: the rest stays free for the others' entries.
 * One instance per queue ({@link CoroutineQueue#limitEntries}); the queue asks {@link #admit} before
 * it parks a coroutine and gives the answer back with {@link #release} when the coroutine leaves. A
 * queue without a limit pays one null check per offer and per take.
 *
 * <p>Both methods are called by any producer and consumer thread at once; neither may allocate.
 */
public interface EntryLimit {
    /** {@link #admit}: the packet's class has no cap in this queue; nothing to give back. */
    int UNCAPPED = -1;
    /** {@link #admit}: the packet's class holds its whole share of this queue; the queue refuses it. */
    int REFUSED = -2;

    /**
     * Takes one entry for {@code p}'s class: a token (>= 0) to hand to {@link #release} when the entry
     * leaves the queue, {@link #UNCAPPED}, or {@link #REFUSED}.
     */
    int admit(Packet p);

    /** Gives back the entry {@link #admit} took under {@code token}. */
    void release(int token);
}
