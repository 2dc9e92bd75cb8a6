package io.flexnet.sched;

/**
 * How a {@link CorePolicy} answers: grant a core to a worker or take it back. Both take effect at once
 * (the worker is pinned and woken, or parked) and show in the {@link Signals} of the same call.
 */
public interface Cores {
    /**
     * Gives worker {@code w} a free core of the stack's set (the first free one, in the configured
     * order), asks it to pin itself there and wakes it. False if it already holds one or none is free.
     */
    boolean grant(int w);

    /**
     * Gives worker {@code w} core {@code core} of the stack's set, as {@link #grant(int)} does: the
     * thread-to-core hook, for a policy that matches workers to cores. False if the worker already holds
     * a core, or the core is taken or not the stack's.
     */
    default boolean grant(int w, int core) { return false; }

    /** Parks worker {@code w} and frees its core. False if it held none. */
    boolean revoke(int w);
}
